/**
 * Kyverno's autogen: a rule written for Pods also covers the pod templates of
 * controllers, as `autogen-<rule>` (Deployment, DaemonSet, StatefulSet, Job,
 * ReplicaSet, ReplicationController) and `autogen-cronjob-<rule>` (CronJob).
 */
import type { MatchResources, Policy, ResourceFilter, Rule } from './types';

const POD_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];

/**
 * Computed once per policy object and reused by every admission: keyed weakly on the policy and
 * re-derived if its `rules` or `autogenControllers` were replaced since (policies are data, never
 * edited in place by the engine).
 */
const memo = new WeakMap<object, { rules: readonly Rule[]; controllers: readonly string[]; out: readonly Rule[] }>();

/** The policy's rules plus their autogen variants, in Kyverno's order (shared: do not modify). */
export function rulesWithAutogen(policy: Pick<Policy, 'rules' | 'autogenControllers'>): readonly Rule[] {
  const kept = memo.get(policy);
  if (kept !== undefined && kept.rules === policy.rules && kept.controllers === policy.autogenControllers) return kept.out;
  const out = Object.freeze(computeRulesWithAutogen(policy));
  memo.set(policy, { rules: policy.rules, controllers: policy.autogenControllers, out });
  return out;
}

function computeRulesWithAutogen(policy: Pick<Policy, 'rules' | 'autogenControllers'>): Rule[] {
  const out: Rule[] = [...policy.rules];
  const controllers = POD_CONTROLLERS.filter((kind) => policy.autogenControllers.includes(kind));
  const cronJob = policy.autogenControllers.includes('CronJob');
  for (const rule of policy.rules) {
    if (!canAutogen(rule)) continue;
    if (controllers.length > 0) out.push(retarget(rule, `autogen-${rule.name}`, controllers));
  }
  for (const rule of policy.rules) {
    if (cronJob && canAutogen(rule)) out.push(retarget(rule, `autogen-cronjob-${rule.name}`, ['CronJob']));
  }
  return out;
}

/** Only rules that match Pods alone, without names or selectors on the Pod itself, are generated. */
function canAutogen(rule: Rule): boolean {
  const filters = [...(rule.match.any ?? []), ...(rule.match.all ?? [])];
  if (filters.length === 0) return false;
  return filters.every((filter) => {
    const description = filter.resources;
    if (!description?.kinds || description.kinds.length === 0) return false;
    const podOnly = description.kinds.every(isPodKind);
    return podOnly && !description.names && !description.name && !description.selector && !description.annotations;
  });
}

function retarget(rule: Rule, name: string, kinds: string[]): Rule {
  // Pod kinds in match and exclude become the controller kinds; other filters stay as written.
  const swap = (filters: ResourceFilter[] | undefined): ResourceFilter[] | undefined =>
    filters?.map((filter) => (filter.resources?.kinds?.every(isPodKind) ? { ...filter, resources: { ...filter.resources, kinds } } : filter));
  const swapBlock = (block: MatchResources): MatchResources => ({
    ...(block.any ? { any: swap(block.any)! } : {}),
    ...(block.all ? { all: swap(block.all)! } : {}),
  });
  return { ...rule, name, match: swapBlock(rule.match), ...(rule.exclude ? { exclude: swapBlock(rule.exclude) } : {}) };
}

function isPodKind(kind: string): boolean {
  return kind === 'Pod' || kind === 'v1/Pod' || kind === '/v1/Pod';
}
