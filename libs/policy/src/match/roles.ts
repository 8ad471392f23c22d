/**
 * The requester's roles and clusterRoles, computed from the cluster's bindings exactly as Kyverno
 * 1.13–1.15 do on every admission request (KV@v1.14.0:pkg/userinfo/roleRef.go `GetRoleRef`,
 * pkg/webhooks/handlers/enrich.go `withRoles`; reference §2.5). The surprises, kept on purpose:
 *   - RoleBindings of **every** namespace count, not only the request's: a RoleBinding in `a` to Role
 *     `editor` gives `a:editor`; a RoleBinding to ClusterRole `admin` anywhere makes `admin` one of the
 *     requester's clusterRoles everywhere;
 *   - subjects match exactly (no wildcards): User by name, Group by membership, ServiceAccount as
 *     `system:serviceaccount:<ns>:<name>` == username, where `ns` defaults to the RoleBinding's namespace;
 *     in a ClusterRoleBinding an SA subject without a namespace never matches;
 *   - no user is special-cased (no `system:` exemption);
 *   - results are de-duplicated and sorted (`sets.List`).
 * Structural inputs: @kubernetes/client-node's V1RoleBinding / V1ClusterRoleBinding fit as they are.
 */
import type { RequestUser, RequesterRoles } from './facts';

export interface BindingSubject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface BindingRoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

export interface RoleBindingLike {
  metadata?: { name?: string; namespace?: string };
  subjects?: BindingSubject[];
  roleRef: BindingRoleRef;
}

export type ClusterRoleBindingLike = RoleBindingLike;

function subjectsMatch(subjects: readonly BindingSubject[] | undefined, user: RequestUser, bindingNamespace: string): boolean {
  return (subjects ?? []).some((subject) => {
    switch (subject.kind) {
      case 'ServiceAccount': {
        const namespace = subject.namespace || bindingNamespace;
        return namespace !== '' && user.username === `system:serviceaccount:${namespace}:${subject.name}`;
      }
      case 'Group':
        return user.groups.includes(subject.name);
      case 'User':
        return user.username === subject.name;
      default:
        return false;
    }
  });
}

/** Go's sort of strings is by bytes; for the ASCII names of Kubernetes objects that is code-unit order. */
const sortedUnique = (items: string[]) => [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function computeRequesterRoles(
  user: RequestUser,
  roleBindings: readonly RoleBindingLike[],
  clusterRoleBindings: readonly ClusterRoleBindingLike[],
): RequesterRoles {
  const roles: string[] = [];
  const clusterRoles: string[] = [];
  for (const binding of roleBindings) {
    const namespace = binding.metadata?.namespace ?? '';
    if (!subjectsMatch(binding.subjects, user, namespace)) continue;
    if (binding.roleRef.kind === 'Role') roles.push(`${namespace}:${binding.roleRef.name}`);
    else if (binding.roleRef.kind === 'ClusterRole') clusterRoles.push(binding.roleRef.name);
  }
  for (const binding of clusterRoleBindings) {
    if (!subjectsMatch(binding.subjects, user, '')) continue;
    if (binding.roleRef.kind === 'ClusterRole') clusterRoles.push(binding.roleRef.name);
  }
  return { roles: sortedUnique(roles), clusterRoles: sortedUnique(clusterRoles) };
}
