/**
 * The requester's roles from RoleBindings and ClusterRoleBindings, as
 * Kyverno's userinfo computes them (KV@v1.14.0:pkg/userinfo/roleRef.go
 * `GetRoleRef`; kyverno-match-semantics §2.5): bindings in every namespace
 * count; a subject matches exactly (User = username, Group ∈ groups,
 * ServiceAccount = `system:serviceaccount:<ns>:<name>` with the binding's
 * namespace when the subject has none — never for a ClusterRoleBinding);
 * RoleBinding → Role adds `<bindingNamespace>:<role>`, → ClusterRole adds
 * the ClusterRole; results de-duplicated and sorted.
 *
 * The gateway's copy of the pure function the policy library owns
 * (`computeRequesterRoles` in libs/policy/src/match, same signature and
 * structural binding types); it is replaced by an import once that lands.
 */
import type { RequesterRoles, RequestUser } from '@notary-gate/policy';

export interface BindingSubject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface RoleBindingLike {
  metadata?: { namespace?: string };
  subjects?: BindingSubject[];
  roleRef: { kind: string; name: string };
}

export type ClusterRoleBindingLike = RoleBindingLike;

function subjectMatches(subject: BindingSubject, user: RequestUser, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== undefined && namespace !== '' && `system:serviceaccount:${namespace}:${subject.name}` === user.username;
    }
    default:
      return false;
  }
}

export function computeRequesterRoles(user: RequestUser, roleBindings: readonly RoleBindingLike[], clusterRoleBindings: readonly ClusterRoleBindingLike[]): RequesterRoles {
  const roles = new Set<string>();
  const clusterRoles = new Set<string>();
  for (const binding of roleBindings) {
    const namespace = binding.metadata?.namespace ?? '';
    if (!(binding.subjects ?? []).some((subject) => subjectMatches(subject, user, namespace))) continue;
    if (binding.roleRef.kind === 'Role') roles.add(`${namespace}:${binding.roleRef.name}`);
    else if (binding.roleRef.kind === 'ClusterRole') clusterRoles.add(binding.roleRef.name);
  }
  for (const binding of clusterRoleBindings) {
    if (binding.roleRef.kind !== 'ClusterRole') continue;
    if ((binding.subjects ?? []).some((subject) => subjectMatches(subject, user, undefined))) clusterRoles.add(binding.roleRef.name);
  }
  return { roles: [...roles].sort(), clusterRoles: [...clusterRoles].sort() };
}
