/**
 * Which cluster facts the loaded policies and exceptions can consult, so the
 * gateway watches only what it needs (and needs RBAC only for that):
 * namespace labels for any `namespaceSelector` (match, exclude,
 * validationFailureActionOverrides, exceptions), RoleBindings and
 * ClusterRoleBindings for any `roles`/`clusterRoles`.
 */
import type { MatchResources, Policy, PolicyException, ResourceFilter } from '@notary-gate/policy';
import type { FactNeeds } from '../kubernetes/cluster-watches';

const filtersOf = (match: MatchResources | undefined): ResourceFilter[] => [...(match?.any ?? []), ...(match?.all ?? [])];

function addFilters(needs: FactNeeds, filters: ResourceFilter[]): void {
  for (const filter of filters) {
    if (filter.resources?.namespaceSelector !== undefined) needs.namespaceLabels = true;
    if ((filter.roles?.length ?? 0) > 0 || (filter.clusterRoles?.length ?? 0) > 0) needs.roles = true;
  }
}

export function factNeeds(policies: readonly Policy[], exceptions: readonly PolicyException[]): FactNeeds {
  const needs: FactNeeds = { namespaceLabels: false, roles: false };
  for (const policy of policies) {
    for (const rule of policy.rules) addFilters(needs, [...filtersOf(rule.match), ...filtersOf(rule.exclude)]);
    if (policy.validationFailureActionOverrides.some((override) => override.namespaceSelector !== undefined)) needs.namespaceLabels = true;
  }
  for (const exception of exceptions) addFilters(needs, filtersOf(exception.match));
  return needs;
}
