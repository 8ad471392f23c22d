/**
 * From rule results to the admission verdict (kyverno-notary-spec §3.2–§3.4):
 * block on an enforced failure, or on an error under failurePolicy Fail;
 * otherwise allow with the patches and warnings.
 *
 * Every result carries its policy's identity (kind/namespace/name) and is
 * judged by that policy's own failure action: nothing in a namespaced Policy —
 * not even one named like a ClusterPolicy — can change a ClusterPolicy's
 * outcome.
 */
import type { BlockedResource, JsonPatchOperation } from '@notary-gate/admission';
import { blockedMessage, ruleWarning } from '@notary-gate/admission';
import type { Fact, FailureAction, Policy } from '@notary-gate/policy';
import { applyFailurePolicy, effectiveFailurePolicy } from './failure-policy';
import { displayNames, identityKey, policyIdentity } from './identity';
import { effectiveFailureAction } from './policy-semantics';
import { perPolicySet } from './policy-set-memo';
import type { RuleResult, Verdict } from './types';

export type ActionOutcome = { action: FailureAction } | { undecided: string };

/**
 * The failure action that decides whether a policy's failures block, as
 * Kyverno 1.13–1.15 resolve it per policy (KV@v1.14.0:pkg/engine/api/engineresponse.go
 * `GetValidationFailureAction`): walking `spec.rules` in order, the first
 * verifyImages rule whose *first* entry sets `failureAction` decides for the
 * whole policy; otherwise the first matching `validationFailureActionOverrides`
 * item (namespaces and/or namespaceSelector); otherwise
 * `spec.validationFailureAction`. An override whose selector needs labels that
 * could not be read leaves the action undecided (unless every possible answer agrees).
 */
export function failureAction(policy: Policy, resource: Pick<BlockedResource, 'kind' | 'namespace'>, namespaceLabels: Fact<Record<string, string>>): ActionOutcome {
  const outcome = effectiveFailureAction(policy, resource.namespace, { kind: resource.kind, namespaceLabels });
  return outcome.result === 'decided' ? { action: outcome.action } : { undecided: outcome.missing };
}

export interface DecideInput {
  resource: BlockedResource;
  policies: Policy[];
  results: RuleResult[];
  patch: JsonPatchOperation[];
  /** Labels of the request's namespace, for overrides with a namespaceSelector. */
  namespaceLabels: Fact<Record<string, string>>;
}

const policiesByKey = perPolicySet((policies) => new Map(policies.map((policy) => [identityKey(policyIdentity(policy)), policy])));

export function decide({ resource, policies, results, patch, namespaceLabels }: DecideInput): Verdict {
  const byKey = policiesByKey(policies);
  const policyOf = (result: RuleResult) => byKey.get(identityKey(result.identity));
  const responding = policies.filter((policy) => results.some((result) => policyOf(result) === policy));
  const failurePolicy = effectiveFailurePolicy(responding);

  const actions = new Map<Policy, ActionOutcome>();
  const actionOf = (policy: Policy) => {
    let outcome = actions.get(policy);
    if (!outcome) actions.set(policy, (outcome = failureAction(policy, resource, namespaceLabels)));
    return outcome;
  };
  let undecided: { policy: Policy; reason: string } | undefined;
  const blocked = results.some((result) => {
    if (result.status === 'error') return failurePolicy === 'Fail';
    if (result.status !== 'fail') return false;
    const policy = policyOf(result);
    if (!policy) throw new TypeError(`a rule result names a policy that was not evaluated: ${identityKey(result.identity)}`);
    const outcome = actionOf(policy);
    if ('undecided' in outcome) {
      undecided ??= { policy, reason: `cannot decide the failure action of policy ${result.policy}: ${outcome.undecided}` };
      return false;
    }
    return outcome.action === 'Enforce';
  });
  const display = displayNames(results.map((result) => result.identity));
  if (blocked) {
    const failures: Record<string, Record<string, string>> = {};
    for (const result of results) {
      if (result.status === 'fail' || result.status === 'error' || result.status === 'warn') {
        // Only the last response per rule survives, as in Kyverno.
        (failures[display(result.identity)] ??= {})[result.rule] = result.message;
      }
    }
    return { allowed: false, message: blockedMessage(resource, failures), patch: [], warnings: [], results };
  }
  const warnings = results.filter((result) => result.warn).map((result) => ruleWarning(display(result.identity), result.rule, result.message));
  if (undecided) {
    // A failure whose action cannot be known is an undecided admission: failurePolicy, naming the missing fact.
    const fallback = applyFailurePolicy(undecided.policy.failurePolicy, `${undecided.reason} for ${resource.kind}/${resource.namespace}/${resource.name}`);
    return { ...fallback, results, warnings: [...fallback.warnings, ...warnings], patch: fallback.allowed ? patch : [] };
  }
  return { allowed: true, message: null, patch, warnings, results };
}
