/**
 * What a policy source yields: the policies and PolicyExceptions it can use,
 * and the documents it refused with the loader's precise message. Policies
 * are identified by kind/namespace/name everywhere, so a namespaced Policy can
 * never replace or shadow a ClusterPolicy of the same name.
 */
import { describePolicy, parsePolicyDocuments, type Policy, type PolicyException } from '@notary-gate/policy';

export interface RefusedPolicy {
  /** Identity as far as the document gives it (a broken document may not). */
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  /** The file, or `kubernetes:<Kind>/<ns>/<name>`. */
  source: string;
  message: string;
}

export interface PolicySet {
  policies: Policy[];
  exceptions: PolicyException[];
  refused: RefusedPolicy[];
}

/** `ClusterPolicy/name`, `Policy/ns/name`: the identity of a policy (the policy library's, with its `default` namespace rule). */
export function identityKey(policy: Pick<Policy, 'kind' | 'namespace' | 'name'>): string {
  return describePolicy(policy);
}

/** How a policy is named in messages: `ClusterPolicy "foo"`, `Policy "team-a/foo"`. */
export function policyLabel(policy: { kind?: string | undefined; namespace?: string | undefined; name?: string | undefined }): string {
  return `${policy.kind ?? 'document'} "${policy.namespace ? `${policy.namespace}/` : ''}${policy.name ?? '(unnamed)'}"`;
}

/** Policies and PolicyExceptions of one YAML/JSON text. */
export function parseDocuments(text: string, source: string): { policies: Policy[]; exceptions: PolicyException[] } {
  const loaded = parsePolicyDocuments(text, source);
  return { policies: loaded.policies, exceptions: loaded.exceptions };
}

/** The identity a raw Kubernetes object states (for reporting a document that could not be parsed). */
export function identityOf(value: unknown): Pick<RefusedPolicy, 'apiVersion' | 'kind' | 'name' | 'namespace' | 'uid' | 'resourceVersion'> {
  const object = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const metadata = (typeof object['metadata'] === 'object' && object['metadata'] !== null ? object['metadata'] : {}) as Record<string, unknown>;
  const text = (candidate: unknown) => (typeof candidate === 'string' && candidate !== '' ? candidate : undefined);
  const out: ReturnType<typeof identityOf> = {};
  const fields = { apiVersion: text(object['apiVersion']), kind: text(object['kind']), name: text(metadata['name']), namespace: text(metadata['namespace']), uid: text(metadata['uid']), resourceVersion: text(metadata['resourceVersion']) };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key as keyof typeof fields] = value;
  return out;
}

/** Whether a parsed-or-not document is a Kyverno policy (ClusterPolicy/Policy), as opposed to an exception or another object. */
export function isPolicyKind(kind: string | undefined): kind is 'ClusterPolicy' | 'Policy' {
  return kind === 'ClusterPolicy' || kind === 'Policy';
}
