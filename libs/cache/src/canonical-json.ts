/**
 * Canonical JSON (object keys sorted, no whitespace) and its SHA-256, so that
 * equal inputs give equal cache keys whatever the property order.
 */
import { createHash } from 'node:crypto';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Serialises `value` with sorted object keys. Properties whose value is
 * `undefined` are omitted (as JSON.stringify does: `{a: undefined}` means `{}`).
 * Anything JSON cannot represent faithfully — non-finite numbers, bigint,
 * functions, symbols, `undefined` in arrays, class instances such as Date or
 * Map — throws TypeError: silently collapsing them would let two different
 * inputs share one key.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$');
}

/** Lower-case hex SHA-256 of the canonical JSON of `value`. */
export function hashJson(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function serialise(value: unknown, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${path} is not a finite number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => {
      if (item === undefined) throw new TypeError(`canonical JSON: ${path}[${index}] is undefined`);
      return serialise(item, `${path}[${index}]`);
    }).join(',')}]`;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError(`canonical JSON: ${path} is not a plain object`);
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${serialise(record[key], `${path}.${key}`)}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonical JSON: ${path} is a ${typeof value}, not a JSON value`);
}
