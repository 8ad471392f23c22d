/**
 * From rule results to the admission verdict (kyverno-notary-spec §3.2–§3.4):
 * block on an enforced failure, or on an error under failurePolicy Fail;
 * otherwise allow with the patches and warnings.
 */
import type { BlockedResource, JsonPatchOperation } from '@notary-gate/admission';
import { blockedMessage, ruleWarning } from '@notary-gate/admission';
import type { FailureAction, Policy } from '@notary-gate/policy';
import { effectiveFailurePolicy } from './failure-policy';
import type { RuleResult, Verdict } from './types';

/** Kyverno 1.19: the action of a failed rule is resolved per rule. */
export function ruleAction(policy: Policy, ruleName: string, namespace: string): FailureAction {
  const rule = policy.rules.find((candidate) => candidate.name === ruleName || autogenNames(candidate.name).includes(ruleName));
  const actions = rule?.verifyImages.map((entry) => entry.failureAction).filter((action): action is FailureAction => action !== undefined) ?? [];
  if (actions.includes('Enforce')) return 'Enforce';
  if (actions[0]) return actions[0];
  const override = policy.validationFailureActionOverrides.find((candidate) => (candidate.namespaces ?? []).some((pattern) => globMatch(pattern, namespace)));
  return override?.action ?? policy.validationFailureAction;
}

const autogenNames = (name: string) => [`autogen-${name}`, `autogen-cronjob-${name}`];
const globMatch = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);

export function decide(
  resource: BlockedResource,
  policies: Policy[],
  results: RuleResult[],
  patch: JsonPatchOperation[],
): Verdict {
  const byName = new Map(policies.map((policy) => [policy.name, policy]));
  const failurePolicy = effectiveFailurePolicy(policies.filter((policy) => results.some((result) => result.policy === policy.name)));
  const blocked = results.some((result) => {
    if (result.status === 'fail') return ruleAction(byName.get(result.policy)!, result.rule, resource.namespace) === 'Enforce';
    return result.status === 'error' && failurePolicy === 'Fail';
  });
  if (blocked) {
    const failures: Record<string, Record<string, string>> = {};
    for (const result of results) {
      if (result.status === 'fail' || result.status === 'error' || result.status === 'warn') {
        // Only the last response per rule survives, as in Kyverno.
        (failures[result.policy] ??= {})[result.rule] = result.message;
      }
    }
    return { allowed: false, message: blockedMessage(resource, failures), patch: [], warnings: [], results };
  }
  const warnings = results.filter((result) => result.warn).map((result) => ruleWarning(result.policy, result.rule, result.message));
  return { allowed: true, message: null, patch, warnings, results };
}
