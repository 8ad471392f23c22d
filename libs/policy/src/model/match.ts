/**
 * Does a rule apply to a resource? Kyverno's `match` / `exclude` with `any` /
 * `all` filters over kinds (`Kind`, `version/Kind`, `group/version/Kind`),
 * names, namespaces, label selectors, annotations and operations.
 */
import { wildcardMatch } from '../wildcard';
import type { LabelSelector, MatchResources, ResourceFilter, Rule } from './types';

export interface ResourceFacts {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
  operation: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Labels of the resource's namespace, when known (namespaceSelector). */
  namespaceLabels?: Record<string, string>;
  username?: string;
  groups?: string[];
}

export function ruleApplies(rule: Pick<Rule, 'match' | 'exclude'>, facts: ResourceFacts): boolean {
  if (!matches(rule.match, facts)) return false;
  return !(rule.exclude && (rule.exclude.any?.length || rule.exclude.all?.length) && matches(rule.exclude, facts));
}

function matches(block: MatchResources, facts: ResourceFacts): boolean {
  if (block.any && block.any.length > 0 && !block.any.some((filter) => filterMatches(filter, facts))) return false;
  if (block.all && block.all.length > 0 && !block.all.every((filter) => filterMatches(filter, facts))) return false;
  return Boolean(block.any?.length || block.all?.length);
}

function filterMatches(filter: ResourceFilter, facts: ResourceFacts): boolean {
  const description = filter.resources;
  if (description) {
    if (description.kinds && !description.kinds.some((kind) => kindMatches(kind, facts))) return false;
    const names = [...(description.names ?? []), ...(description.name ? [description.name] : [])];
    if (names.length > 0 && !names.some((pattern) => wildcardMatch(pattern, facts.name))) return false;
    if (description.namespaces && !description.namespaces.some((pattern) => wildcardMatch(pattern, facts.namespace))) return false;
    if (description.operations && !description.operations.includes(facts.operation)) return false;
    if (description.annotations) {
      for (const [key, pattern] of Object.entries(description.annotations)) {
        const value = facts.annotations[key];
        if (value === undefined || !wildcardMatch(pattern, value)) return false;
      }
    }
    if (description.selector && !selectorMatches(description.selector, facts.labels)) return false;
    if (description.namespaceSelector && !selectorMatches(description.namespaceSelector, facts.namespaceLabels ?? {})) return false;
  }
  if (filter.subjects && filter.subjects.length > 0) {
    const matched = filter.subjects.some((subject) =>
      subject.kind === 'User' ? subject.name === facts.username : subject.kind === 'Group' ? (facts.groups ?? []).includes(subject.name) : false,
    );
    if (!matched) return false;
  }
  return true;
}

/** `Pod`, `v1/Pod`, `apps/v1/Deployment`, `*`, wildcards in each part. */
export function kindMatches(pattern: string, facts: Pick<ResourceFacts, 'group' | 'version' | 'kind'>): boolean {
  const [withoutSubresource] = pattern.split('.', 1);
  const parts = (withoutSubresource ?? pattern).split('/');
  if (parts.length === 1) return wildcardMatch(parts[0]!, facts.kind);
  if (parts.length === 2) return wildcardMatch(parts[0]!, facts.version) && wildcardMatch(parts[1]!, facts.kind);
  return wildcardMatch(parts[0]!, facts.group) && wildcardMatch(parts[1]!, facts.version) && wildcardMatch(parts.slice(2).join('/'), facts.kind);
}

export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}
