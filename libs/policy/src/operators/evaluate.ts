/**
 * One operator applied to a substituted key and value, dispatched as Kyverno's
 * `CreateOperatorHandler` does (case-insensitive names; kyverno-notary-spec §4.2).
 */
import { PolicyError } from '../errors';
import { evaluateDuration } from './duration';
import { evaluateEquals, evaluateNotEquals } from './equality';
import { evaluateIn, evaluateMembership } from './membership';
import { resolveOperator } from './names';
import { evaluateNumeric } from './numeric';

/**
 * Evaluates `key <operator> value`. Throws `PolicyError` `ERR_POLICY_OPERATOR` with Kyverno's message
 * for an unknown operator (policies should have been rejected at load time by `isKnownOperator`).
 */
export function evaluateOperator(operator: string, key: unknown, value: unknown): boolean {
  const op = resolveOperator(operator);
  switch (op) {
    case 'Equal':
    case 'Equals':
      return evaluateEquals(key, value);
    case 'NotEqual':
    case 'NotEquals':
      return evaluateNotEquals(key, value);
    case 'In':
      return evaluateIn(key, value, false);
    case 'NotIn':
      return evaluateIn(key, value, true);
    case 'AnyIn':
    case 'AllIn':
    case 'AnyNotIn':
    case 'AllNotIn':
      return evaluateMembership(key, value, op);
    case 'GreaterThan':
    case 'GreaterThanOrEquals':
    case 'LessThan':
    case 'LessThanOrEquals':
      return evaluateNumeric(key, value, op);
    case 'DurationGreaterThan':
    case 'DurationGreaterThanOrEquals':
    case 'DurationLessThan':
    case 'DurationLessThanOrEquals':
      return evaluateDuration(key, value, op);
    case undefined:
      throw new PolicyError('ERR_POLICY_OPERATOR', 'failed to create handler for condition operator: %!w(<nil>)');
  }
}
