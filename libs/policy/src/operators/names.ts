/**
 * The condition operators Kyverno accepts (api/kyverno/v1 `ConditionOperators`; kyverno-notary-spec §4.2).
 * `Equal`/`NotEqual`, `In`/`NotIn` and the `Duration…` forms are deprecated but still accepted.
 */
export const CONDITION_OPERATORS = [
  'Equal',
  'Equals',
  'NotEqual',
  'NotEquals',
  'In',
  'AnyIn',
  'AllIn',
  'NotIn',
  'AnyNotIn',
  'AllNotIn',
  'GreaterThanOrEquals',
  'GreaterThan',
  'LessThanOrEquals',
  'LessThan',
  'DurationGreaterThanOrEquals',
  'DurationGreaterThan',
  'DurationLessThanOrEquals',
  'DurationLessThan',
] as const;

export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Operators Kyverno marks deprecated, with the replacements its policy validation suggests. */
export const DEPRECATED_OPERATORS: Readonly<Record<string, readonly string[]>> = {
  In: ['AllIn', 'AnyIn'],
  NotIn: ['AllNotIn', 'AnyNotIn'],
};

const BY_LOWER = new Map<string, ConditionOperator>(CONDITION_OPERATORS.map((op) => [op.toLowerCase(), op]));

/**
 * Whether a policy may use this operator. Policy validation (`IsOperatorValid`) compares the exact
 * spelling, so this check is what a loader uses to reject a policy with an unknown operator.
 */
export function isKnownOperator(operator: unknown): operator is ConditionOperator {
  return typeof operator === 'string' && (CONDITION_OPERATORS as readonly string[]).includes(operator);
}

/** The engine's lookup (`CreateOperatorHandler`) is case-insensitive. */
export function resolveOperator(operator: string): ConditionOperator | undefined {
  return BY_LOWER.get(operator.toLowerCase());
}
