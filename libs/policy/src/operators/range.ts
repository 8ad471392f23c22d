/**
 * Range values of the AnyIn/AllIn/AnyNotIn/AllNotIn operators: `"1-10"`, `"100Mi-1Gi"`, inclusive
 * (pkg/engine/operator `InRange`, pattern validation). The bounds and the key compare as quantities.
 */
import { compareQuantities, parseQuantity } from '../values/quantity';

const BOUND = String.raw`[-|+]?\d+(?:\.\d+)?[A-Za-z]*`;
const RANGE = new RegExp(`^(${BOUND})-(${BOUND})$`);

export function isRange(value: string): boolean {
  return RANGE.test(value);
}

/** Whether `key` lies in the inclusive range; false when the key is not a number or quantity. */
export function inRange(key: string, range: string): boolean {
  const bounds = rangeBounds(range);
  const k = parseQuantity(key);
  if (!bounds || !k) return false;
  return compareQuantities(k, bounds[0]) >= 0 && compareQuantities(k, bounds[1]) <= 0;
}

/** The `a!-b` form Kyverno builds for AnyNotIn: a numeric key outside the range. */
export function outOfRange(key: string, range: string): boolean {
  const bounds = rangeBounds(range);
  const k = parseQuantity(key);
  if (!bounds || !k) return false;
  return compareQuantities(k, bounds[0]) < 0 || compareQuantities(k, bounds[1]) > 0;
}

function rangeBounds(range: string) {
  const m = RANGE.exec(range);
  if (!m) return undefined;
  const low = parseQuantity(m[1]!.replace('|', ''));
  const high = parseQuantity(m[2]!.replace('|', ''));
  return low && high ? ([low, high] as const) : undefined;
}
