/**
 * How a policy is named: Kyverno's cache key (`ns/name` for a Policy, `name`
 * for a ClusterPolicy — what `exceptions[].policyName` and PolicyReports use,
 * KV@v1.14.0:pkg/policycache) and notary-gate's identity, which always says
 * the kind, so a Policy and a ClusterPolicy of one name never share verdicts,
 * annotations or metrics.
 */
import type { Policy, PolicyIdentity } from './types';

type Named = Pick<Policy, 'kind' | 'name' | 'namespace'>;

/** Kyverno's key: `ns/name` for a namespaced Policy, `name` for a ClusterPolicy. */
export function policyKey(policy: Named): string {
  return policy.kind === 'Policy' ? `${policy.namespace ?? 'default'}/${policy.name}` : policy.name;
}

/** kind / namespace / name of a policy. */
export function policyIdentity(policy: Named): PolicyIdentity {
  return policy.kind === 'Policy' ? { kind: 'Policy', name: policy.name, namespace: policy.namespace ?? 'default' } : { kind: 'ClusterPolicy', name: policy.name };
}

/** `Policy/ns/name` or `ClusterPolicy/name`, for messages and metrics labels. */
export function describePolicy(policy: Named): string {
  return policy.kind === 'Policy' ? `Policy/${policy.namespace ?? 'default'}/${policy.name}` : `ClusterPolicy/${policy.name}`;
}
