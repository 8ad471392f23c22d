/**
 * PolicyExceptions (kyverno.io/v2, v2beta1) as Kyverno 1.13–1.15 apply them (reference §5):
 *   - selection (pkg/controllers/exceptions/controller.go, `Exception.Contains`): an `exceptions[]` item
 *     names the policy by its key **exactly** (`ns/name` for a Policy, `name` for a ClusterPolicy) and the
 *     rule by **wildcard** (`ruleNames`), tested against the rule name as evaluated — autogen rules are
 *     `autogen-<rule>` / `autogen-cronjob-<rule>`, so covering controllers takes those names or `*`;
 *     candidates are ordered by namespace, then name;
 *   - where exceptions may live (`--exceptionNamespace`): see `exceptionNamespaceAllowed`;
 *   - resource match (KV@v1.14.0:pkg/engine/utils/exceptions.go `MatchesException`): a matcher of its own —
 *     any/all, neither → no match; an empty filter never matches (operations ignored for emptiness);
 *     operations never checked; kinds allow Pod/ephemeralcontainers; namespaceSelector skipped for
 *     Namespace objects and an empty kind; user info never dropped;
 *   - then `conditions`: evaluated by the caller (they need the engine's JMESPath context) through the
 *     callback of `resolveExceptions`; **an evaluation error makes no exception apply for that rule**,
 *     not even those that already matched (MatchesException returns nil).
 */
import { wildcardMatch } from '../wildcard';
import type { PolicyException } from '../model/types';
import type { MatchFacts, MatchOutcome } from './facts';
import { evaluateFilter } from './filter';
import { concreteFacts, factsNamedBy } from './refine';

/** Does an exception name this policy (by key) and rule (by wildcard)? */
export function exceptionCovers(exception: Pick<PolicyException, 'exceptions'>, policyKey: string, ruleName: string): boolean {
  return exception.exceptions.some((item) => item.policyName === policyKey && item.ruleNames.some((pattern) => wildcardMatch(pattern, ruleName)));
}

/** The exceptions that name this policy and rule, in Kyverno's order (namespace, then name). */
export function selectExceptions<T extends Pick<PolicyException, 'exceptions' | 'namespace' | 'name'>>(exceptions: readonly T[], policyKey: string, ruleName: string): T[] {
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return exceptions
    .filter((exception) => exceptionCovers(exception, policyKey, ruleName))
    .sort((a, b) => order(a.namespace, b.namespace) || order(a.name, b.name));
}

/**
 * Kyverno's `--exceptionNamespace`: `''` → exceptions are off (Kyverno logs "the flag --exceptionNamespace
 * cannot be empty" and lists none); `'*'` → exceptions from every namespace; otherwise only exceptions in
 * that one namespace (exact, no wildcard).
 */
export function exceptionNamespaceAllowed(exceptionNamespace: string, configured: string): boolean {
  if (configured === '') return false;
  if (configured === '*') return true;
  return exceptionNamespace === configured;
}

/**
 * Does the exception's `match` cover the request, and does it name this policy/rule? Conditions are
 * not evaluated here (see `resolveExceptions`).
 */
export function matchException(exception: Pick<PolicyException, 'match' | 'exceptions'>, policyKey: string, ruleName: string, facts: MatchFacts): MatchOutcome {
  if (!exceptionCovers(exception, policyKey, ruleName)) return { result: 'no-match', reason: `does not name policy ${policyKey} rule ${ruleName}` };
  const outcome = matchExceptionResources(exception, facts);
  if (outcome.result !== 'undecided') return outcome;
  // As for rules (refine.ts): try every relevant value of the unknown fact.
  const cases = concreteFacts(facts, factsNamedBy([exception.match]));
  const outcomes = cases?.map((concrete) => matchExceptionResources(exception, concrete));
  const first = outcomes?.[0];
  if (first && first.result !== 'undecided' && outcomes!.every((o) => o.result === first.result)) return first;
  return outcome;
}

function matchExceptionResources(exception: Pick<PolicyException, 'match'>, facts: MatchFacts): MatchOutcome {
  const { any, all } = exception.match;
  if (any && any.length > 0) {
    const outcomes = any.map((filter) => evaluateFilter(filter, facts, 'exception'));
    if (outcomes.some((o) => o.result === 'match')) return { result: 'match' };
    const missing = [...new Set(outcomes.flatMap((o) => (o.result === 'undecided' ? o.missing : [])))];
    if (missing.length > 0) return { result: 'undecided', missing: missing.join('; ') };
    return { result: 'no-match', reason: 'no filter of match.any matches' };
  }
  if (all && all.length > 0) {
    const outcomes = all.map((filter) => evaluateFilter(filter, facts, 'exception'));
    const failed = outcomes.find((o): o is { result: 'no-match'; reason: string } => o.result === 'no-match');
    if (failed) return { result: 'no-match', reason: failed.reason };
    const missing = [...new Set(outcomes.flatMap((o) => (o.result === 'undecided' ? o.missing : [])))];
    if (missing.length > 0) return { result: 'undecided', missing: missing.join('; ') };
    return { result: 'match' };
  }
  return { result: 'no-match', reason: 'match has neither any nor all' };
}

/** The caller's evaluation of an exception's `conditions` (JMESPath context of the request). */
export type ExceptionConditionsResult = { passed: boolean } | { error: string };

export type ExceptionsOutcome<T> =
  /** These exceptions apply: the rule is skipped (`rule is skipped due to policy exceptions` + keys). */
  | { result: 'skip'; exceptions: T[] }
  /** No exception applies (`reason` says why when one almost did, e.g. a conditions error). */
  | { result: 'none'; reason?: string }
  /** Whether some exception applies depends on a missing fact. */
  | { result: 'undecided'; missing: string };

/**
 * Which of the candidate exceptions (from `selectExceptions`, already restricted by
 * `exceptionNamespaceAllowed`) apply to this request. `evaluateConditions` is called only for an
 * exception that has conditions and whose match is not a definite no-match. Kyverno semantics:
 * every matching exception whose conditions pass applies; a conditions **error** on an exception that
 * matches makes none apply. With unknown facts: undecided only when the answer (skip or not) could change.
 */
export function resolveExceptions<T extends Pick<PolicyException, 'match' | 'exceptions' | 'conditions'>>(
  candidates: readonly T[],
  policyKey: string,
  ruleName: string,
  facts: MatchFacts,
  evaluateConditions: (exception: T) => ExceptionConditionsResult,
): ExceptionsOutcome<T> {
  const applied: T[] = [];
  const maybe: string[] = [];
  let maybeErrors = 0;
  for (const exception of candidates) {
    const matched = matchException(exception, policyKey, ruleName, facts);
    if (matched.result === 'no-match') continue;
    if (exception.conditions !== undefined) {
      const conditions = evaluateConditions(exception);
      if ('error' in conditions) {
        if (matched.result === 'match') return { result: 'none', reason: `policy exception conditions failed: ${conditions.error}` };
        maybe.push(matched.missing);
        maybeErrors += 1;
        continue;
      }
      if (!conditions.passed) continue;
    }
    if (matched.result === 'match') applied.push(exception);
    else maybe.push(matched.missing);
  }
  const missing = [...new Set(maybe)].join('; ');
  if (maybeErrors > 0) {
    // If an undecided exception whose conditions failed did match, its error voids every exception and
    // the rule runs; if not, the others decide. The same answer only when no other exception could apply.
    return applied.length === 0 && maybe.length === maybeErrors ? { result: 'none' } : { result: 'undecided', missing };
  }
  if (applied.length > 0) return { result: 'skip', exceptions: applied };
  if (maybe.length > 0) return { result: 'undecided', missing };
  return { result: 'none' };
}

/**
 * Kyverno's skip message for a rule that exceptions apply to: `"rule is skipped due to policy exceptions"`
 * followed directly (no space, sic) by the `namespace/name` keys joined with `, `
 * (KV@v1.14.0:pkg/engine/handlers/mutation/mutate_image.go `Process`; reference §5).
 */
export function exceptionSkipMessage(exceptions: readonly Pick<PolicyException, 'namespace' | 'name'>[]): string {
  return 'rule is skipped due to policy exceptions' + exceptions.map((exception) => `${exception.namespace}/${exception.name}`).join(', ');
}
