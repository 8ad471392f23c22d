/**
 * Kyverno policies from the cluster: ClusterPolicies and Policies listed from
 * `kyverno.io/v1`. Each object is parsed by the same loader as files (JSON is
 * YAML); an invalid one is left out and reported, the rest still apply.
 */
import { createHash } from 'node:crypto';
import { parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import type { KubernetesApi } from './kubernetes-api';

interface PolicyList {
  items?: Record<string, unknown>[];
}

export interface ClusterPolicies {
  policies: Policy[];
  /** Objects that could not be used, with the loader's precise message. */
  rejected: string[];
  fingerprint: string;
}

const LISTS = [
  { path: '/apis/kyverno.io/v1/clusterpolicies', kind: 'ClusterPolicy' },
  { path: '/apis/kyverno.io/v1/policies', kind: 'Policy' },
] as const;

export async function listClusterPolicies(api: KubernetesApi): Promise<ClusterPolicies> {
  const out: ClusterPolicies = { policies: [], rejected: [], fingerprint: '' };
  const hash = createHash('sha256');
  for (const list of LISTS) {
    const answer = await api.get<PolicyList>(list.path);
    if (answer === null) throw new Error(`GET ${list.path}: not found (is Kyverno's CRD installed?)`);
    for (const item of answer.items ?? []) {
      const metadata = (item['metadata'] ?? {}) as { name?: string; namespace?: string; resourceVersion?: string };
      const source = `kubernetes:${list.kind}/${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name ?? '?'}`;
      const text = JSON.stringify({ apiVersion: 'kyverno.io/v1', kind: list.kind, ...item });
      hash.update(text);
      try {
        out.policies.push(...parsePolicyDocuments(text, source).policies);
      } catch (error) {
        out.rejected.push((error as Error).message);
      }
    }
  }
  out.fingerprint = hash.digest('hex');
  return out;
}
