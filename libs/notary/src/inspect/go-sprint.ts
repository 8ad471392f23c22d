/**
 * Go's `fmt.Sprint` for the values an envelope header can hold. notation
 * prints extended signed attributes as `fmt.Sprint(key)` / `fmt.Sprint(value)`
 * (§13 of the reference), so a JWS number (decoded as float64) prints in
 * Go's `%v` float form (`1.672944615e+09`), a COSE integer label or value
 * prints in decimal, a nil as `<nil>`, a slice as `[a b]` and a map as
 * `map[k:v]` with sorted keys.
 */

export interface SprintOptions {
  /**
   * True for values decoded from JSON (JWS): Go decodes every JSON number
   * into a float64. False for CBOR (COSE), where integers stay integers.
   */
  numbersAreFloats: boolean;
}

export function goSprint(value: unknown, options: SprintOptions): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    return !options.numbersAreFloats && Number.isInteger(value) ? integerText(value) : formatGoFloat(value);
  }
  if (value instanceof Uint8Array) return `[${Array.from(value).join(' ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map((item) => goSprint(item, options)).join(' ')}]`;
  if (value instanceof Map) {
    return formatMap([...value.entries()].map(([key, item]) => [goSprint(key, options), goSprint(item, options)]));
  }
  if (typeof value === 'object') {
    return formatMap(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, goSprint(item, options)]));
  }
  return String(value);
}

function integerText(value: number): string {
  return Object.is(value, -0) ? '0' : BigInt(value).toString();
}

function formatMap(entries: Array<[string, string]>): string {
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[${entries.map(([key, item]) => `${key}:${item}`).join(' ')}]`;
}

/**
 * `fmt.Sprint(float64)`: `strconv.FormatFloat(f, 'g', -1, 64)` — shortest
 * digits, exponent form when the decimal exponent is < -4 or ≥ 6 (for the
 * shortest precision Go decides with precision 6), with at least two
 * exponent digits (`1e+06`).
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  // -4 ≤ exponent < 6: JavaScript's own shortest form is already positional here.
  return String(value);
}
