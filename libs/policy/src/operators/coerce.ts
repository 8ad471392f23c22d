/**
 * Value coercions shared by the operators, each reproducing the Go call Kyverno makes
 * (pkg/engine/variables/operator; kyverno-notary-spec §4.3).
 */
import { durationSeconds, parseGoDuration, secondsToDuration } from '../values/duration';
import { parseQuantity, quantityFromNumber, type Quantity } from '../values/quantity';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `strconv.ParseFloat(s, 64)`: the whole string must be a Go float literal. */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?(?:inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  return undefined;
}

/**
 * Kyverno's `parseDuration(key, value)`: at least one side must be a Go duration string (the literal
 * `"0"` excluded); the other side may be a duration string or a number of seconds (truncated to whole
 * seconds, as `time.Duration(f) * time.Second` does). Returns both sides in seconds, or undefined.
 */
export function parseDurationPair(key: unknown, value: unknown): [number, number] | undefined {
  const asDuration = (v: unknown) => (typeof v === 'string' && v !== '0' ? parseGoDuration(v) : undefined);
  let k = asDuration(key);
  let v = asDuration(value);
  if (k === undefined && v === undefined) return undefined;
  if (k === undefined) {
    if (typeof key !== 'number') return undefined;
    k = secondsToDuration(key);
  }
  if (v === undefined) {
    if (typeof value !== 'number') return undefined;
    v = secondsToDuration(value);
  }
  return [durationSeconds(k), durationSeconds(v)];
}

/** NotEquals/Equals compare a quantity key with a string or a number value (`parseComparableQuantity`). */
export function comparableQuantity(value: unknown): Quantity | undefined {
  if (typeof value === 'string') return parseQuantity(value);
  if (typeof value === 'number') return quantityFromNumber(value);
  return undefined;
}

/** `reflect.DeepEqual` over JSON values (arrays are order-sensitive). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
