/**
 * Reading a trust policy the way Go's `encoding/json` fills notation's
 * structs: field names match case-insensitively (exact match preferred),
 * `null` or a missing field is the zero value, unknown fields are ignored,
 * and a value of the wrong JSON type is an error (which notation reports as
 * a malformed trust policy).
 */

export class JsonShapeError extends Error {
  override readonly name = 'JsonShapeError';
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of `name` in `object`, matched as Go does (exact key first, then case-insensitive). */
export function field(object: JsonObject, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(object, name)) return object[name];
  const lower = name.toLowerCase();
  let found: unknown;
  for (const [key, value] of Object.entries(object)) {
    if (key.toLowerCase() === lower) found = value;
  }
  return found;
}

export function asObject(value: unknown, what: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new JsonShapeError(`${what} must be an object`);
  return value;
}

export function asString(value: unknown, what: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new JsonShapeError(`${what} must be a string`);
  return value;
}

export function asBoolean(value: unknown, what: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new JsonShapeError(`${what} must be a boolean`);
  return value;
}

/** A JSON array (or null/absent → empty); each element converted by `item`. */
export function asArray<T>(value: unknown, what: string, item: (element: unknown, what: string) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new JsonShapeError(`${what} must be an array`);
  return value.map((element, index) => item(element, `${what}[${index}]`));
}

/** A JSON object of strings (Go `map[string]string`), key order kept. */
export function asStringMap(value: unknown, what: string): Record<string, string> | undefined {
  const object = asObject(value, what);
  if (!object) return undefined;
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(object)) {
    if (typeof entry !== 'string') throw new JsonShapeError(`${what}.${key} must be a string`);
    out[key] = entry;
  }
  return out;
}

/** Parse JSON text (or accept an already-parsed value). Throws JsonShapeError on bad syntax. */
export function parseJsonInput(input: string | Buffer | unknown): unknown {
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      return JSON.parse(input.toString());
    } catch (error) {
      throw new JsonShapeError((error as Error).message);
    }
  }
  return input;
}
