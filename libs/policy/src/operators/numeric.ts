/**
 * `GreaterThan`, `GreaterThanOrEquals`, `LessThan`, `LessThanOrEquals` (operator/numeric.go):
 * numbers, numeric strings, durations, quantities (`"1Gi" > "500Mi"`) and strict semantic versions.
 */
import { compareQuantities, parseQuantity } from '../values/quantity';
import { compareSemver, parseSemver } from '../values/semver';
import { parseDurationPair, parseGoFloat } from './coerce';

export type NumericOperator = 'GreaterThan' | 'GreaterThanOrEquals' | 'LessThan' | 'LessThanOrEquals';

export function compareByOperator(key: number, value: number, op: NumericOperator): boolean {
  switch (op) {
    case 'GreaterThanOrEquals':
      return key >= value;
    case 'GreaterThan':
      return key > value;
    case 'LessThanOrEquals':
      return key <= value;
    case 'LessThan':
      return key < value;
  }
}

export function evaluateNumeric(key: unknown, value: unknown, op: NumericOperator): boolean {
  if (typeof key === 'number') return numberKey(key, value, op);
  if (typeof key === 'string') return stringKey(key, value, op);
  return false;
}

function numberKey(key: number, value: unknown, op: NumericOperator): boolean {
  if (typeof value === 'number') return compareByOperator(key, value, op);
  if (typeof value !== 'string') return false;
  const durations = parseDurationPair(key, value);
  if (durations) return compareByOperator(durations[0], durations[1], op);
  const parsed = parseGoFloat(value);
  return parsed === undefined ? false : compareByOperator(key, parsed, op);
}

function stringKey(key: string, value: unknown, op: NumericOperator): boolean {
  const durations = parseDurationPair(key, value);
  if (durations) return compareByOperator(durations[0], durations[1], op);
  // Quantities come before plain numbers: "1Ki" and "1024" are both quantities.
  if (typeof value === 'string') {
    const k = parseQuantity(key);
    const v = parseQuantity(value);
    if (k && v) return compareByOperator(compareQuantities(k, v), 0, op);
  }
  const asNumber = parseGoFloat(key);
  if (asNumber !== undefined) return numberKey(asNumber, value, op);
  const version = parseSemver(key);
  if (version) {
    const other = typeof value === 'string' ? parseSemver(value) : undefined;
    return other ? compareByOperator(compareSemver(version, other), 0, op) : false;
  }
  return false;
}
