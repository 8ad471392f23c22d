/**
 * One `ResourceFilter` (resources + subjects/roles/clusterRoles) against one request, three-valued:
 * every check that is set must hold (AND across fields, OR inside each list), a check that needs a
 * fact the caller could not obtain is unknown. A filter fails when any known check fails — no unknown
 * fact can rescue it — and is undecided only when nothing failed and something is unknown.
 *
 * Kyverno has two matchers with different rules (reference §2 and §5):
 *   - policies: KV@v1.14.0:pkg/engine/utils/match.go `doesResourceMatchConditionBlock` (+ the empty-filter
 *     helpers), used here in the modes `match` and `exclude`;
 *   - exceptions: KV@v1.14.0:pkg/engine/utils/exceptions.go `checkResourceFilter`, mode `exception`.
 */
import { wildcardMatch } from '../wildcard';
import type { ResourceFilter } from '../model/types';
import type { MatchFacts } from './facts';
import { checkKind } from './kind-selector';
import { checkSelector, selectorIgnoresLabels } from './label-selector';

export type FilterMode = 'match' | 'exclude' | 'exception';

export type FilterOutcome =
  | { result: 'match' }
  | { result: 'no-match'; reason: string }
  | { result: 'undecided'; missing: string[] };

const nonEmpty = <T>(list: readonly T[] | undefined): list is readonly T[] => list !== undefined && list.length > 0;

/**
 * Kyverno's emptiness tests. Policies (match/exclude) compare the whole filter with the zero value
 * (DeepEqual), so `operations` counts; exceptions use `ResourceFilter.IsEmpty()`, which ignores it.
 * An empty list or map is read as unset (Kyverno's len() checks skip it; for DeepEqual an explicit
 * `[]` would make a filter non-empty that checks nothing — an exclude that excludes everything —
 * and treating it as empty is the stricter reading).
 */
export function isEmptyFilter(filter: ResourceFilter, mode: FilterMode): boolean {
  const r = filter.resources ?? {};
  const description =
    !nonEmpty(r.kinds) &&
    !r.name &&
    !nonEmpty(r.names) &&
    !nonEmpty(r.namespaces) &&
    Object.keys(r.annotations ?? {}).length === 0 &&
    r.selector === undefined &&
    r.namespaceSelector === undefined &&
    (mode === 'exception' || !nonEmpty(r.operations));
  return description && !hasUserInfo(filter);
}

export function hasUserInfo(filter: ResourceFilter): boolean {
  return nonEmpty(filter.roles) || nonEmpty(filter.clusterRoles) || nonEmpty(filter.subjects);
}

/** The filter with Kyverno's RequestInfo-empty rule applied: `match` drops user info when there is no user. */
function effectiveFilter(filter: ResourceFilter, facts: MatchFacts, mode: FilterMode): ResourceFilter {
  if (mode === 'match' && facts.user === null) {
    return filter.resources ? { resources: filter.resources } : {};
  }
  return filter;
}

/** Human-readable name of a missing fact, for the admission message. */
export function namespaceLabelsMissing(facts: MatchFacts): string | undefined {
  return facts.namespaceLabels.known ? undefined : `namespace labels of "${facts.namespace}": ${facts.namespaceLabels.reason}`;
}

export function rolesMissing(facts: MatchFacts): string | undefined {
  return facts.roles.known ? undefined : `roles of "${facts.user?.username ?? ''}": ${facts.roles.reason}`;
}

/**
 * Labels a namespaceSelector is evaluated against: those of the request's namespace; for a
 * cluster-scoped resource (namespace "") Kyverno passes an empty map (pkg/utils/engine/labels.go is
 * only called with a namespace), so no fact is needed.
 */
function namespaceLabelsFor(facts: MatchFacts): { known: true; labels: Record<string, string> } | { known: false } {
  if (facts.namespace === '' || facts.kind === 'Namespace') return { known: true, labels: {} };
  return facts.namespaceLabels.known ? { known: true, labels: facts.namespaceLabels.value } : { known: false };
}

export function evaluateFilter(original: ResourceFilter, facts: MatchFacts, mode: FilterMode): FilterOutcome {
  const filter = effectiveFilter(original, facts, mode);
  if (isEmptyFilter(filter, mode)) {
    // match: "match cannot be empty"; exclude: an empty filter never excludes; exception: IsEmpty → false.
    return { result: 'no-match', reason: mode === 'match' ? 'match cannot be empty' : 'empty filter' };
  }
  const failures: string[] = [];
  const missing: string[] = [];
  const r = filter.resources ?? {};

  // Operations: policies only (exceptions never check them, reference §5).
  if (mode !== 'exception' && nonEmpty(r.operations) && !r.operations.includes(facts.operation)) {
    failures.push(`operation ${facts.operation} is not one of [${r.operations.join(' ')}]`);
  }
  if (nonEmpty(r.kinds) && !checkKind(r.kinds, facts, true)) {
    failures.push(`kind does not match [${r.kinds.join(' ')}]`);
  }
  // facts.name is metadata.name, or metadata.generateName when the name is empty.
  if (r.name && !wildcardMatch(r.name, facts.name)) failures.push('name does not match');
  if (nonEmpty(r.names) && !r.names.some((pattern) => wildcardMatch(pattern, facts.name))) failures.push('none of the names match');
  if (nonEmpty(r.namespaces)) {
    // checkNameSpace: a Namespace object is matched by its own name.
    const namespace = facts.kind === 'Namespace' ? facts.name : facts.namespace;
    if (!r.namespaces.some((pattern) => wildcardMatch(pattern, namespace))) failures.push('namespace does not match');
  }
  if (r.annotations && Object.keys(r.annotations).length > 0) {
    // pkg/utils/match/annotations.go: each expected pair must match some annotation, wildcards in key and value.
    const actual = Object.entries(facts.annotations);
    const ok = Object.entries(r.annotations).every(([key, value]) => actual.some(([k, v]) => wildcardMatch(key, k) && wildcardMatch(value, v)));
    if (!ok) failures.push('annotations does not match');
  }
  if (r.selector !== undefined) {
    const checked = checkSelector(r.selector, facts.labels);
    if (!checked.ok) failures.push(`failed to parse selector: ${checked.error}`);
    else if (!checked.matched) failures.push('selector does not match');
  }
  if (r.namespaceSelector !== undefined) {
    if (mode !== 'exception' && facts.kind === 'Namespace') {
      failures.push('namespace selector is not applicable for namespace resource');
    } else if (appliesNamespaceSelector(r.kinds, facts.kind, mode)) {
      const labels = selectorIgnoresLabels(r.namespaceSelector) ? { known: true as const, labels: {} } : namespaceLabelsFor(facts);
      if (!labels.known) {
        missing.push(namespaceLabelsMissing(facts)!);
      } else {
        const checked = checkSelector(r.namespaceSelector, labels.labels);
        if (!checked.ok) failures.push(`failed to parse namespace selector: ${checked.error}`);
        else if (!checked.matched) failures.push('namespace selector does not match labels');
      }
    }
  }

  // User info (AND across roles / clusterRoles / subjects, OR inside each). With no user at all (only
  // reachable in exclude and exceptions) Kyverno's RequestInfo is empty: no roles, username "".
  if (nonEmpty(filter.roles) || nonEmpty(filter.clusterRoles)) {
    const roles = facts.user === null ? { known: true as const, value: { roles: [], clusterRoles: [] } } : facts.roles;
    if (!roles.known) {
      missing.push(rolesMissing(facts)!);
    } else {
      if (nonEmpty(filter.roles) && !filter.roles.some((role) => roles.value.roles.includes(role))) {
        failures.push('user info does not match roles for the given conditionBlock');
      }
      if (nonEmpty(filter.clusterRoles) && !filter.clusterRoles.some((role) => roles.value.clusterRoles.includes(role))) {
        failures.push('user info does not match clustersRoles for the given conditionBlock');
      }
    }
  }
  if (nonEmpty(filter.subjects)) {
    const username = facts.user?.username ?? '';
    const groups = facts.user?.groups ?? [];
    const ok = filter.subjects.some((subject) => {
      switch (subject.kind) {
        case 'ServiceAccount':
          // pkg/utils/match/subjects.go: the SA username is the pattern (wildcards allowed in ns and name).
          return wildcardMatch(`system:serviceaccount:${subject.namespace ?? ''}:${subject.name}`, username);
        case 'Group':
          return groups.some((group) => wildcardMatch(subject.name, group));
        case 'User':
          return wildcardMatch(subject.name, username);
        default:
          return false;
      }
    });
    if (!ok) failures.push('user info does not match subject for the given conditionBlock');
  }

  if (failures.length > 0) return { result: 'no-match', reason: failures.join('; ') };
  if (missing.length > 0) return { result: 'undecided', missing };
  return { result: 'match' };
}

/**
 * Whether a namespaceSelector is evaluated at all. Policies: skipped (passes) when the resource kind is
 * empty unless the kinds contain `*`; exceptions: skipped for an empty kind (Namespace objects too).
 */
function appliesNamespaceSelector(kinds: readonly string[] | undefined, kind: string, mode: FilterMode): boolean {
  if (mode === 'exception') return kind !== 'Namespace' && kind !== '';
  return kind !== '' || (kinds ?? []).includes('*');
}
