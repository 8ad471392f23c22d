/**
 * A policy's identity — kind, namespace, name — and how it is printed.
 * Kyverno keys its deny messages and warnings by name only, so a namespaced
 * Policy named like a ClusterPolicy overwrites it in the message (KV@v1.14.0:
 * pkg/webhooks/utils/block.go `GetBlockedMessages`); here every decision is
 * keyed by the identity, and only the printed name falls back to Kyverno's
 * form when it cannot be confused with another policy.
 */
import type { PolicyIdentity } from '@notary-gate/policy';
import { describePolicy, policyIdentity, policyKey } from '@notary-gate/policy';

export { policyIdentity };

/** A unique string for an identity: `ClusterPolicy/<name>` or `Policy/<namespace>/<name>`. */
export const identityKey = (identity: PolicyIdentity): string => describePolicy(identity);

/**
 * Kyverno's cache key (`cache.MetaObjectToName`): `<namespace>/<name>` for a
 * Policy, `<name>` for a ClusterPolicy — what `exceptions[].policyName` names.
 */
export const kyvernoPolicyKey = (identity: PolicyIdentity): string => policyKey(identity);

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
