/**
 * JSON written the way notation's `output.PrintPrettyJSON` writes it: Go's
 * `json.Encoder` with `SetIndent("", "  ")` and its default HTML escaping
 * (`<`, `>`, `&` become `\u003c`, `\u003e`, `\u0026`), a trailing newline,
 * struct fields in declaration order and map keys sorted. `JSON.stringify`
 * differs on all of these, hence this small encoder (strings are quoted by
 * the envelope's `json.Marshal` port, which escapes the same way).
 */
import { goJsonString } from '../envelope/go-json';
import { compareGoStrings } from '../x509/go-quote';

export type GoJsonValue = string | number | boolean | null | GoJsonValue[] | GoJsonObject;

/** An object whose keys print in the order given (a Go struct). */
export class GoJsonObject {
  constructor(readonly entries: ReadonlyArray<readonly [string, GoJsonValue]>) {}
}

/** A Go struct: fields in declaration order; `undefined` values are omitted (`omitempty`). */
export function goStruct(fields: ReadonlyArray<readonly [string, GoJsonValue | undefined]>): GoJsonObject {
  return new GoJsonObject(fields.filter((field): field is readonly [string, GoJsonValue] => field[1] !== undefined));
}

/** A Go map: keys sorted bytewise, as `encoding/json` sorts map keys. */
export function goMap(entries: Iterable<readonly [string, GoJsonValue]>): GoJsonObject {
  return new GoJsonObject([...entries].sort(([a], [b]) => compareGoStrings(a, b)));
}

/** Encode like `json.NewEncoder(w)` + `SetIndent("", "  ")` + `Encode(v)`. */
export function encodeGoJson(value: GoJsonValue): string {
  return `${encodeValue(value, '')}\n`;
}

function encodeValue(value: GoJsonValue, indent: string): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`json: unsupported value: ${value}`);
    // Go and JavaScript agree on the shortest round-trip form and on the
    // thresholds (1e-6, 1e21) where both switch to exponent notation.
    return String(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + encodeValue(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value.entries.length === 0) return '{}';
  const members = value.entries.map(([key, member]) => `${inner}${goJsonString(key)}: ${encodeValue(member, inner)}`);
  return `{\n${members.join(',\n')}\n${indent}}`;
}
