/**
 * Go's `fmt.Sprint` (`%v`) of JSON values. Kyverno's In-family operators stringify keys and values with
 * it (kyverno-notary-spec §4.3), so `1000000` becomes `1e+06` there, not `1000000`.
 */
export function goSprint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatGoFloat(value);
  if (Array.isArray(value)) return `[${value.map(goSprint).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${k}:${goSprint((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/**
 * `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest round-trip digits (the same digits JavaScript
 * picks), in scientific notation when the decimal exponent is < -4 or >= 6 (shortest precision uses 6
 * as the threshold), with a signed exponent of at least two digits: `1e+06`, `1.234e-05`.
 */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, exp] = f.toExponential().split('e') as [string, string];
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  // Within that range JavaScript's own String() prints the same positional digits.
  return String(f);
}
