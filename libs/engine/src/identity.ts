/**
 * A policy's identity — kind, namespace, name — and the keys derived from it.
 * Kyverno keys its deny messages and warnings by name only, so a namespaced
 * Policy named like a ClusterPolicy overwrites it in the message (KV@v1.14.0:
 * pkg/webhooks/utils/block.go `GetBlockedMessages`); here every decision is
 * keyed by the identity, and only the printed name falls back to Kyverno's
 * form when it cannot be confused with another policy.
 */
import type { Policy, PolicyIdentity } from '@notary-gate/policy';

/** The identity of a policy; a Policy without a namespace lives in `default` (Kyverno 1.13.5+). */
export function policyIdentity(policy: Pick<Policy, 'kind' | 'name' | 'namespace'>): PolicyIdentity {
  return policy.kind === 'Policy' ? { kind: 'Policy', namespace: policy.namespace || 'default', name: policy.name } : { kind: 'ClusterPolicy', name: policy.name };
}

/** A unique string for an identity: `ClusterPolicy/<name>` or `Policy/<namespace>/<name>`. */
export function identityKey(identity: PolicyIdentity): string {
  return identity.kind === 'Policy' ? `Policy/${identity.namespace ?? 'default'}/${identity.name}` : `ClusterPolicy/${identity.name}`;
}

/**
 * Kyverno's cache key (`cache.MetaObjectToName`): `<namespace>/<name>` for a
 * Policy, `<name>` for a ClusterPolicy — what `exceptions[].policyName` names.
 */
export function kyvernoPolicyKey(identity: PolicyIdentity): string {
  return identity.kind === 'Policy' ? `${identity.namespace ?? 'default'}/${identity.name}` : identity.name;
}

/**
 * How policies are printed in messages: the name, as Kyverno prints it —
 * except a Policy whose name another policy of the same response also has,
 * which is printed `<namespace>/<name>` so that neither hides the other
 * (stricter than Kyverno, which lets the later one overwrite).
 */
export function displayNames(identities: PolicyIdentity[]): (identity: PolicyIdentity) => string {
  const keysByName = new Map<string, Set<string>>();
  for (const identity of identities) {
    const keys = keysByName.get(identity.name) ?? new Set<string>();
    keys.add(identityKey(identity));
    keysByName.set(identity.name, keys);
  }
  return (identity) => ((keysByName.get(identity.name)?.size ?? 0) > 1 && identity.kind === 'Policy' ? kyvernoPolicyKey(identity) : identity.name);
}
