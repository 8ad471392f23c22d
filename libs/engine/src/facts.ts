/**
 * The facts matching needs about one admission request (MatchFacts): the
 * request itself, and — only when some policy or exception needs them — the
 * namespace's labels, the requester's roles and the PolicyExceptions in
 * force, read through the ClusterFacts port. A fact that cannot be had is
 * carried as unknown with the reason, so that a filter needing it makes the
 * admission undecided (failurePolicy) instead of matching or excluding by
 * accident.
 */
import type { AdmissionRequest, KubernetesObject } from '@notary-gate/admission';
import type { Fact, MatchFacts, MatchResources, Policy, PolicyException, RequesterRoles, RequestUser } from '@notary-gate/policy';
import { perPolicySet } from './policy-set-memo';
import type { ClusterFacts } from './types';

export interface RequestFacts {
  match: MatchFacts;
  /** PolicyExceptions in force; unknown when the source could not be read. */
  exceptions: Fact<PolicyException[]>;
}

const known = <T>(value: T): Fact<T> => ({ known: true, value });
const unknown = <T>(reason: string): Fact<T> => ({ known: false, reason });

/** The requester, from `request.userInfo`; null when the request carries no user info (the CLI without --userinfo). */
export function requestUser(request: AdmissionRequest): RequestUser | null {
  const info = request.userInfo;
  if (!info || (info.username === undefined && (info.groups ?? []).length === 0)) return null;
  return { username: info.username ?? '', groups: info.groups ?? [] };
}

/** Facts about the request; the port is asked only for what `policies` and the exceptions need. */
export async function gatherFacts(request: AdmissionRequest, object: KubernetesObject, policies: Policy[], clusterFacts: ClusterFacts | undefined): Promise<RequestFacts> {
  const exceptions = await readExceptions(clusterFacts);
  const exceptionList = exceptions.known ? exceptions.value : [];
  const policySet = policySetNeeds(policies);
  const exceptionsNeed = exceptionList.map(exceptionNeeds);
  const needsLabels = policySet.namespaceLabels || exceptionsNeed.some((need) => need.namespaceLabels);
  const needsRoles = policySet.roles || exceptionsNeed.some((need) => need.roles);
  const namespace = request.namespace ?? object.metadata?.namespace ?? '';
  const user = requestUser(request);

  // Most policy sets need neither: no promise to wait on then.
  const [namespaceLabels, roles] =
    needsLabels || (needsRoles && user)
      ? await Promise.all([
          needsLabels ? readNamespaceLabels(request.kind.kind, namespace, clusterFacts) : known<Record<string, string>>({}),
          needsRoles && user ? readRoles(user, clusterFacts) : known<RequesterRoles>({ roles: [], clusterRoles: [] }),
        ])
      : [known<Record<string, string>>({}), known<RequesterRoles>({ roles: [], clusterRoles: [] })];

  return {
    match: {
      group: request.kind.group,
      version: request.kind.version,
      kind: request.kind.kind,
      subresource: request.subResource ?? '',
      name: request.name || object.metadata?.name || object.metadata?.generateName || '',
      namespace,
      operation: request.operation,
      labels: object.metadata?.labels ?? {},
      annotations: object.metadata?.annotations ?? {},
      user,
      roles,
      namespaceLabels,
    },
    exceptions,
  };
}

async function readExceptions(port: ClusterFacts | undefined): Promise<Fact<PolicyException[]>> {
  // Without a cluster there is nowhere for an exception to live.
  if (!port) return known([]);
  try {
    return known(await port.policyExceptions());
  } catch (error) {
    return unknown(`policy exceptions: ${describe(error)}`);
  }
}

async function readNamespaceLabels(kind: string, namespace: string, port: ClusterFacts | undefined): Promise<Fact<Record<string, string>>> {
  // KV@v1.14.0:pkg/utils/engine/labels.go: cluster-scoped requests and Namespace objects are matched against no labels.
  if (namespace === '' || kind === 'Namespace') return known({});
  // The reason is worded by the matcher as `namespace labels of "<ns>": <reason>`.
  if (!port) return unknown('no source of cluster facts is configured');
  try {
    const labels = await port.namespaceLabels(namespace);
    return labels === null ? unknown(`namespace "${namespace}" not found`) : known(labels);
  } catch (error) {
    return unknown(describe(error));
  }
}

async function readRoles(user: RequestUser, port: ClusterFacts | undefined): Promise<Fact<RequesterRoles>> {
  // The reason is worded by the matcher as `roles of "<user>": <reason>`.
  if (!port) return unknown('no source of cluster facts is configured');
  try {
    return known(await port.requesterRoles(user));
  } catch (error) {
    return unknown(describe(error));
  }
}

/** Which facts matching a policy or an exception reads beyond the request. */
interface FactNeeds {
  namespaceLabels: boolean;
  roles: boolean;
}

// Per parsed policy and exception (never changed once parsed): worked out once, not on every admission.
const policyNeedsKnown = new WeakMap<Policy, FactNeeds>();
const exceptionNeedsKnown = new WeakMap<PolicyException, FactNeeds>();

function policyNeeds(policy: Policy): FactNeeds {
  let needs = policyNeedsKnown.get(policy);
  if (needs === undefined) {
    const blocks = policyBlocks(policy);
    needs = {
      namespaceLabels: blocks.some(hasNamespaceSelector) || policy.validationFailureActionOverrides.some((override) => override.namespaceSelector),
      roles: blocks.some(hasRoles),
    };
    policyNeedsKnown.set(policy, needs);
  }
  return needs;
}

const policySetNeeds = perPolicySet((policies): FactNeeds => {
  const needs = policies.map(policyNeeds);
  return { namespaceLabels: needs.some((need) => need.namespaceLabels), roles: needs.some((need) => need.roles) };
});

function exceptionNeeds(exception: PolicyException): FactNeeds {
  let needs = exceptionNeedsKnown.get(exception);
  if (needs === undefined) {
    needs = { namespaceLabels: hasNamespaceSelector(exception.match), roles: hasRoles(exception.match) };
    exceptionNeedsKnown.set(exception, needs);
  }
  return needs;
}

function policyBlocks(policy: Policy): MatchResources[] {
  return policy.rules.flatMap((rule) => [rule.match, ...(rule.exclude ? [rule.exclude] : [])]);
}

const filtersOf = (block: MatchResources) => [...(block.any ?? []), ...(block.all ?? [])];

function hasNamespaceSelector(block: MatchResources): boolean {
  return filtersOf(block).some((filter) => filter.resources?.namespaceSelector !== undefined);
}

function hasRoles(block: MatchResources): boolean {
  return filtersOf(block).some((filter) => (filter.roles?.length ?? 0) > 0 || (filter.clusterRoles?.length ?? 0) > 0);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
