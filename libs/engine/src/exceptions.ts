/**
 * PolicyExceptions at the point Kyverno consults them: after match, image
 * selection, context and preconditions (kyverno-match-semantics §1, §5).
 * Candidates name the policy exactly by Kyverno's key (`name` for a
 * ClusterPolicy, `ns/name` for a Policy) and the rule by wildcard; each
 * candidate's `match` is checked with the exception matcher and its
 * `conditions` against the rule's JMESPath context. A conditions evaluation
 * error means that no exception applies to the rule at all
 * (KV@v1.14.0:pkg/engine/utils/exceptions.go `MatchesException`).
 */
import type { Jmespath, MatchFacts, PolicyException, PolicyIdentity } from '@notary-gate/policy';
import { evaluateConditions, wildcardMatch } from '@notary-gate/policy';
import type { RequestFacts } from './facts';
import { kyvernoPolicyKey } from './identity';
import { matchException } from './policy-semantics';

export type ExceptionOutcome = { applies: false } | { applies: true; message: string } | { undecided: string };

/**
 * Kyverno's skip message: "rule is skipped due to policy exceptions" directly
 * followed by the `namespace/name` keys joined with ", " — there is no space
 * after "exceptions" (KV@v1.14.0:pkg/engine/handlers/mutation/mutate_image.go `Process`).
 */
export function exceptionSkipMessage(exceptions: Pick<PolicyException, 'namespace' | 'name'>[]): string {
  return `rule is skipped due to policy exceptions${exceptions.map((exception) => `${exception.namespace}/${exception.name}`).join(', ')}`;
}

export function checkExceptions(identity: PolicyIdentity, ruleName: string, facts: RequestFacts, context: Record<string, unknown>, jmespath: Jmespath): ExceptionOutcome {
  if (!facts.exceptions.known) return { undecided: facts.exceptions.reason };
  const key = kyvernoPolicyKey(identity);
  const candidates = facts.exceptions.value
    .filter((exception) => exception.exceptions.some((item) => item.policyName === key && item.ruleNames.some((pattern) => wildcardMatch(pattern, ruleName))))
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
  const matching: PolicyException[] = [];
  for (const exception of candidates) {
    const outcome = matchException(exception, facts.match satisfies MatchFacts);
    if (outcome.result === 'undecided') return { undecided: outcome.missing };
    if (outcome.result === 'no-match') continue;
    if (exception.conditions) {
      try {
        if (!evaluateConditions(exception.conditions, context, { jmespath }).passed) continue;
      } catch {
        return { applies: false };
      }
    }
    matching.push(exception);
  }
  return matching.length > 0 ? { applies: true, message: exceptionSkipMessage(matching) } : { applies: false };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
