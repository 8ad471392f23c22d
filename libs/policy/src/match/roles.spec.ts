import type { V1ClusterRoleBinding, V1RoleBinding } from '@kubernetes/client-node';
import { computeRequesterRoles } from './roles';

describe('computeRequesterRoles', () => {
  // The informer objects of @kubernetes/client-node are accepted as they are (a compile-time check too).
  const roleBinding: V1RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'deployers', namespace: 'ci' },
    subjects: [{ kind: 'ServiceAccount', name: 'builder', apiGroup: '' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
  };
  const clusterRoleBinding: V1ClusterRoleBinding = {
    metadata: { name: 'viewers' },
    subjects: [{ kind: 'Group', name: 'system:serviceaccounts:ci', apiGroup: 'rbac.authorization.k8s.io' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
  };
  const builder = { username: 'system:serviceaccount:ci:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci'] };

  it('reads V1RoleBinding / V1ClusterRoleBinding objects', () => {
    expect(computeRequesterRoles(builder, [roleBinding], [clusterRoleBinding])).toEqual({ roles: ['ci:deployer'], clusterRoles: ['view'] });
  });

  it('a user bound to nothing has no roles', () => {
    expect(computeRequesterRoles({ username: 'mallory', groups: [] }, [roleBinding], [clusterRoleBinding])).toEqual({ roles: [], clusterRoles: [] });
  });

  it('a RoleBinding without metadata.namespace gives no namespace to SA subjects (never matches)', () => {
    const noNamespace: V1RoleBinding = { ...roleBinding, metadata: { name: 'x' } };
    expect(computeRequesterRoles(builder, [noNamespace], [])).toEqual({ roles: [], clusterRoles: [] });
  });

  it('sorts by code unit like Go sets.List, de-duplicating across both binding kinds', () => {
    const to = (name: string): V1ClusterRoleBinding => ({ ...clusterRoleBinding, roleRef: { ...clusterRoleBinding.roleRef, name } });
    const asRoleBinding: V1RoleBinding = { ...roleBinding, subjects: clusterRoleBinding.subjects!, roleRef: { ...roleBinding.roleRef, kind: 'ClusterRole', name: 'b' } };
    expect(computeRequesterRoles(builder, [asRoleBinding], [to('b'), to('Z'), to('a'), to('a')]).clusterRoles).toEqual(['Z', 'a', 'b']);
  });

  it('scales linearly: 10 000 bindings are read once', () => {
    const many = Array.from({ length: 10_000 }, (_, i): V1RoleBinding => ({ ...roleBinding, metadata: { name: `b${i}`, namespace: `ns${i % 100}` } }));
    const roles = computeRequesterRoles({ username: 'system:serviceaccount:ns7:builder', groups: [] }, many, []);
    expect(roles.roles).toEqual(['ns7:deployer']);
  });
});
