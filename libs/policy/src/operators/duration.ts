/**
 * The deprecated `Duration…` operators (operator/duration.go): a number key is seconds (a float is
 * truncated to whole seconds), a string key must be a Go duration; the value is seconds or a duration.
 */
import { durationSeconds, parseGoDuration, secondsToDuration } from '../values/duration';
import { compareByOperator, type NumericOperator } from './numeric';

export type DurationOperator =
  | 'DurationGreaterThan'
  | 'DurationGreaterThanOrEquals'
  | 'DurationLessThan'
  | 'DurationLessThanOrEquals';

export function evaluateDuration(key: unknown, value: unknown, op: DurationOperator): boolean {
  const k = toDuration(key);
  const v = toDuration(value);
  if (k === undefined || v === undefined) return false;
  return compareByOperator(durationSeconds(k), durationSeconds(v), op.slice('Duration'.length) as NumericOperator);
}

function toDuration(x: unknown): bigint | undefined {
  if (typeof x === 'number') return secondsToDuration(x);
  if (typeof x === 'string') return parseGoDuration(x);
  return undefined;
}
