/**
 * The match semantics the engine calls, in one place: `matchRule`,
 * `matchException`, `overrideMatches` and `imageReferenceMatches`. The
 * definitive versions belong to libs/policy (Kyverno's match/exclude with
 * facts, overrides, exceptions, image spellings); until they land there this
 * module holds provisional implementations over the same types, so that
 * switching is one import per function and nothing else in the engine changes.
 */
import type {
  Fact,
  LabelSelector,
  MatchFacts,
  MatchOutcome,
  MatchResources,
  Policy,
  PolicyException,
  ResourceFilter,
  Rule,
  ValidationFailureActionOverride,
} from '@notary-gate/policy';
import { selectorMatches, wildcardMatch, wildcardMatchAny } from '@notary-gate/policy';

type Decision = { ok: true } | { ok: false; reason: string } | { undecided: string };
const OK: Decision = { ok: true };
const no = (reason: string): Decision => ({ ok: false, reason });

/** Kyverno's `matches` for one rule of a policy (KV@v1.14.0:pkg/engine/utils/match.go `MatchesResourceDescription`). */
export function matchRule(rule: Pick<Rule, 'name' | 'match' | 'exclude'>, policy: Pick<Policy, 'kind' | 'namespace'>, facts: MatchFacts): MatchOutcome {
  // KV@v1.14.0:pkg/engine/internal/match.go checkNamespacedPolicy: a Policy only sees resources of its own namespace.
  if (policy.kind === 'Policy' && (facts.namespace === '' || facts.namespace !== (policy.namespace ?? 'default'))) {
    return { result: 'no-match', reason: 'policy and resource namespaces mismatch' };
  }
  const matched = block(rule.match, facts, 'match');
  if ('undecided' in matched) return { result: 'undecided', missing: matched.undecided };
  if (!matched.ok) return { result: 'no-match', reason: matched.reason };
  if (rule.exclude) {
    const excluded = block(rule.exclude, facts, 'exclude');
    if ('undecided' in excluded) return { result: 'undecided', missing: excluded.undecided };
    if (excluded.ok) return { result: 'no-match', reason: 'resource excluded' };
  }
  return { result: 'match' };
}

/** Whether a PolicyException's `match` covers the request (KV@v1.14.0:pkg/engine/utils/exceptions.go `MatchesException`). */
export function matchException(exception: Pick<PolicyException, 'match'>, facts: MatchFacts): MatchOutcome {
  const { any, all } = exception.match;
  // Exceptions never check operations and keep the user info even without admission info.
  const filter = (candidate: ResourceFilter) => filterDecision(candidate, facts, 'exception');
  let decision: Decision;
  if (any && any.length > 0) decision = firstOf(any.map(filter), 'any');
  else if (all && all.length > 0) decision = firstOf(all.map(filter), 'all');
  else decision = no('exception has no match filters');
  if ('undecided' in decision) return { result: 'undecided', missing: decision.undecided };
  return decision.ok ? { result: 'match' } : { result: 'no-match', reason: decision.reason };
}

/**
 * Whether a `validationFailureActionOverrides` item applies
 * (KV@v1.14.0:pkg/engine/api/engineresponse.go `GetValidationFailureAction`):
 * `namespaces` unset → only the namespaceSelector decides (none → no);
 * set → a namespace must match and, if present, the selector too.
 */
export function overrideMatches(override: ValidationFailureActionOverride, namespace: string, labels: Fact<Record<string, string>>): boolean | { undecided: string } {
  const selector = override.namespaceSelector;
  const selected = (): boolean | { undecided: string } => {
    if (!selector) return false;
    if (!labels.known) return { undecided: labels.reason };
    return selectorMatches(selector, labels.value);
  };
  if (override.namespaces === undefined) return selected();
  if (!override.namespaces.some((pattern) => wildcardMatch(pattern, namespace))) return false;
  return selector ? selected() : true;
}

/** Whether an image is subject to `imageReferences` (any spelling of it matches). */
export function imageReferenceMatches(patterns: readonly string[], image: string): boolean {
  return wildcardMatchAny(patterns, image);
}

/** Whether `skipImageReferences` skips an image (only when every spelling of it is skipped). */
export function imageReferenceSkipped(patterns: readonly string[], image: string): boolean {
  return wildcardMatchAny(patterns, image);
}

function block(resources: MatchResources, facts: MatchFacts, mode: 'match' | 'exclude'): Decision {
  const { any, all } = resources;
  if (any && any.length > 0) {
    const decisions = any.map((filter) => filterDecision(filter, facts, mode));
    return firstOf(decisions, 'any');
  }
  if (all && all.length > 0) return firstOf(all.map((filter) => filterDecision(filter, facts, mode)), 'all');
  return no(mode === 'match' ? 'match cannot be empty' : 'empty exclude');
}

/** `any`: one decided match wins, else an undecided one; `all`: one decided miss wins, else an undecided one. */
function firstOf(decisions: Decision[], mode: 'any' | 'all'): Decision {
  const undecided = decisions.find((decision): decision is { undecided: string } => 'undecided' in decision);
  if (mode === 'any') {
    if (decisions.some((decision) => 'ok' in decision && decision.ok)) return OK;
    return undecided ?? decisions[0] ?? no('no filter');
  }
  const miss = decisions.find((decision) => 'ok' in decision && !decision.ok);
  return miss ?? undecided ?? OK;
}

function filterDecision(filter: ResourceFilter, facts: MatchFacts, mode: 'match' | 'exclude' | 'exception'): Decision {
  const description = filter.resources ?? {};
  // KV@v1.14.0:pkg/engine/utils/match.go: without admission user info the match filter's UserInfo is dropped.
  const dropUser = mode === 'match' && facts.user === null;
  const subjects = dropUser ? [] : (filter.subjects ?? []);
  const roles = dropUser ? [] : (filter.roles ?? []);
  const clusterRoles = dropUser ? [] : (filter.clusterRoles ?? []);
  // Exceptions ignore operations when deciding emptiness (KV@v1.14.0:api/kyverno/v1 ResourceFilter.IsEmpty).
  const emptyDescription = Object.entries(description).every(([key, value]) => value === undefined || (mode === 'exception' && key === 'operations'));
  if (emptyDescription && subjects.length === 0 && roles.length === 0 && clusterRoles.length === 0) return no('filter is empty');

  if (mode !== 'exception' && description.operations && description.operations.length > 0 && !description.operations.includes(facts.operation)) return no('operation');
  if (description.kinds && !description.kinds.some((kind) => kindSelectorMatches(kind, facts))) return no('kind');
  const names = [...(description.names ?? []), ...(description.name ? [description.name] : [])];
  if (names.length > 0 && !names.some((pattern) => wildcardMatch(pattern, facts.name))) return no('name');
  const ownNamespace = facts.kind === 'Namespace' ? facts.name : facts.namespace;
  if (description.namespaces && !description.namespaces.some((pattern) => wildcardMatch(pattern, ownNamespace))) return no('namespace');
  if (description.annotations) {
    for (const [key, pattern] of Object.entries(description.annotations)) {
      if (!Object.entries(facts.annotations).some(([name, value]) => wildcardMatch(key, name) && wildcardMatch(pattern, value))) return no('annotations');
    }
  }
  if (description.selector && !selectorMatches(description.selector, facts.labels)) return no('selector');
  let undecided: string | undefined;
  if (description.namespaceSelector) {
    const verdict = namespaceSelector(description.namespaceSelector, facts, mode);
    if (verdict === false) return no('namespaceSelector');
    if (verdict !== true) undecided = verdict.undecided;
  }
  if (roles.length > 0 || clusterRoles.length > 0) {
    if (!facts.roles.known) undecided ??= facts.roles.reason;
    else {
      if (roles.length > 0 && !roles.some((role) => facts.roles.known && facts.roles.value.roles.includes(role))) return no('roles');
      if (clusterRoles.length > 0 && !clusterRoles.some((role) => facts.roles.known && facts.roles.value.clusterRoles.includes(role))) return no('clusterRoles');
    }
  }
  if (subjects.length > 0) {
    const user = facts.user;
    const matched = subjects.some((subject) => {
      if (!user) return false;
      if (subject.kind === 'User') return wildcardMatch(subject.name, user.username);
      if (subject.kind === 'Group') return user.groups.some((group) => wildcardMatch(subject.name, group));
      return wildcardMatch(`system:serviceaccount:${subject.namespace ?? ''}:${subject.name}`, user.username);
    });
    if (!matched) return no('subjects');
  }
  return undecided === undefined ? OK : { undecided };
}

function namespaceSelector(selector: LabelSelector, facts: MatchFacts, mode: 'match' | 'exclude' | 'exception'): boolean | { undecided: string } {
  if (facts.kind === 'Namespace' || facts.kind === '') return mode === 'exception';
  if (!facts.namespaceLabels.known) return { undecided: facts.namespaceLabels.reason };
  return selectorMatches(selector, facts.namespaceLabels.value);
}

const VERSION = /^(v\d((alpha|beta)\d)?|\*)$/;
const looksLikeSubresource = (part: string) => part === '*' || part === part.toLowerCase();

/**
 * Kyverno's kind selector (KV@v1.14.0:pkg/utils/kube/kind.go `ParseKindSelector`,
 * pkg/utils/match/kind.go `CheckKind` with ephemeral containers allowed): split
 * on `/`, the last segment also on `.`; every part wildcard-matched against the
 * request's group, version, kind and subresource.
 */
function kindSelectorMatches(selector: string, facts: Pick<MatchFacts, 'group' | 'version' | 'kind' | 'subresource'>): boolean {
  const segments = selector.split('/');
  const last = segments.pop() ?? '';
  const dot = last.indexOf('.');
  const parts = dot === -1 ? [...segments, last] : [...segments, last.slice(0, dot), last.slice(dot + 1)];
  let group = '*';
  let version = '*';
  let kind: string;
  let sub = '';
  if (parts.length === 1) kind = parts[0]!;
  else if (parts.length === 2) {
    if (VERSION.test(parts[0]!) && !looksLikeSubresource(parts[1]!)) [version, kind] = [parts[0]!, parts[1]!];
    else [kind, sub] = [parts[0]!, parts[1]!];
  } else if (parts.length === 3) {
    if (VERSION.test(parts[0]!)) [version, kind, sub] = [parts[0]!, parts[1]!, parts[2]!];
    else [group, version, kind] = [parts[0]!, parts[1]!, parts[2]!];
  } else if (parts.length === 4) [group, version, kind, sub] = [parts[0]!, parts[1]!, parts[2]!, parts[3]!];
  else return false;
  if (!wildcardMatch(group, facts.group) || !wildcardMatch(version, facts.version) || !wildcardMatch(kind, facts.kind)) return false;
  if (wildcardMatch(sub, facts.subresource)) return true;
  return sub === '' && facts.group === '' && facts.version === 'v1' && facts.kind === 'Pod' && facts.subresource === 'ephemeralcontainers';
}
