/**
 * `Equals` / `NotEquals` (operator/equal.go, notequal.go). NotEquals is not a plain negation: a null or
 * unsupported key is false for both, and a mismatched value type makes NotEquals true.
 */
import { wildcardMatch } from '../wildcard';
import { compareQuantities, parseQuantity } from '../values/quantity';
import { comparableQuantity, deepEqual, isObject, parseDurationPair, parseGoFloat } from './coerce';

export function evaluateEquals(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean') return typeof value === 'boolean' && key === value;
  if (typeof key === 'number') {
    if (typeof value === 'number') return key === value;
    if (typeof value === 'string') return parseGoFloat(value) === key;
    return false;
  }
  if (typeof key === 'string') return stringEquals(key, value) === true;
  if (Array.isArray(key)) return Array.isArray(value) && deepEqual(key, value);
  if (isObject(key)) return isObject(value) && deepEqual(key, value);
  return false;
}

export function evaluateNotEquals(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean') return typeof value !== 'boolean' || key !== value;
  if (typeof key === 'number') {
    if (typeof value === 'number') return key !== value;
    if (typeof value === 'string') {
      const parsed = parseGoFloat(value);
      return parsed === undefined || parsed !== key;
    }
    return true;
  }
  if (typeof key === 'string') return stringEquals(key, value) !== true;
  if (Array.isArray(key)) return !Array.isArray(value) || !deepEqual(key, value);
  if (isObject(key)) return !isObject(value) || !deepEqual(key, value);
  return false;
}

/**
 * A string key, checked in Kyverno's order: duration (the only cross-type comparison), then quantity,
 * then wildcard with the value as the pattern. `undefined` means "type mismatch" (Equals false,
 * NotEquals true).
 */
function stringEquals(key: string, value: unknown): boolean | undefined {
  const durations = parseDurationPair(key, value);
  if (durations) return durations[0] === durations[1];
  const keyQuantity = parseQuantity(key);
  if (keyQuantity) {
    const valueQuantity = comparableQuantity(value);
    return valueQuantity ? compareQuantities(keyQuantity, valueQuantity) === 0 : undefined;
  }
  if (typeof value === 'string') return wildcardMatch(value, key);
  return undefined;
}
