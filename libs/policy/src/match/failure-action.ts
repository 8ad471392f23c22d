/**
 * The failure action (Audit / Enforce) that decides whether a failed verifyImages rule blocks, as
 * Kyverno 1.13–1.15 resolve it — once per **policy**, not per rule
 * (KV@v1.14.0:pkg/engine/api/engineresponse.go `GetValidationFailureAction`; reference §3, §6.5):
 *   1. walk spec.rules in order; the first verifyImages rule whose `verifyImages[0].failureAction` is set
 *      decides for every rule of the policy (entries [1..] are never consulted);
 *   2. else the first matching `spec.validationFailureActionOverrides` entry;
 *   3. else `spec.validationFailureAction` (CRD default Audit).
 * Validate rules (also walked by Kyverno, with their own failureAction/overrides) are not run by
 * notary-gate and are not in `Policy.rules`; a policy whose validate rule precedes its verifyImages rules
 * and sets an action resolves differently in Kyverno (the parser's concern: report or refuse it).
 *
 * Overrides: a nil `namespaces` → only the namespaceSelector decides (a nil selector never matches);
 * `namespaces: []` never matches; both set → both must match. Kyverno evaluates the selector against the
 * labels it fetched for match/exclude, which are empty when match/exclude has no namespaceSelector
 * (reference §3, "derived") — a hole that silently disables selector overrides. notary-gate evaluates
 * them against the namespace's real labels (cluster-scoped resources and Namespace objects: empty
 * labels, as Kyverno), and an override that needs labels it does not have is undecided — unless every
 * possible answer is the same action.
 */
import { wildcardMatch } from '../wildcard';
import type { FailureAction, Policy, ValidationFailureActionOverride } from '../model/types';
import type { Fact } from './facts';
import { checkSelector, selectorIgnoresLabels } from './label-selector';
import { labelSpace } from './refine';

export type OverrideOutcome =
  | { result: 'override'; action: FailureAction; index: number }
  | { result: 'none' }
  | { result: 'undecided'; missing: string; possible: FailureAction[]; orNone: boolean };

export type FailureActionOutcome =
  | { result: 'decided'; action: FailureAction; source: string }
  | { result: 'undecided'; missing: string; possible: FailureAction[] };

export interface OverrideFacts {
  /** The resource's kind (Namespace objects are evaluated against empty labels). */
  kind: string;
  /** Labels of `namespace`; only consulted when an override has a namespaceSelector. */
  namespaceLabels: Fact<Record<string, string>>;
}

type Tri = true | false | 'unknown';

function overrideMatches(override: ValidationFailureActionOverride, namespace: string, labels: Record<string, string> | undefined): Tri {
  const selectorHolds = (): Tri => {
    if (override.namespaceSelector === undefined) return false;
    if (labels === undefined && !selectorIgnoresLabels(override.namespaceSelector)) return 'unknown';
    const checked = checkSelector(override.namespaceSelector, labels ?? {});
    return checked.ok && checked.matched;
  };
  if (override.namespaces === undefined) return selectorHolds();
  if (!override.namespaces.some((pattern) => wildcardMatch(pattern, namespace))) return false;
  return override.namespaceSelector === undefined ? true : selectorHolds();
}

/**
 * The first `validationFailureActionOverrides` entry that applies to `namespace` (the resource's namespace).
 * Undecided lists the actions that could result; `orNone` says that "no override applies" could too.
 */
export function overrideAction(policy: Pick<Policy, 'validationFailureActionOverrides'>, namespace: string, facts: OverrideFacts): OverrideOutcome {
  const labels = namespace === '' || facts.kind === 'Namespace' ? {} : facts.namespaceLabels.known ? facts.namespaceLabels.value : undefined;
  const possible = new Set<FailureAction>();
  for (const [index, override] of policy.validationFailureActionOverrides.entries()) {
    const matched = overrideMatches(override, namespace, labels);
    if (matched === 'unknown') possible.add(override.action);
    if (matched !== true) continue;
    // A definite match ends the walk; earlier unknown overrides matter only if their action differs.
    if (possible.size === 0 || (possible.size === 1 && possible.has(override.action))) return { result: 'override', action: override.action, index };
    possible.add(override.action);
    return { result: 'undecided', missing: labelsMissing(namespace, facts), possible: [...possible], orNone: false };
  }
  return possible.size === 0 ? { result: 'none' } : { result: 'undecided', missing: labelsMissing(namespace, facts), possible: [...possible], orNone: true };
}

const labelsMissing = (namespace: string, facts: OverrideFacts) =>
  `namespace labels of "${namespace}": ${facts.namespaceLabels.known ? 'unknown' : facts.namespaceLabels.reason}`;

/** The policy's effective failure action for a resource in `namespace` (see the header for the walk). */
export function effectiveFailureAction(
  policy: Pick<Policy, 'rules' | 'validationFailureAction' | 'validationFailureActionOverrides'>,
  namespace: string,
  facts: OverrideFacts,
): FailureActionOutcome {
  for (const rule of policy.rules) {
    const action = rule.verifyImages[0]?.failureAction;
    if (action) return { result: 'decided', action, source: `rule ${rule.name}: verifyImages[0].failureAction` };
  }
  const override = overrideAction(policy, namespace, facts);
  if (override.result === 'override') {
    return { result: 'decided', action: override.action, source: `spec.validationFailureActionOverrides[${override.index}]` };
  }
  if (override.result === 'none') return { result: 'decided', action: policy.validationFailureAction, source: 'spec.validationFailureAction' };
  // Undecided overrides: the fallback is one more possible answer; equal answers need no fact.
  const possible = new Set([...override.possible, ...(override.orNone ? [policy.validationFailureAction] : [])]);
  if (possible.size === 1) return { result: 'decided', action: [...possible][0]!, source: 'spec.validationFailureActionOverrides (every possible answer agrees)' };
  // Then every relevant label value (refine.ts): correlated overrides may agree where each alone cannot.
  const selectors = policy.validationFailureActionOverrides.flatMap((o) => (o.namespaceSelector ? [o.namespaceSelector] : []));
  const space = labelSpace(selectors, namespace);
  if (space) {
    const actions = new Set(
      space.map((value) => {
        const concrete = overrideAction(policy, namespace, { ...facts, namespaceLabels: { known: true, value } });
        return concrete.result === 'override' ? concrete.action : policy.validationFailureAction;
      }),
    );
    if (actions.size === 1) return { result: 'decided', action: [...actions][0]!, source: 'spec.validationFailureActionOverrides (the same for every namespace label value)' };
    return { result: 'undecided', missing: override.missing, possible: [...actions] };
  }
  return { result: 'undecided', missing: override.missing, possible: [...possible] };
}
