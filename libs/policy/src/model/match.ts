/**
 * The engine's original matching entry points, kept while libs/engine moves to `matchRule`
 * (libs/policy/src/match): they now run the same Kyverno semantics.
 *
 * @deprecated Use `matchRule` with `MatchFacts`: `ruleApplies` cannot say "undecided". It reads a
 * missing `namespaceLabels` as empty labels and the requester's roles as none — Kyverno's behaviour
 * without admission info — so a namespaceSelector or roles filter is evaluated against nothing.
 */
import type { MatchFacts } from '../match/facts';
import { checkKind } from '../match/kind-selector';
import { checkSelector } from '../match/label-selector';
import { matchRuleBlocks } from '../match/match-rule';
import type { LabelSelector, Rule } from './types';

export interface ResourceFacts {
  group: string;
  version: string;
  kind: string;
  /** Request subresource ("" when none). */
  subresource?: string;
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

/** ResourceFacts → MatchFacts (no user → null; unknown labels and roles → empty, see the header). */
export function toMatchFacts(facts: ResourceFacts): MatchFacts {
  return {
    group: facts.group,
    version: facts.version,
    kind: facts.kind,
    subresource: facts.subresource ?? '',
    name: facts.name,
    namespace: facts.namespace,
    operation: facts.operation,
    labels: facts.labels,
    annotations: facts.annotations,
    user: facts.username !== undefined || facts.groups !== undefined ? { username: facts.username ?? '', groups: facts.groups ?? [] } : null,
    roles: { known: true, value: { roles: [], clusterRoles: [] } },
    namespaceLabels: { known: true, value: facts.namespaceLabels ?? {} },
  };
}

/** @deprecated see the header: `matchRule` is the API. */
export function ruleApplies(rule: Pick<Rule, 'match' | 'exclude'> & { name?: string }, facts: ResourceFacts): boolean {
  return matchRuleBlocks({ name: rule.name ?? '', match: rule.match, ...(rule.exclude ? { exclude: rule.exclude } : {}) }, toMatchFacts(facts)).result === 'match';
}

/** One `kinds` entry against the request (Kyverno's kind selector grammar, Pod/ephemeralcontainers allowed). */
export function kindMatches(pattern: string, facts: Pick<ResourceFacts, 'group' | 'version' | 'kind' | 'subresource'>): boolean {
  return checkKind([pattern], { group: facts.group, version: facts.version, kind: facts.kind, subresource: facts.subresource ?? '' }, true);
}

/** Kyverno's CheckSelector (wildcards in matchLabels; an invalid selector never matches). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const checked = checkSelector(selector, labels);
  return checked.ok && checked.matched;
}
