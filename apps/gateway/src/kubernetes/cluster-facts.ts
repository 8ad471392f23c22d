/**
 * The engine's ClusterFacts port backed by the gateway's watch-backed caches
 * (DESIGN "Trust model": a fact that cannot be had makes the admission
 * undecided, never a match or an exclusion by default):
 *
 * - a namespace absent from a synced cache → null (the engine decides);
 * - a cache not synced, the API unreachable, RBAC refusing the list → throw
 *   FactUnavailable naming the fact and the cause, e.g.
 *   `namespace labels unavailable: list namespaces: 403 Forbidden: …`.
 */
import type { KubernetesObject, V1ClusterRoleBinding, V1RoleBinding } from '@kubernetes/client-node';
import { FactUnavailable, type ClusterFacts } from '@notary-gate/engine';
import { computeRequesterRoles, type PolicyException, type RequesterRoles, type RequestUser, type RoleBindingLike } from '@notary-gate/policy';
import type { ClusterWatches } from './cluster-watches';
import type { WatchedResource } from './informers/watched-resource';

export interface ClusterFactsOptions {
  /** The caches; null when the Kubernetes API is not configured. */
  watches: ClusterWatches | null;
  /** PolicyExceptions in force (directory and API, already restricted to the allowed namespaces); throws FactUnavailable. */
  policyExceptions: () => PolicyException[];
}

/** Injection token of the engine's ClusterFacts port in the gateway. */
export const GATEWAY_CLUSTER_FACTS = Symbol('notary-gate.gateway.CLUSTER_FACTS');

/** Memoised role sets kept per cache generation; bounded so a flood of distinct users cannot grow it without limit. */
const MAX_MEMOISED_USERS = 10_000;

const NO_API = 'the Kubernetes API is not configured (set KUBECONFIG, or run in a cluster)';

export class KubernetesClusterFacts implements ClusterFacts {
  private rolesGeneration = '';
  private readonly roles = new Map<string, RequesterRoles>();

  constructor(private readonly options: ClusterFactsOptions) {}

  async namespaceLabels(namespace: string): Promise<Record<string, string> | null> {
    const namespaces = this.ready('namespace labels', (watches) => watches.namespaces);
    const object = namespaces.get(namespace);
    if (!object) return null;
    // The API server sets it on every namespace (Kubernetes ≥ 1.21); a cache fed something else still answers it.
    return { ...(object.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
  }

  async requesterRoles(user: RequestUser): Promise<RequesterRoles> {
    const roleBindings = this.ready('requester roles', (watches) => watches.roleBindings);
    const clusterRoleBindings = this.ready('requester roles', (watches) => watches.clusterRoleBindings);
    const generation = `${roleBindings.generation}/${clusterRoleBindings.generation}`;
    if (generation !== this.rolesGeneration || this.roles.size >= MAX_MEMOISED_USERS) {
      this.roles.clear();
      this.rolesGeneration = generation;
    }
    const key = JSON.stringify([user.username, user.groups]);
    let roles = this.roles.get(key);
    if (!roles) {
      roles = computeRequesterRoles(user, roleBindings.list() as readonly (V1RoleBinding & RoleBindingLike)[], clusterRoleBindings.list() as readonly (V1ClusterRoleBinding & RoleBindingLike)[]);
      this.roles.set(key, roles);
    }
    return roles;
  }

  async policyExceptions(): Promise<PolicyException[]> {
    return this.options.policyExceptions();
  }

  /** The cache behind a fact, started if it was not, or FactUnavailable saying why it cannot be used. */
  private ready<O extends KubernetesObject>(fact: string, pick: (watches: ClusterWatches) => WatchedResource<O>): WatchedResource<O> {
    const watches = this.options.watches;
    if (!watches) throw new FactUnavailable(`${fact} unavailable: ${NO_API}`);
    const watched = pick(watches);
    // A policy that needs the fact was loaded before its cache was started (or the need was missed): start it now.
    watched.start();
    const why = watched.unavailable();
    if (why !== undefined) throw new FactUnavailable(`${fact} unavailable: ${why}`);
    return watched;
  }
}
