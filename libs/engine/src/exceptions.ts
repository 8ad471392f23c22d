/**
 * PolicyExceptions at the point Kyverno consults them: after match, image
 * selection, context and preconditions (kyverno-match-semantics §1, §5).
 * Candidates name the policy exactly by Kyverno's key (`name` for a
 * ClusterPolicy, `ns/name` for a Policy) and the rule by wildcard; each
 * candidate's `match` is checked with the exception matcher and its
 * `conditions` against the rule's JMESPath context. A conditions evaluation
 * error means that no exception applies to the rule at all
 * (KV@v1.14.0:pkg/engine/utils/exceptions.go `MatchesException`). The skip
 * message is Kyverno's exact text, with no space after "exceptions"
 * (handlers/mutation/mutate_image.go `Process`).
 */
import type { Jmespath, PolicyIdentity } from '@notary-gate/policy';
import { evaluateConditions, exceptionSkipMessage } from '@notary-gate/policy';
import type { RequestFacts } from './facts';
import { kyvernoPolicyKey } from './identity';
import { resolveExceptions, selectExceptions } from './policy-semantics';

export type ExceptionOutcome = { applies: false } | { applies: true; message: string } | { undecided: string };

export function checkExceptions(identity: PolicyIdentity, ruleName: string, facts: RequestFacts, context: Record<string, unknown>, jmespath: Jmespath): ExceptionOutcome {
  if (!facts.exceptions.known) return { undecided: facts.exceptions.reason };
  const key = kyvernoPolicyKey(identity);
  const candidates = selectExceptions(facts.exceptions.value, key, ruleName);
  if (candidates.length === 0) return { applies: false };
  const outcome = resolveExceptions(candidates, key, ruleName, facts.match, (exception) => {
    try {
      return { passed: evaluateConditions(exception.conditions!, context, { jmespath }).passed };
    } catch (error) {
      return { error: (error as Error).message };
    }
  });
  if (outcome.result === 'undecided') return { undecided: outcome.missing };
  return outcome.result === 'skip' ? { applies: true, message: exceptionSkipMessage(outcome.exceptions) } : { applies: false };
}
