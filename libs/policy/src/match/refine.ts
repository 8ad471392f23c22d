/**
 * Completing "undecided". Three-valued (Kleene) evaluation is sound but not complete: two filters that
 * test the same unknown fact in ways that cannot both hold (match `env=prod` and exclude `env=prod`)
 * come out undecided although every possible value gives the same answer. When the fact's relevant
 * value space is finite and small, every value in it is tried; the answer is decided when all agree.
 *
 * The spaces are exact, never samples:
 *   - roles: only membership of the role strings the filters name matters (exact intersection), so
 *     every subset of those names is every case;
 *   - namespace labels: when no matchLabels key or value holds a wildcard, only the keys named matter,
 *     each absent, equal to a value named, or equal to some other value; the label
 *     `kubernetes.io/metadata.name` is always the namespace's own name (set by the API server).
 *   A space with wildcards, or larger than the budget, is not enumerated: the answer stays undecided.
 */
import type { LabelSelector, MatchResources, ResourceFilter } from '../model/types';
import type { MatchFacts, RequesterRoles } from './facts';

const BUDGET = 4096;
const NAME_LABEL = 'kubernetes.io/metadata.name';

export interface FactsNamed {
  selectors: LabelSelector[];
  roles: string[];
  clusterRoles: string[];
}

export function factsNamedBy(blocks: ReadonlyArray<MatchResources | undefined>): FactsNamed {
  const filters: ResourceFilter[] = blocks.flatMap((block) => [...(block?.any ?? []), ...(block?.all ?? [])]);
  return {
    selectors: filters.flatMap((filter) => (filter.resources?.namespaceSelector ? [filter.resources.namespaceSelector] : [])),
    roles: [...new Set(filters.flatMap((filter) => filter.roles ?? []))],
    clusterRoles: [...new Set(filters.flatMap((filter) => filter.clusterRoles ?? []))],
  };
}

const hasWildcard = (text: string) => text.includes('*') || text.includes('?');

/** Every relevant namespace-label map, or undefined when the space is not finite or too large. */
export function labelSpace(selectors: readonly LabelSelector[], namespace: string): Array<Record<string, string>> | undefined {
  const values = new Map<string, Set<string>>();
  const note = (key: string, value?: string) => {
    const set = values.get(key) ?? new Set<string>();
    if (value !== undefined) set.add(value);
    values.set(key, set);
  };
  for (const selector of selectors) {
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
      if (hasWildcard(key) || hasWildcard(value)) return undefined;
      note(key, value);
    }
    for (const expression of selector.matchExpressions ?? []) {
      note(expression.key);
      for (const value of expression.values ?? []) note(expression.key, value);
    }
  }
  let maps: Array<Record<string, string>> = [{}];
  for (const [key, named] of values) {
    const options: Array<string | undefined> =
      key === NAME_LABEL && namespace !== '' ? [namespace] : [undefined, ...named, otherValue(named)];
    if (maps.length * options.length > BUDGET) return undefined;
    maps = maps.flatMap((map) => options.map((option) => (option === undefined ? map : { ...map, [key]: option })));
  }
  return maps;
}

function otherValue(named: Set<string>): string {
  let value = 'other';
  while (named.has(value)) value += '-x';
  return value;
}

/** Every relevant roles value, or undefined when too large. */
export function roleSpace(roles: readonly string[], clusterRoles: readonly string[]): RequesterRoles[] | undefined {
  if (2 ** (roles.length + clusterRoles.length) > BUDGET) return undefined;
  const subsets = (items: readonly string[]) => items.reduce<string[][]>((acc, item) => [...acc, ...acc.map((subset) => [...subset, item])], [[]]);
  return subsets(roles).flatMap((r) => subsets(clusterRoles).map((c) => ({ roles: r, clusterRoles: c })));
}

/**
 * Every concrete version of `facts` over the unknown facts the filters name, or undefined when a
 * space cannot be enumerated exactly.
 */
export function concreteFacts(facts: MatchFacts, named: FactsNamed): MatchFacts[] | undefined {
  const labels = facts.namespaceLabels.known ? [facts.namespaceLabels.value] : labelSpace(named.selectors, facts.namespace);
  const roles = facts.roles.known ? [facts.roles.value] : roleSpace(named.roles, named.clusterRoles);
  if (!labels || !roles || labels.length * roles.length > BUDGET) return undefined;
  return labels.flatMap((value) => roles.map((role) => ({ ...facts, namespaceLabels: { known: true as const, value }, roles: { known: true as const, value: role } })));
}
