/**
 * Kyverno policies from the cluster's watch-backed caches: ClusterPolicies
 * and Policies (kyverno.io/v1), and PolicyExceptions. Each object is parsed by
 * the same loader as files (JSON is YAML); one that cannot be used is refused
 * with the loader's precise message — the rest still apply, and the refusal
 * is reported (Event, metric, /readyz), never dropped silently.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Policy, PolicyException } from '@notary-gate/policy';
import { identityOf, isPolicyKind, parseDocuments, type RefusedPolicy } from '../policies/policy-set';

export interface ParsedObjects<T> {
  items: T[];
  refused: RefusedPolicy[];
  /** Identifies the objects' versions: an unchanged cache is not re-reported. */
  fingerprint: string;
}

function parseObjects<T>(objects: readonly KubernetesObject[], apiVersion: string, kind: string, pick: (parsed: { policies: Policy[]; exceptions: PolicyException[] }) => T[]): ParsedObjects<T> {
  const out: ParsedObjects<T> = { items: [], refused: [], fingerprint: '' };
  const hash = createHash('sha256');
  const sorted = [...objects].sort((a, b) => `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`.localeCompare(`${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`));
  for (const object of sorted) {
    // List items of a custom resource carry apiVersion/kind; a watch event always does. Default them for safety.
    const document = { apiVersion, kind, ...(object as Record<string, unknown>) };
    const identity = identityOf(document);
    const source = `kubernetes:${identity.kind ?? kind}/${identity.namespace ? `${identity.namespace}/` : ''}${identity.name ?? '?'}`;
    const text = JSON.stringify(document);
    hash.update(text).update('\0');
    try {
      const items = pick(parseDocuments(text, source));
      if (items.length === 0) throw new Error(`${source}: not understood as a ${kind} (${identity.apiVersion ?? apiVersion})`);
      out.items.push(...items);
    } catch (error) {
      out.refused.push({ ...identity, source, message: (error as Error).message });
    }
  }
  out.fingerprint = hash.digest('hex');
  return out;
}

/** ClusterPolicies and Policies as listed/watched from kyverno.io/v1. */
export function policiesFromObjects(clusterPolicies: readonly KubernetesObject[], policies: readonly KubernetesObject[]): ParsedObjects<Policy> {
  const cluster = parseObjects(clusterPolicies, 'kyverno.io/v1', 'ClusterPolicy', (parsed) => parsed.policies.filter((policy) => isPolicyKind(policy.kind)));
  const namespaced = parseObjects(policies, 'kyverno.io/v1', 'Policy', (parsed) => parsed.policies);
  return { items: [...cluster.items, ...namespaced.items], refused: [...cluster.refused, ...namespaced.refused], fingerprint: `${cluster.fingerprint}:${namespaced.fingerprint}` };
}

/** PolicyExceptions as listed/watched (kyverno.io/v2 or v2beta1). */
export function exceptionsFromObjects(objects: readonly KubernetesObject[], apiVersion: string): ParsedObjects<PolicyException> {
  return parseObjects(objects, apiVersion, 'PolicyException', (parsed) => parsed.exceptions);
}
