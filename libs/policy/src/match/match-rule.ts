/**
 * Does a rule apply to a request? Kyverno 1.13–1.15's `MatchesResourceDescription`
 * (KV@v1.14.0:pkg/engine/utils/match.go) and the namespaced-policy guard
 * (pkg/engine/internal/match.go `checkNamespacedPolicy`), three-valued.
 *
 * The undecided rule: a filter that needs a fact the caller does not have (namespace labels for a
 * namespaceSelector, the requester's roles for roles/clusterRoles) is unknown. Unknowns propagate only
 * where they could change the outcome:
 *   - match.any  → match if some filter matches; else undecided if some filter is unknown; else no match;
 *   - match.all  → no match if some filter fails; else undecided if some is unknown; else match;
 *   - exclude.any → excluded if some filter excludes; else undecided if some is unknown; else not excluded;
 *   - exclude.all → not excluded if some filter does not exclude; else undecided if some is unknown; else excluded;
 *   - rule: no match if match fails or exclude definitely excludes (whatever else is unknown);
 *     match if match holds and exclude definitely does not; undecided otherwise.
 * When that still says undecided, and the unknown fact's relevant values are few (refine.ts), each is
 * tried: all agreeing → decided. So an undecided outcome means the missing fact could have flipped the
 * answer (or its values could not be enumerated exactly: wildcard matchLabels, too many role names).
 */
import type { MatchResources, Policy, ResourceFilter, Rule } from '../model/types';
import type { MatchFacts, MatchOutcome } from './facts';
import { evaluateFilter, type FilterMode, type FilterOutcome } from './filter';
import { concreteFacts, factsNamedBy } from './refine';

type Tri = { value: true } | { value: false; reason: string } | { value: 'unknown'; missing: string[] };

const uniq = (items: string[]) => [...new Set(items)];

/** OR over filters (any), or AND (all), of what each filter does in `mode` (match, or exclude). */
function combine(filters: readonly ResourceFilter[], facts: MatchFacts, mode: FilterMode, quantifier: 'any' | 'all'): Tri {
  const outcomes: FilterOutcome[] = filters.map((filter) => evaluateFilter(filter, facts, mode));
  const missing = uniq(outcomes.flatMap((o) => (o.result === 'undecided' ? o.missing : [])));
  if (quantifier === 'any') {
    if (outcomes.some((o) => o.result === 'match')) return { value: true };
    if (missing.length > 0) return { value: 'unknown', missing };
    return { value: false, reason: outcomes.map((o, i) => `${i + 1}. ${o.result === 'no-match' ? o.reason : ''}`).join(' ') };
  }
  const failed = outcomes.findIndex((o) => o.result === 'no-match');
  if (failed >= 0) {
    const outcome = outcomes[failed] as { reason: string };
    return { value: false, reason: `filter ${failed + 1}: ${outcome.reason}` };
  }
  if (missing.length > 0) return { value: 'unknown', missing };
  return { value: true };
}

/** `match`: any, else all, else the legacy single filter (folded into `any` by the parser) — never both. */
export function evaluateMatchBlock(block: MatchResources, facts: MatchFacts): Tri {
  if (block.any && block.any.length > 0) {
    const tri = combine(block.any, facts, 'match', 'any');
    return tri.value === false ? { value: false, reason: `no resource matched: ${tri.reason}` } : tri;
  }
  if (block.all && block.all.length > 0) return combine(block.all, facts, 'match', 'all');
  // Neither: the legacy form with an empty ResourceDescription and UserInfo.
  return { value: false, reason: 'match cannot be empty' };
}

/** `exclude`: true = excluded. An absent block or an empty filter never excludes. */
export function evaluateExcludeBlock(block: MatchResources | undefined, facts: MatchFacts): Tri {
  if (block?.any && block.any.length > 0) {
    const tri = combine(block.any, facts, 'exclude', 'any');
    return tri.value === false ? { value: false, reason: 'not excluded' } : tri;
  }
  if (block?.all && block.all.length > 0) {
    const tri = combine(block.all, facts, 'exclude', 'all');
    return tri.value === false ? { value: false, reason: 'not excluded' } : tri;
  }
  return { value: false, reason: 'no exclude' };
}

/**
 * The namespaced-policy guard: a `Policy` applies only to resources in its own, non-empty namespace
 * (an empty policy namespace is `default`, 1.13.5+); cluster-scoped resources, Namespace objects
 * included, never match a Policy. Returns the no-match reason, or undefined when the policy may apply.
 */
export function policyScopeMismatch(policy: Pick<Policy, 'kind' | 'namespace'>, facts: Pick<MatchFacts, 'namespace'>): string | undefined {
  if (policy.kind !== 'Policy') return undefined;
  const policyNamespace = policy.namespace || 'default';
  if (facts.namespace === '' || facts.namespace !== policyNamespace) return 'policy and resource namespaces mismatch';
  return undefined;
}

/**
 * Match and exclude of one rule for one request. `facts.namespace` is the object's namespace
 * (`metadata.namespace`; "" for cluster-scoped objects and for Namespace objects themselves).
 */
export function matchRule(rule: Pick<Rule, 'name' | 'match' | 'exclude'>, policy: Pick<Policy, 'kind' | 'namespace'>, facts: MatchFacts): MatchOutcome {
  const scope = policyScopeMismatch(policy, facts);
  if (scope) return { result: 'no-match', reason: scope };
  return matchRuleBlocks(rule, facts);
}

/** Match and exclude without the policy guard (for callers that already applied it). */
export function matchRuleBlocks(rule: Pick<Rule, 'name' | 'match' | 'exclude'>, facts: MatchFacts): MatchOutcome {
  const outcome = threeValued(rule, facts);
  if (outcome.result !== 'undecided') return outcome;
  const cases = concreteFacts(facts, factsNamedBy([rule.match, rule.exclude]));
  if (!cases) return outcome;
  const outcomes = cases.map((concrete) => threeValued(rule, concrete));
  const first = outcomes[0];
  if (first && first.result !== 'undecided' && outcomes.every((o) => o.result === first.result)) {
    return first.result === 'match' ? first : { result: 'no-match', reason: `${first.reason} (whatever ${outcome.missing.replace(/: .*$/, '')} are)` };
  }
  return outcome;
}

function threeValued(rule: Pick<Rule, 'name' | 'match' | 'exclude'>, facts: MatchFacts): MatchOutcome {
  const matched = evaluateMatchBlock(rule.match, facts);
  if (matched.value === false) return { result: 'no-match', reason: `rule ${rule.name} not matched: ${matched.reason}` };
  const excluded = evaluateExcludeBlock(rule.exclude, facts);
  if (excluded.value === true) return { result: 'no-match', reason: `rule ${rule.name} not matched: resource excluded` };
  if (matched.value === true && excluded.value === false) return { result: 'match' };
  const missing = uniq([...(matched.value === 'unknown' ? matched.missing : []), ...(excluded.value === 'unknown' ? excluded.missing : [])]);
  return { result: 'undecided', missing: missing.join('; ') };
}
