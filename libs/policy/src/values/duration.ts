/**
 * Go `time.Duration`: `time.ParseDuration` and `Duration.String()`, held as bigint nanoseconds so
 * long spans (`8760h0m0s`) format exactly as Go prints them.
 */
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_DURATION = (1n << 63n) - 1n;

export const NANOS_PER_SECOND = 1_000_000_000n;

/** `time.ParseDuration`; undefined when Go would return an error. */
export function parseGoDuration(input: string): bigint | undefined {
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const intDigits = m[1] ?? '';
    const hasDot = m[2] !== undefined;
    const fracDigits = m[2] ?? '';
    if (intDigits === '' && fracDigits === '') return undefined;
    s = s.slice(m[0].length);
    const unitMatch = /^[^\d.]+/.exec(s);
    if (!unitMatch) return undefined; // missing unit
    const unit = UNIT_NS[unitMatch[0]];
    if (unit === undefined) return undefined; // unknown unit
    s = s.slice(unitMatch[0].length);
    let value = BigInt(intDigits || '0') * unit;
    if (hasDot && fracDigits !== '') {
      // Go computes the fractional part in float64: int64(float64(f) * (float64(unit) / scale)).
      const fraction = Number(fracDigits);
      const scale = 10 ** fracDigits.length;
      value += BigInt(Math.trunc(fraction * (Number(unit) / scale)));
    }
    total += value;
    if (total > MAX_DURATION) return undefined;
  }
  return negative ? -total : total;
}

/** `Duration.String()`: `1h0m0s`, `1m40s`, `1.5s`, `1.5ms`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  let out: string;
  if (u < NANOS_PER_SECOND) {
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${fraction(u, 3)}µs`;
    else out = `${fraction(u, 6)}ms`;
  } else {
    const secondsPart = fraction(u % (60n * NANOS_PER_SECOND), 9);
    u /= 60n * NANOS_PER_SECOND; // minutes
    out = `${secondsPart}s`;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return negative ? `-${out}` : out;
}

function fraction(value: bigint, digits: number): string {
  const factor = 10n ** BigInt(digits);
  const whole = value / factor;
  const frac = (value % factor).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? `${whole}` : `${whole}.${frac}`;
}

/** Seconds of a duration as Go's `Duration.Seconds()` (float64). */
export function durationSeconds(ns: bigint): number {
  const whole = ns / NANOS_PER_SECOND;
  const rest = ns % NANOS_PER_SECOND;
  return Number(whole) + Number(rest) / 1e9;
}

/** `time.Duration(x) * time.Second` for a JSON number: Go truncates the float to whole seconds first. */
export function secondsToDuration(seconds: number): bigint {
  return BigInt(Math.trunc(seconds)) * NANOS_PER_SECOND;
}
