/**
 * What matching needs to know about one admission request, and what it
 * answers. A fact the caller could not obtain (the namespace's labels, the
 * requester's roles) is carried as `unknown` with the reason: a filter that
 * needs it is undecided — never a match or an exclusion by default.
 */

/** A fact that was either obtained or could not be (with the reason, for the admission message). */
export type Fact<T> = { known: true; value: T } | { known: false; reason: string };

/** The admission request's user (`request.userInfo`). */
export interface RequestUser {
  username: string;
  groups: string[];
}

/** Roles computed from the cluster's RoleBindings and ClusterRoleBindings (Kyverno pkg/userinfo). */
export interface RequesterRoles {
  /** `<bindingNamespace>:<roleName>`, sorted, de-duplicated. */
  roles: string[];
  clusterRoles: string[];
}

export interface MatchFacts {
  /** Top-level group/version/kind of the request, and its subresource ("" when none). */
  group: string;
  version: string;
  kind: string;
  subresource: string;
  /** metadata.name, or metadata.generateName when the name is empty (Kyverno). */
  name: string;
  namespace: string;
  operation: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /**
   * The requester; null when there is no admission user info at all (the CLI
   * without --userinfo): Kyverno then drops `match` user filters (§2.3).
   */
  user: RequestUser | null;
  /** Only consulted when a filter has roles/clusterRoles. */
  roles: Fact<RequesterRoles>;
  /** Labels of the request's namespace; only consulted when a filter has a namespaceSelector. */
  namespaceLabels: Fact<Record<string, string>>;
}

export type MatchOutcome =
  | { result: 'match' }
  | { result: 'no-match'; reason: string }
  /** A fact the decision needs is missing: the caller applies failurePolicy and names `missing`. */
  | { result: 'undecided'; missing: string };
