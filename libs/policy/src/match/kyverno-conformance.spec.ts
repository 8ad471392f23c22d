/**
 * Conformance of notary-gate's matching with Kyverno 1.13–1.15. Every row cites the Kyverno rule it
 * follows: KV = github.com/kyverno/kyverno at v1.14.0 (identical in 1.13.x–1.15.x unless noted), REF =
 * kyverno-match-semantics.md (the team's cited notes on Kyverno's matching). Rows marked "stricter" are documented departures
 * where Kyverno is a hole.
 */
import type { MatchResources, Policy, PolicyException, ResourceFilter, Rule, ValidationFailureActionOverride } from '../model/types';
import type { MatchFacts, MatchOutcome, RequesterRoles } from './facts';
import { matchRule } from './match-rule';
import { checkKind, parseKindSelector } from './kind-selector';
import { computeRequesterRoles, type RoleBindingLike } from './roles';
import { effectiveFailureAction } from './failure-action';
import { exceptionCovers, exceptionNamespaceAllowed, exceptionSkipMessage, matchException, resolveExceptions, selectExceptions } from './exceptions';
import { imageReferenceMatches, imageReferenceSkipped, parseImageParts, selectImage, type ImageParts } from './image-spellings';

const MATCH_GO = 'KV pkg/engine/utils/match.go doesResourceMatchConditionBlock';
const KIND_GO = 'KV pkg/utils/kube/kind.go ParseKindSelector + pkg/utils/match/kind.go CheckKind; REF §2.2';
const HELPER_GO = 'KV pkg/engine/utils/match.go matchesResourceDescription{Match,Exclude}Helper; REF §2.3–§2.4';
const SELECTOR_GO = 'KV pkg/utils/match/labels.go CheckSelector + pkg/engine/wildcards ReplaceInSelector; REF §2.1';
const SUBJECTS_GO = 'KV pkg/utils/match/subjects.go CheckSubjects; REF §2.1';
const ROLEREF_GO = 'KV pkg/userinfo/roleRef.go GetRoleRef; REF §2.5';
const OVERRIDE_GO = 'KV pkg/engine/api/engineresponse.go GetValidationFailureAction; REF §3, §6.5';
const EXCEPTION_GO = 'KV pkg/engine/utils/exceptions.go MatchesException; REF §5';
const IMAGE_REF = 'issue 8 §4; REF §6.1–§6.2 (Kyverno: wildcard.Match(pattern, image.String()))';

const known = <T>(value: T) => ({ known: true as const, value });
const unknown = (reason: string) => ({ known: false as const, reason });

const BASE: MatchFacts = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  subresource: '',
  name: 'web',
  namespace: 'team-a',
  operation: 'CREATE',
  labels: { app: 'web', tier: 'frontend' },
  annotations: { 'team.io/owner': 'alice', 'sidecar.istio.io/inject': 'true' },
  user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
  roles: known<RequesterRoles>({ roles: ['team-a:editor'], clusterRoles: ['view'] }),
  namespaceLabels: known<Record<string, string>>({ 'kubernetes.io/metadata.name': 'team-a', env: 'prod' }),
};

const DEPLOYMENT: Partial<MatchFacts> = { group: 'apps', version: 'v1', kind: 'Deployment' };
const NAMESPACE_OBJECT: Partial<MatchFacts> = { kind: 'Namespace', name: 'team-a', namespace: '', labels: {} };
const CLUSTER_ROLE: Partial<MatchFacts> = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader', namespace: '' };
const NO_LABELS: Partial<MatchFacts> = { namespaceLabels: unknown('namespace informer not synced') };
const NO_ROLES: Partial<MatchFacts> = { roles: unknown('rolebinding informer not synced') };
const NO_USER: Partial<MatchFacts> = { user: null };

type Expect = 'match' | 'no-match' | 'undecided';
interface Row {
  name: string;
  cite: string;
  match: MatchResources;
  exclude?: MatchResources;
  facts?: Partial<MatchFacts>;
  policy?: Pick<Policy, 'kind' | 'namespace'>;
  expect: Expect;
  /** For undecided: text the `missing` must contain. */
  missing?: string;
}

const any = (...filters: ResourceFilter[]): MatchResources => ({ any: filters });
const all = (...filters: ResourceFilter[]): MatchResources => ({ all: filters });
const res = (resources: NonNullable<ResourceFilter['resources']>, extra: Omit<ResourceFilter, 'resources'> = {}): ResourceFilter => ({ resources, ...extra });
const pods = res({ kinds: ['Pod'] });

const kindRow = (kind: string, expect: Expect, facts: Partial<MatchFacts> = {}): Row => ({
  name: `kinds [${kind}] vs ${facts.group ?? ''}/${facts.version ?? 'v1'}/${facts.kind ?? 'Pod'}${facts.subresource ? `/${facts.subresource}` : ''}`,
  cite: KIND_GO,
  match: any(res({ kinds: [kind] })),
  facts,
  expect,
});

const ROWS: Row[] = [
  // ── kinds (§2.2) ──────────────────────────────────────────────────────────────
  kindRow('Pod', 'match'),
  kindRow('v1/Pod', 'match'),
  kindRow('*/Pod', 'match'),
  kindRow('/v1/Pod', 'match'),
  kindRow('Po*', 'match'),
  kindRow('P?d', 'match'),
  kindRow('*', 'match'),
  kindRow('pod', 'no-match'),
  kindRow('v2/Pod', 'no-match'),
  kindRow('apps/v1/Deployment', 'no-match'),
  kindRow('apps/v1/Deployment', 'match', DEPLOYMENT),
  kindRow('Deployment', 'match', DEPLOYMENT),
  kindRow('v1/Deployment', 'match', DEPLOYMENT),
  kindRow('extensions/v1/Deployment', 'no-match', DEPLOYMENT),
  kindRow('apps/*/Deployment', 'match', DEPLOYMENT),
  kindRow('batch/v1/CronJob', 'match', { group: 'batch', version: 'v1', kind: 'CronJob' }),
  kindRow('Pod', 'match', { group: 'example.com', version: 'v1', kind: 'Pod' }),
  kindRow('v1beta1/Widget', 'match', { group: 'example.com', version: 'v1beta1', kind: 'Widget' }),
  kindRow('v10/Widget', 'no-match', { group: 'example.com', version: 'v10', kind: 'Widget' }),
  kindRow('networking.k8s.io/v1/Ingress', 'match', { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' }),
  kindRow('Ingress.networking.k8s.io', 'no-match', { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' }),
  kindRow('a/b/c/d/e', 'no-match'),
  kindRow('Pod', 'no-match', { subresource: 'status' }),
  kindRow('*', 'no-match', { subresource: 'status' }),
  kindRow('Pod', 'no-match', { subresource: 'exec' }),
  kindRow('Pod', 'match', { subresource: 'ephemeralcontainers' }),
  kindRow('v1/Pod', 'match', { subresource: 'ephemeralcontainers' }),
  kindRow('*', 'match', { subresource: 'ephemeralcontainers' }),
  kindRow('Deployment', 'no-match', { ...DEPLOYMENT, subresource: 'ephemeralcontainers' }),
  kindRow('Pod', 'no-match', { group: 'example.com', subresource: 'ephemeralcontainers' }),
  kindRow('Pod/ephemeralcontainers', 'match', { subresource: 'ephemeralcontainers' }),
  kindRow('Pod.ephemeralcontainers', 'match', { subresource: 'ephemeralcontainers' }),
  kindRow('Pod/ephemeralcontainers', 'no-match'),
  kindRow('Pod/status', 'match', { subresource: 'status' }),
  kindRow('v1/Pod/status', 'match', { subresource: 'status' }),
  kindRow('Pod/*', 'match', { subresource: 'exec' }),
  kindRow('*/*', 'match', { subresource: 'status' }),
  kindRow('*/*', 'match'),
  kindRow('*/scale', 'match', { ...DEPLOYMENT, subresource: 'scale' }),
  kindRow('*/scale', 'no-match'),
  kindRow('apps/v1/Deployment/scale', 'match', { ...DEPLOYMENT, subresource: 'scale' }),
  kindRow('apps/v1/Deployment', 'no-match', { ...DEPLOYMENT, subresource: 'scale' }),
  { name: 'kinds list: any entry is enough', cite: KIND_GO, match: any(res({ kinds: ['Deployment', 'Pod'] })), expect: 'match' },

  // ── names (§2.1) ─────────────────────────────────────────────────────────────
  { name: 'names exact', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], names: ['web'] })), expect: 'match' },
  { name: 'names wildcard *', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], names: ['w*'] })), expect: 'match' },
  { name: 'names ? is exactly one character', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], names: ['we?'] })), expect: 'match' },
  { name: 'names ? never matches zero characters', cite: 'REF §0 go-wildcard v1.0.3', match: any(res({ kinds: ['Pod'], names: ['web?'] })), expect: 'no-match' },
  { name: 'names: none matches', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], names: ['api', 'db'] })), expect: 'no-match' },
  { name: 'names: one of several', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], names: ['api', 'web'] })), expect: 'match' },
  { name: 'deprecated name', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], name: 'web' })), expect: 'match' },
  { name: 'deprecated name mismatch', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], name: 'api' })), expect: 'no-match' },
  { name: 'generateName stands in for an empty name', cite: `${MATCH_GO} (GetGenerateName)`, match: any(res({ kinds: ['Pod'], names: ['web-*'] })), facts: { name: 'web-' }, expect: 'match' },
  { name: 'names are case-sensitive', cite: 'REF §0', match: any(res({ kinds: ['Pod'], names: ['WEB'] })), expect: 'no-match' },

  // ── namespaces (§2.1, checkNameSpace) ────────────────────────────────────────
  { name: 'namespaces exact', cite: `${MATCH_GO} checkNameSpace`, match: any(res({ kinds: ['Pod'], namespaces: ['team-a'] })), expect: 'match' },
  { name: 'namespaces wildcard', cite: `${MATCH_GO} checkNameSpace`, match: any(res({ kinds: ['Pod'], namespaces: ['team-*'] })), expect: 'match' },
  { name: 'namespaces mismatch', cite: `${MATCH_GO} checkNameSpace`, match: any(res({ kinds: ['Pod'], namespaces: ['prod'] })), expect: 'no-match' },
  { name: 'a Namespace object is matched by its own name', cite: `${MATCH_GO} checkNameSpace`, match: any(res({ kinds: ['Namespace'], namespaces: ['team-a'] })), facts: NAMESPACE_OBJECT, expect: 'match' },
  { name: 'a Namespace object: another name does not match', cite: `${MATCH_GO} checkNameSpace`, match: any(res({ kinds: ['Namespace'], namespaces: ['default'] })), facts: NAMESPACE_OBJECT, expect: 'no-match' },
  { name: 'cluster-scoped object: namespaces [*] matches the empty namespace', cite: 'REF §0 (pattern * matches "")', match: any(res({ kinds: ['ClusterRole'], namespaces: ['*'] })), facts: CLUSTER_ROLE, expect: 'match' },
  { name: 'cluster-scoped object: namespaces [team-*] does not', cite: `${MATCH_GO} checkNameSpace`, match: any(res({ kinds: ['ClusterRole'], namespaces: ['team-*'] })), facts: CLUSTER_ROLE, expect: 'no-match' },

  // ── annotations (§2.1) ───────────────────────────────────────────────────────
  { name: 'annotations exact pair', cite: 'KV pkg/utils/match/annotations.go CheckAnnotations', match: any(res({ kinds: ['Pod'], annotations: { 'team.io/owner': 'alice' } })), expect: 'match' },
  { name: 'annotations wildcards in key and value', cite: 'KV pkg/utils/match/annotations.go CheckAnnotations', match: any(res({ kinds: ['Pod'], annotations: { 'team.io/*': 'ali*' } })), expect: 'match' },
  { name: 'annotations value mismatch', cite: 'KV pkg/utils/match/annotations.go CheckAnnotations', match: any(res({ kinds: ['Pod'], annotations: { 'team.io/owner': 'bob' } })), expect: 'no-match' },
  { name: 'annotations: every pair must match', cite: 'KV pkg/utils/match/annotations.go CheckAnnotations', match: any(res({ kinds: ['Pod'], annotations: { 'sidecar.istio.io/inject': 'true', 'team.io/owner': 'bob' } })), expect: 'no-match' },
  { name: 'annotations {*: *} needs at least one annotation', cite: 'KV pkg/utils/match/annotations.go CheckAnnotations', match: any(res({ kinds: ['Pod'], annotations: { '*': '*' } })), facts: { annotations: {} }, expect: 'no-match' },
  { name: 'annotations {*: *} with annotations', cite: 'KV pkg/utils/match/annotations.go CheckAnnotations', match: any(res({ kinds: ['Pod'], annotations: { '*': '*' } })), expect: 'match' },

  // ── selector (§2.1) ──────────────────────────────────────────────────────────
  { name: 'selector matchLabels', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchLabels: { app: 'web' } } })), expect: 'match' },
  { name: 'selector matchLabels mismatch', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchLabels: { app: 'api' } } })), expect: 'no-match' },
  { name: 'selector wildcard value', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchLabels: { app: 'w*' } } })), expect: 'match' },
  { name: 'selector wildcard key', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchLabels: { 'ap?': 'web' } } })), expect: 'match' },
  { name: 'selector {*: *} does not match an empty label set (wildcards become 0)', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchLabels: { '*': '*' } } })), facts: { labels: {} }, expect: 'no-match' },
  { name: 'selector {*: *} with labels', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchLabels: { '*': '*' } } })), expect: 'match' },
  { name: 'selector {app: *} needs the key', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchLabels: { app: '*' } } })), facts: { labels: { other: 'x' } }, expect: 'no-match' },
  { name: 'selector matchExpressions In', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } })), expect: 'match' },
  { name: 'selector matchExpressions NotIn', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] } })), expect: 'no-match' },
  { name: 'selector matchExpressions Exists', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } })), expect: 'match' },
  { name: 'selector matchExpressions DoesNotExist', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } })), expect: 'no-match' },
  { name: 'matchExpressions get no wildcard support', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['w*'] }] } })), expect: 'no-match' },
  { name: 'selector {} selects everything', cite: 'apimachinery LabelSelectorAsSelector (empty → Everything)', match: any(res({ kinds: ['Pod'], selector: {} })), facts: { labels: {} }, expect: 'match' },
  { name: 'an invalid selector (In without values) fails the filter', cite: `${MATCH_GO} ("failed to parse selector")`, match: any(res({ kinds: ['Pod'], selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } })), expect: 'no-match' },
  { name: 'an invalid selector in exclude does not exclude', cite: HELPER_GO, match: any(pods), exclude: any(res({ kinds: ['Pod'], selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] } })), expect: 'match' },

  // ── namespaceSelector (§2.1, §3) ─────────────────────────────────────────────
  { name: 'namespaceSelector against the namespace labels', cite: `${MATCH_GO}; REF §3`, match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } })), expect: 'match' },
  { name: 'namespaceSelector mismatch', cite: `${MATCH_GO}; REF §3`, match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'dev' } } })), expect: 'no-match' },
  { name: 'namespaceSelector on kubernetes.io/metadata.name', cite: 'REF §3', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['team-a'] }] } })), expect: 'match' },
  { name: 'namespaceSelector with wildcard matchLabels', cite: SELECTOR_GO, match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'pr*' } } })), expect: 'match' },
  { name: 'namespaceSelector labels unknown → undecided', cite: 'DESIGN trust model (a missing fact never matches by default)', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } })), facts: NO_LABELS, expect: 'undecided', missing: 'namespace labels of "team-a": namespace informer not synced' },
  { name: 'namespaceSelector {} needs no labels', cite: 'apimachinery LabelSelectorAsSelector (empty → Everything)', match: any(res({ kinds: ['Pod'], namespaceSelector: {} })), facts: NO_LABELS, expect: 'match' },
  { name: 'namespaceSelector never matches a Namespace object', cite: `${MATCH_GO} ("namespace selector is not applicable for namespace resource"); REF §2.1`, match: any(res({ kinds: ['Namespace'], namespaceSelector: {} })), facts: NAMESPACE_OBJECT, expect: 'no-match' },
  { name: 'namespaceSelector on a Namespace object needs no labels', cite: `${MATCH_GO}; REF §2.1`, match: any(res({ kinds: ['Namespace'], namespaceSelector: { matchLabels: { env: 'prod' } } })), facts: { ...NAMESPACE_OBJECT, ...NO_LABELS }, expect: 'no-match' },
  { name: 'cluster-scoped resource: matchLabels against empty labels fails', cite: 'KV pkg/utils/engine/labels.go (namespace "" → empty labels); REF §3', match: any(res({ kinds: ['ClusterRole'], namespaceSelector: { matchLabels: { env: 'prod' } } })), facts: CLUSTER_ROLE, expect: 'no-match' },
  { name: 'cluster-scoped resource: NotIn passes on empty labels', cite: 'REF §3', match: any(res({ kinds: ['ClusterRole'], namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } })), facts: CLUSTER_ROLE, expect: 'match' },
  { name: 'cluster-scoped resource: no labels fact needed', cite: 'REF §3', match: any(res({ kinds: ['ClusterRole'], namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] } })), facts: { ...CLUSTER_ROLE, ...NO_LABELS }, expect: 'match' },
  { name: 'empty resource kind: namespaceSelector skipped', cite: `${MATCH_GO} (kind "" unless kinds contains *)`, match: any(res({ namespaceSelector: { matchLabels: { env: 'dev' } } })), facts: { kind: '' }, expect: 'match' },
  { name: 'empty resource kind with kinds [*]: namespaceSelector evaluated', cite: `${MATCH_GO} (kind "" unless kinds contains *)`, match: any(res({ kinds: ['*'], namespaceSelector: { matchLabels: { env: 'dev' } } })), facts: { kind: '', version: '' }, expect: 'no-match' },
  { name: 'exclude by namespaceSelector NotIn', cite: `${HELPER_GO}; REF §3`, match: any(pods), exclude: any(res({ kinds: ['Pod'], namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } })), expect: 'match' },
  { name: 'exclude by namespaceSelector, labels unknown → undecided', cite: 'DESIGN trust model', match: any(pods), exclude: any(res({ namespaceSelector: { matchLabels: { env: 'prod' } } })), facts: NO_LABELS, expect: 'undecided', missing: 'namespace labels of "team-a"' },

  // ── operations (§2.1) ────────────────────────────────────────────────────────
  { name: 'operations contains the request operation', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], operations: ['CREATE'] })), expect: 'match' },
  { name: 'operations does not', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], operations: ['UPDATE'] })), expect: 'no-match' },
  { name: 'operations one of several', cite: MATCH_GO, match: any(res({ kinds: ['Pod'], operations: ['CREATE', 'UPDATE'] })), facts: { operation: 'UPDATE' }, expect: 'match' },
  { name: 'an operations-only match filter is not empty (DeepEqual counts it)', cite: HELPER_GO, match: any(res({ operations: ['CREATE'] })), expect: 'match' },
  { name: 'exclude operations DELETE does not exclude a CREATE', cite: HELPER_GO, match: any(pods), exclude: any(res({ operations: ['DELETE'] })), expect: 'match' },
  { name: 'exclude operations CREATE excludes a CREATE', cite: HELPER_GO, match: any(pods), exclude: any(res({ operations: ['CREATE'] })), expect: 'no-match' },

  // ── roles / clusterRoles (§2.1) ──────────────────────────────────────────────
  { name: 'roles exact intersection', cite: `${MATCH_GO} (datautils.SliceContains)`, match: any(res({ kinds: ['Pod'] }, { roles: ['team-a:editor'] })), expect: 'match' },
  { name: 'roles of another namespace', cite: `${MATCH_GO} (datautils.SliceContains)`, match: any(res({ kinds: ['Pod'] }, { roles: ['team-b:editor'] })), expect: 'no-match' },
  { name: 'roles take no wildcards', cite: `${MATCH_GO} (datautils.SliceContains)`, match: any(res({ kinds: ['Pod'] }, { roles: ['*:editor'] })), expect: 'no-match' },
  { name: 'clusterRoles exact intersection', cite: `${MATCH_GO} (datautils.SliceContains)`, match: any(res({ kinds: ['Pod'] }, { clusterRoles: ['cluster-admin', 'view'] })), expect: 'match' },
  { name: 'clusterRoles no intersection', cite: `${MATCH_GO} (datautils.SliceContains)`, match: any(res({ kinds: ['Pod'] }, { clusterRoles: ['cluster-admin'] })), expect: 'no-match' },
  { name: 'roles AND clusterRoles: both must hold', cite: 'REF §2.1 (separate errors: AND across)', match: any(res({ kinds: ['Pod'] }, { roles: ['team-a:editor'], clusterRoles: ['cluster-admin'] })), expect: 'no-match' },
  { name: 'roles unknown → undecided', cite: 'DESIGN trust model', match: any(res({ kinds: ['Pod'] }, { clusterRoles: ['view'] })), facts: NO_ROLES, expect: 'undecided', missing: 'roles of "alice": rolebinding informer not synced' },
  { name: 'roles unknown, but the kind already fails → no match', cite: 'three-valued AND (a known failure decides)', match: any(res({ kinds: ['Deployment'] }, { clusterRoles: ['view'] })), facts: NO_ROLES, expect: 'no-match' },
  { name: 'issue 8: exclude clusterRoles [cluster-admin] does not exclude a viewer', cite: HELPER_GO, match: any(pods), exclude: any({ clusterRoles: ['cluster-admin'] }), expect: 'match' },
  { name: 'exclude clusterRoles excludes a holder', cite: HELPER_GO, match: any(pods), exclude: any({ clusterRoles: ['view'] }), expect: 'no-match' },
  { name: 'exclude roles-only, roles unknown → undecided', cite: 'DESIGN trust model', match: any(pods), exclude: any({ roles: ['team-a:editor'] }), facts: NO_ROLES, expect: 'undecided', missing: 'roles of "alice"' },

  // ── subjects (§2.1) ──────────────────────────────────────────────────────────
  { name: 'subject User', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'User', name: 'alice' }] })), expect: 'match' },
  { name: 'subject User wildcard', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'User', name: 'ali*' }] })), expect: 'match' },
  { name: 'subject User mismatch', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'User', name: 'bob' }] })), expect: 'no-match' },
  { name: 'subject User does not match a group name', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'User', name: 'dev' }] })), expect: 'no-match' },
  { name: 'subject Group', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'Group', name: 'dev' }] })), expect: 'match' },
  { name: 'subject Group wildcard', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'Group', name: 'system:*' }] })), expect: 'match' },
  { name: 'subject Group mismatch', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'Group', name: 'ops' }] })), expect: 'no-match' },
  { name: 'subjects: any one is enough', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'User', name: 'bob' }, { kind: 'Group', name: 'dev' }] })), expect: 'match' },
  { name: 'subject ServiceAccount', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }] })), facts: { user: { username: 'system:serviceaccount:ci:builder', groups: [] } }, expect: 'match' },
  { name: 'subject ServiceAccount with wildcard namespace', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: '*' }] })), facts: { user: { username: 'system:serviceaccount:ci:builder', groups: [] } }, expect: 'match' },
  { name: 'subject ServiceAccount of another namespace', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'prod' }] })), facts: { user: { username: 'system:serviceaccount:ci:builder', groups: [] } }, expect: 'no-match' },
  { name: 'subject ServiceAccount vs a human user', cite: SUBJECTS_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'ServiceAccount', name: 'alice', namespace: 'team-a' }] })), expect: 'no-match' },
  { name: 'subjects AND clusterRoles', cite: 'REF §2.1 (AND across user fields)', match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'User', name: 'alice' }], clusterRoles: ['cluster-admin'] })), expect: 'no-match' },
  { name: 'issue 8: exclude a ServiceAccount subject', cite: HELPER_GO, match: any(pods), exclude: any({ subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }] }), facts: { user: { username: 'system:serviceaccount:ci:builder', groups: ['system:serviceaccounts'] } }, expect: 'no-match' },

  // ── no request info at all (§2.3–§2.4) ──────────────────────────────────────
  { name: 'null user: a subjects-only match filter becomes empty', cite: `${HELPER_GO} (RequestInfo empty → UserInfo dropped)`, match: any({ subjects: [{ kind: 'User', name: 'alice' }] }), facts: NO_USER, expect: 'no-match' },
  { name: 'null user: match user fields are ignored', cite: HELPER_GO, match: any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'User', name: 'bob' }], clusterRoles: ['x'] })), facts: NO_USER, expect: 'match' },
  { name: 'null user: match roles need no roles fact', cite: HELPER_GO, match: any(res({ kinds: ['Pod'] }, { roles: ['team-a:editor'] })), facts: { ...NO_USER, ...NO_ROLES }, expect: 'match' },
  { name: 'null user: exclude keeps its user info (subject never matches "")', cite: `${HELPER_GO} (exclude not dropped)`, match: any(pods), exclude: any({ subjects: [{ kind: 'User', name: 'bob' }] }), facts: NO_USER, expect: 'match' },
  { name: 'null user: exclude User * matches the empty username', cite: `${HELPER_GO}; REF §0 (* matches "")`, match: any(pods), exclude: any({ subjects: [{ kind: 'User', name: '*' }] }), facts: NO_USER, expect: 'no-match' },
  { name: 'null user: exclude roles never excludes (no roles), no fact needed', cite: 'REF §2.4', match: any(pods), exclude: any({ clusterRoles: ['view'] }), facts: { ...NO_USER, ...NO_ROLES }, expect: 'match' },

  // ── empty filters (§2.3–§2.4) ────────────────────────────────────────────────
  { name: 'match.any [{}]: match cannot be empty', cite: HELPER_GO, match: any({}), expect: 'no-match' },
  { name: 'match.any [{resources: {}}]', cite: HELPER_GO, match: any(res({})), expect: 'no-match' },
  { name: 'match {}: the legacy form with nothing set', cite: HELPER_GO, match: {}, expect: 'no-match' },
  { name: 'match.any [{}, Pod]: the other filter matches', cite: HELPER_GO, match: any({}, pods), expect: 'match' },
  { name: 'match.all [{}, Pod]: the empty filter fails the AND', cite: HELPER_GO, match: all({}, pods), expect: 'no-match' },
  { name: 'exclude.any [{}] never excludes', cite: HELPER_GO, match: any(pods), exclude: any({}), expect: 'match' },
  { name: 'exclude.all [{}] never excludes', cite: HELPER_GO, match: any(pods), exclude: all({}), expect: 'match' },
  { name: 'exclude {} (absent any/all) never excludes', cite: HELPER_GO, match: any(pods), exclude: {}, expect: 'match' },

  // ── any / all, match with exclude (§2.3–§2.4) ────────────────────────────────
  { name: 'match.all: every filter', cite: 'KV pkg/engine/utils/match.go MatchesResourceDescription', match: all(pods, res({ namespaces: ['team-a'] })), expect: 'match' },
  { name: 'match.all: one fails', cite: 'KV pkg/engine/utils/match.go MatchesResourceDescription', match: all(pods, res({ namespaces: ['prod'] })), expect: 'no-match' },
  { name: 'match.any: one is enough', cite: 'KV pkg/engine/utils/match.go MatchesResourceDescription', match: any(res({ kinds: ['Deployment'] }), res({ namespaces: ['team-a'] })), expect: 'match' },
  { name: 'match.any: none', cite: 'KV pkg/engine/utils/match.go MatchesResourceDescription', match: any(res({ kinds: ['Deployment'] }), res({ namespaces: ['prod'] })), expect: 'no-match' },
  { name: 'match.any wins over match.all when both are set', cite: 'KV pkg/engine/utils/match.go MatchesResourceDescription (if any … else if all)', match: { any: [pods], all: [res({ kinds: ['Deployment'] })] }, expect: 'match' },
  { name: 'exclude.any: one filter excludes', cite: HELPER_GO, match: any(pods), exclude: any(res({ names: ['api'] }), res({ namespaces: ['team-a'] })), expect: 'no-match' },
  { name: 'exclude.any: none excludes', cite: HELPER_GO, match: any(pods), exclude: any(res({ names: ['api'] }), res({ namespaces: ['prod'] })), expect: 'match' },
  { name: 'exclude.all: all exclude', cite: `${HELPER_GO} ("combination of all criteria")`, match: any(pods), exclude: all(res({ names: ['web'] }), res({ namespaces: ['team-a'] })), expect: 'no-match' },
  { name: 'exclude.all: one does not', cite: HELPER_GO, match: any(pods), exclude: all(res({ names: ['web'] }), res({ namespaces: ['prod'] })), expect: 'match' },
  { name: 'exclude.any wins over exclude.all when both are set', cite: 'KV pkg/engine/utils/match.go MatchesResourceDescription', match: any(pods), exclude: { any: [res({ names: ['api'] })], all: [res({ names: ['web'] })] }, expect: 'match' },
  { name: 'the same filter in match and exclude', cite: 'KV pkg/engine/utils/match.go MatchesResourceDescription', match: any(pods), exclude: any(pods), expect: 'no-match' },
  { name: 'exclude within one filter is AND: name matches, namespace not', cite: MATCH_GO, match: any(pods), exclude: any(res({ names: ['web'], namespaces: ['prod'] })), expect: 'match' },

  // ── undecided only when the missing fact could change the outcome ────────────
  { name: 'match.any: another filter matches → match', cite: 'three-valued OR', match: any(res({ namespaceSelector: { matchLabels: { env: 'prod' } } }), pods), facts: NO_LABELS, expect: 'match' },
  { name: 'match.any: the unknown filter is the only chance → undecided', cite: 'three-valued OR', match: any(res({ kinds: ['Deployment'] }), res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } })), facts: NO_LABELS, expect: 'undecided' },
  { name: 'match.all: another filter fails → no match', cite: 'three-valued AND', match: all(res({ namespaceSelector: { matchLabels: { env: 'prod' } } }), res({ kinds: ['Deployment'] })), facts: NO_LABELS, expect: 'no-match' },
  { name: 'match.all: the rest holds → undecided', cite: 'three-valued AND', match: all(res({ namespaceSelector: { matchLabels: { env: 'prod' } } }), pods), facts: NO_LABELS, expect: 'undecided' },
  { name: 'exclude.any: another filter excludes → excluded', cite: 'three-valued OR', match: any(pods), exclude: any({ clusterRoles: ['cluster-admin'] }, res({ names: ['web'] })), facts: NO_ROLES, expect: 'no-match' },
  { name: 'exclude.any: nothing else excludes → undecided', cite: 'three-valued OR', match: any(pods), exclude: any({ clusterRoles: ['cluster-admin'] }, res({ names: ['api'] })), facts: NO_ROLES, expect: 'undecided' },
  { name: 'exclude.all: another filter does not exclude → not excluded', cite: 'three-valued AND', match: any(pods), exclude: all({ clusterRoles: ['cluster-admin'] }, res({ names: ['api'] })), facts: NO_ROLES, expect: 'match' },
  { name: 'exclude.all: the rest excludes → undecided', cite: 'three-valued AND', match: any(pods), exclude: all({ clusterRoles: ['cluster-admin'] }, res({ names: ['web'] })), facts: NO_ROLES, expect: 'undecided' },
  { name: 'match undecided but exclude definitely excludes → no match', cite: 'three-valued rule (exclude decides)', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } })), exclude: any(res({ names: ['web'] })), facts: NO_LABELS, expect: 'no-match' },
  { name: 'match fails: exclude facts are never needed', cite: 'KV MatchesResourceDescription (exclude matters only after a match)', match: any(res({ kinds: ['Deployment'] })), exclude: any({ clusterRoles: ['cluster-admin'] }), facts: NO_ROLES, expect: 'no-match' },
  { name: 'both facts missing: both named', cite: 'DESIGN trust model', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } })), exclude: any({ roles: ['x:y'] }), facts: { ...NO_LABELS, ...NO_ROLES }, expect: 'undecided', missing: 'namespace labels of "team-a": namespace informer not synced; roles of "alice": rolebinding informer not synced' },
  { name: 'correlated: match and exclude on the same label → no match whatever the labels', cite: 'refine.ts (every relevant label value agrees)', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } })), exclude: any(res({ namespaceSelector: { matchLabels: { env: 'prod' } } })), facts: NO_LABELS, expect: 'no-match' },
  { name: 'correlated: match.all env=prod and env=dev → no match whatever the labels', cite: 'refine.ts', match: all(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } }), res({ namespaceSelector: { matchLabels: { env: 'dev' } } })), facts: NO_LABELS, expect: 'no-match' },
  { name: 'correlated: In [prod, staging] minus In [staging] still depends on the labels', cite: 'refine.ts', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] } })), exclude: any(res({ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['staging'] }] } })), facts: NO_LABELS, expect: 'undecided' },
  { name: 'kubernetes.io/metadata.name is the namespace name: no labels needed', cite: 'Kubernetes NamespaceDefaultLabelName (GA 1.22); refine.ts', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['team-a', 'team-b'] }] } })), facts: NO_LABELS, expect: 'match' },
  { name: 'kubernetes.io/metadata.name of another namespace: no match without labels', cite: 'refine.ts', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prod' } } })), facts: NO_LABELS, expect: 'no-match' },
  { name: 'wildcard matchLabels cannot be enumerated: stays undecided', cite: 'refine.ts (wildcards: no exact value space)', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-*' } } })), facts: NO_LABELS, expect: 'undecided' },
  { name: 'correlated roles: match and exclude the same clusterRole → no match whatever the roles', cite: 'refine.ts (every subset of the named roles)', match: any(res({ kinds: ['Pod'] }, { clusterRoles: ['view'] })), exclude: any({ clusterRoles: ['view'] }), facts: NO_ROLES, expect: 'no-match' },
  { name: 'a filter without a namespaceSelector never needs labels', cite: 'REF §3 (labels fetched only for namespaceSelector)', match: any(pods), exclude: any(res({ names: ['api'] })), facts: { ...NO_LABELS, ...NO_ROLES }, expect: 'match' },

  // ── Policy vs ClusterPolicy scope (§4) ───────────────────────────────────────
  { name: 'Policy in the resource namespace', cite: 'KV pkg/engine/internal/match.go checkNamespacedPolicy; REF §4', match: any(pods), policy: { kind: 'Policy', namespace: 'team-a' }, expect: 'match' },
  { name: 'Policy of another namespace', cite: 'KV pkg/engine/utils/match.go ("policy and resource namespaces mismatch")', match: any(pods), policy: { kind: 'Policy', namespace: 'team-b' }, expect: 'no-match' },
  { name: 'Policy with empty namespace is in default (1.13.5+)', cite: 'REF §4, §9', match: any(pods), policy: { kind: 'Policy', namespace: '' }, facts: { namespace: 'default' }, expect: 'match' },
  { name: 'Policy with empty namespace does not reach team-a', cite: 'REF §4, §9', match: any(pods), policy: { kind: 'Policy' }, expect: 'no-match' },
  { name: 'Policy never matches a cluster-scoped resource', cite: 'KV pkg/engine/internal/match.go checkNamespacedPolicy', match: any(res({ kinds: ['ClusterRole'] })), policy: { kind: 'Policy', namespace: 'team-a' }, facts: CLUSTER_ROLE, expect: 'no-match' },
  { name: 'Policy never matches a Namespace object, even its own', cite: 'KV pkg/engine/internal/match.go checkNamespacedPolicy', match: any(res({ kinds: ['Namespace'] })), policy: { kind: 'Policy', namespace: 'team-a' }, facts: NAMESPACE_OBJECT, expect: 'no-match' },
  { name: 'ClusterPolicy applies in every namespace', cite: 'REF §4', match: any(pods), policy: { kind: 'ClusterPolicy' }, facts: { namespace: 'anything' }, expect: 'match' },
  { name: 'the scope guard needs no facts', cite: 'REF §4', match: any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } })), policy: { kind: 'Policy', namespace: 'team-b' }, facts: NO_LABELS, expect: 'no-match' },
];

describe('Kyverno match/exclude conformance (matchRule)', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const rule: Pick<Rule, 'name' | 'match' | 'exclude'> = { name: 'r', match: row.match, ...(row.exclude ? { exclude: row.exclude } : {}) };
    const outcome: MatchOutcome = matchRule(rule, row.policy ?? { kind: 'ClusterPolicy' }, { ...BASE, ...row.facts });
    expect({ outcome: outcome.result, cite: row.cite }).toEqual({ outcome: row.expect, cite: row.cite });
    if (row.missing !== undefined) {
      expect(outcome.result === 'undecided' && outcome.missing).toContain(row.missing);
    }
  });
});

describe('kind selector grammar (KV pkg/utils/kube/kind.go ParseKindSelector; REF §2.2 table)', () => {
  it.each([
    ['Pod', ['*', '*', 'Pod', '']],
    ['*/*', ['*', '*', '*', '*']],
    ['*/scale', ['*', '*', '*', 'scale']],
    ['v1/Pod', ['*', 'v1', 'Pod', '']],
    ['*/Pod', ['*', '*', 'Pod', '']],
    ['Pod/ephemeralcontainers', ['*', '*', 'Pod', 'ephemeralcontainers']],
    ['Pod.ephemeralcontainers', ['*', '*', 'Pod', 'ephemeralcontainers']],
    ['v1/Pod/status', ['*', 'v1', 'Pod', 'status']],
    ['apps/v1/Deployment', ['apps', 'v1', 'Deployment', '']],
    ['apps/v1/Deployment/scale', ['apps', 'v1', 'Deployment', 'scale']],
    ['v2beta1/Foo', ['*', 'v2beta1', 'Foo', '']],
    ['v10/Foo', ['*', '*', 'v10', 'Foo']],
    ['a/b/c/d/e', ['', '', '', '']],
  ] as const)('%s', (input, [group, version, kind, subresource]) => {
    expect(parseKindSelector(input)).toEqual({ group, version, kind, subresource });
  });

  it('passes allowEphemeralContainers only where Kyverno does (engine and exceptions: true)', () => {
    const request = { group: '', version: 'v1', kind: 'Pod', subresource: 'ephemeralcontainers' };
    expect(checkKind(['Pod'], request, true)).toBe(true);
    expect(checkKind(['Pod'], request, false)).toBe(false);
  });
});

// ── requester roles (§2.5) ───────────────────────────────────────────────────
const rb = (namespace: string, subjects: RoleBindingLike['subjects'], roleRef: RoleBindingLike['roleRef']): RoleBindingLike => ({ metadata: { namespace, name: 'b' }, subjects, roleRef });
const crb = (subjects: RoleBindingLike['subjects'], roleRef: RoleBindingLike['roleRef']): RoleBindingLike => ({ metadata: { name: 'c' }, subjects, roleRef });
const ALICE = { username: 'alice', groups: ['dev', 'system:authenticated'] };
const BUILDER = { username: 'system:serviceaccount:ci:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci'] };

interface RolesRow {
  name: string;
  user: typeof ALICE;
  roleBindings?: RoleBindingLike[];
  clusterRoleBindings?: RoleBindingLike[];
  expect: RequesterRoles;
}
const ROLE_ROWS: RolesRow[] = [
  { name: 'RoleBinding to a Role gives ns:role', user: ALICE, roleBindings: [rb('a', [{ kind: 'User', name: 'alice' }], { kind: 'Role', name: 'editor' })], expect: { roles: ['a:editor'], clusterRoles: [] } },
  { name: 'RoleBindings of every namespace count', user: ALICE, roleBindings: [rb('a', [{ kind: 'User', name: 'alice' }], { kind: 'Role', name: 'editor' }), rb('z', [{ kind: 'User', name: 'alice' }], { kind: 'Role', name: 'viewer' })], expect: { roles: ['a:editor', 'z:viewer'], clusterRoles: [] } },
  { name: 'RoleBinding to a ClusterRole makes it a clusterRole everywhere', user: ALICE, roleBindings: [rb('b', [{ kind: 'User', name: 'alice' }], { kind: 'ClusterRole', name: 'admin' })], expect: { roles: [], clusterRoles: ['admin'] } },
  { name: 'ClusterRoleBinding by group', user: ALICE, clusterRoleBindings: [crb([{ kind: 'Group', name: 'dev' }], { kind: 'ClusterRole', name: 'view' })], expect: { roles: [], clusterRoles: ['view'] } },
  { name: 'system:authenticated bindings count (no system: exemption)', user: ALICE, clusterRoleBindings: [crb([{ kind: 'Group', name: 'system:authenticated' }], { kind: 'ClusterRole', name: 'system:basic-user' })], expect: { roles: [], clusterRoles: ['system:basic-user'] } },
  { name: 'subjects match exactly: no wildcards', user: ALICE, clusterRoleBindings: [crb([{ kind: 'User', name: '*' }], { kind: 'ClusterRole', name: 'view' }), crb([{ kind: 'Group', name: 'de*' }], { kind: 'ClusterRole', name: 'edit' })], expect: { roles: [], clusterRoles: [] } },
  { name: 'a User subject does not match a group name', user: ALICE, clusterRoleBindings: [crb([{ kind: 'User', name: 'dev' }], { kind: 'ClusterRole', name: 'view' })], expect: { roles: [], clusterRoles: [] } },
  { name: 'SA subject without namespace takes the RoleBinding namespace', user: BUILDER, roleBindings: [rb('ci', [{ kind: 'ServiceAccount', name: 'builder' }], { kind: 'Role', name: 'deployer' })], expect: { roles: ['ci:deployer'], clusterRoles: [] } },
  { name: 'SA subject without namespace in another namespace', user: BUILDER, roleBindings: [rb('prod', [{ kind: 'ServiceAccount', name: 'builder' }], { kind: 'Role', name: 'deployer' })], expect: { roles: [], clusterRoles: [] } },
  { name: 'SA subject without namespace never matches in a ClusterRoleBinding', user: BUILDER, clusterRoleBindings: [crb([{ kind: 'ServiceAccount', name: 'builder' }], { kind: 'ClusterRole', name: 'view' })], expect: { roles: [], clusterRoles: [] } },
  { name: 'SA subject with namespace in a ClusterRoleBinding', user: BUILDER, clusterRoleBindings: [crb([{ kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }], { kind: 'ClusterRole', name: 'view' })], expect: { roles: [], clusterRoles: ['view'] } },
  { name: 'SA explicit namespace wins over the binding namespace', user: BUILDER, roleBindings: [rb('prod', [{ kind: 'ServiceAccount', name: 'builder', namespace: 'ci' }], { kind: 'Role', name: 'x' })], expect: { roles: ['prod:x'], clusterRoles: [] } },
  { name: 'SA groups bind like any group', user: BUILDER, clusterRoleBindings: [crb([{ kind: 'Group', name: 'system:serviceaccounts:ci' }], { kind: 'ClusterRole', name: 'ci-view' })], expect: { roles: [], clusterRoles: ['ci-view'] } },
  { name: 'de-duplicated and sorted', user: ALICE, roleBindings: [rb('b', [{ kind: 'User', name: 'alice' }], { kind: 'ClusterRole', name: 'view' })], clusterRoleBindings: [crb([{ kind: 'Group', name: 'dev' }], { kind: 'ClusterRole', name: 'view' }), crb([{ kind: 'Group', name: 'dev' }], { kind: 'ClusterRole', name: 'admin' })], expect: { roles: [], clusterRoles: ['admin', 'view'] } },
  { name: 'a ClusterRoleBinding to a Role is ignored', user: ALICE, clusterRoleBindings: [crb([{ kind: 'User', name: 'alice' }], { kind: 'Role', name: 'x' })], expect: { roles: [], clusterRoles: [] } },
  { name: 'a binding without subjects', user: ALICE, roleBindings: [rb('a', undefined, { kind: 'Role', name: 'x' })], expect: { roles: [], clusterRoles: [] } },
  { name: 'one matching subject among others is enough', user: ALICE, roleBindings: [rb('a', [{ kind: 'User', name: 'bob' }, { kind: 'Group', name: 'dev' }], { kind: 'Role', name: 'x' })], expect: { roles: ['a:x'], clusterRoles: [] } },
];

describe(`requester roles (${ROLEREF_GO})`, () => {
  it.each(ROLE_ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    expect(computeRequesterRoles(row.user, row.roleBindings ?? [], row.clusterRoleBindings ?? [])).toEqual(row.expect);
  });

  it('surprise end to end: a RoleBinding elsewhere lets a clusterRoles exclude apply in team-a', () => {
    const roles = computeRequesterRoles(ALICE, [rb('sandbox', [{ kind: 'User', name: 'alice' }], { kind: 'ClusterRole', name: 'admin' })], []);
    const outcome = matchRule({ name: 'r', match: any(pods), exclude: any({ clusterRoles: ['admin'] }) }, { kind: 'ClusterPolicy' }, { ...BASE, roles: known(roles) });
    expect(outcome.result).toBe('no-match');
  });
});

// ── effective failure action (§3, §6.5) ──────────────────────────────────────
type ActionPolicy = Pick<Policy, 'rules' | 'validationFailureAction' | 'validationFailureActionOverrides'>;
const entry = (failureAction?: 'Audit' | 'Enforce') => ({ ...(failureAction ? { failureAction } : {}) }) as Rule['verifyImages'][number];
const actionPolicy = (spec: 'Audit' | 'Enforce', rules: Array<Array<'Audit' | 'Enforce' | undefined>>, overrides: ValidationFailureActionOverride[] = []): ActionPolicy => ({
  validationFailureAction: spec,
  validationFailureActionOverrides: overrides,
  rules: rules.map((entries, i) => ({ name: `r${i}`, match: any(pods), context: [], verifyImages: entries.map(entry) })),
});

interface ActionRow {
  name: string;
  policy: ActionPolicy;
  namespace?: string;
  facts?: { kind?: string; namespaceLabels?: MatchFacts['namespaceLabels'] };
  expect: 'Audit' | 'Enforce' | 'undecided';
}
const ACTION_ROWS: ActionRow[] = [
  { name: 'no overrides: spec.validationFailureAction', policy: actionPolicy('Audit', [[undefined]]), expect: 'Audit' },
  { name: 'spec Enforce', policy: actionPolicy('Enforce', [[undefined]]), expect: 'Enforce' },
  { name: 'verifyImages[0].failureAction wins over spec', policy: actionPolicy('Audit', [['Enforce']]), expect: 'Enforce' },
  { name: 'verifyImages[0].failureAction wins over overrides', policy: actionPolicy('Audit', [['Audit']], [{ action: 'Enforce', namespaces: ['*'] }]), expect: 'Audit' },
  { name: 'verifyImages[1] is never consulted', policy: actionPolicy('Audit', [[undefined, 'Enforce']]), expect: 'Audit' },
  { name: 'the first rule that sets one decides for all rules', policy: actionPolicy('Enforce', [[undefined], ['Audit'], ['Enforce']]), expect: 'Audit' },
  { name: 'rule 0 Audit, rule 1 Enforce → Audit for the whole policy', policy: actionPolicy('Enforce', [['Audit'], ['Enforce']]), expect: 'Audit' },
  { name: 'override by namespace wildcard', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaces: ['team-*'] }]), expect: 'Enforce' },
  { name: 'override of another namespace', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaces: ['prod'] }]), expect: 'Audit' },
  { name: 'override namespaces: [] never matches', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaces: [] }]), expect: 'Audit' },
  { name: 'override nil namespaces: the selector decides', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaceSelector: { matchLabels: { env: 'prod' } } }]), expect: 'Enforce' },
  { name: 'override nil namespaces and nil selector never matches', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce' }]), expect: 'Audit' },
  { name: 'override namespaces and selector: both must match', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaces: ['team-a'], namespaceSelector: { matchLabels: { env: 'dev' } } }]), expect: 'Audit' },
  { name: 'override namespaces and selector both matching', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaces: ['team-a'], namespaceSelector: { matchLabels: { env: 'prod' } } }]), expect: 'Enforce' },
  { name: 'the first matching override wins', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Audit', namespaces: ['team-a'] }, { action: 'Enforce', namespaces: ['*'] }]), expect: 'Audit' },
  { name: 'selector needed, labels unknown → undecided', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaceSelector: { matchLabels: { env: 'prod' } } }]), facts: { namespaceLabels: unknown('namespace informer not synced') }, expect: 'undecided' },
  { name: 'labels unknown but every answer is the same action', policy: actionPolicy('Enforce', [[undefined]], [{ action: 'Enforce', namespaceSelector: { matchLabels: { env: 'prod' } } }]), facts: { namespaceLabels: unknown('x') }, expect: 'Enforce' },
  { name: 'labels unknown, namespaces do not match: no labels needed', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaces: ['prod'], namespaceSelector: { matchLabels: { env: 'prod' } } }]), facts: { namespaceLabels: unknown('x') }, expect: 'Audit' },
  { name: 'a definite override before an unknown one decides', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaces: ['team-a'] }, { action: 'Audit', namespaceSelector: { matchLabels: { env: 'prod' } } }]), facts: { namespaceLabels: unknown('x') }, expect: 'Enforce' },
  { name: 'an unknown override before a definite one with another action → undecided', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Audit', namespaceSelector: { matchLabels: { env: 'prod' } } }, { action: 'Enforce', namespaces: ['team-a'] }]), facts: { namespaceLabels: unknown('x') }, expect: 'undecided' },
  { name: 'correlated overrides agree for every label value → decided', policy: actionPolicy('Enforce', [[undefined]], [{ action: 'Audit', namespaceSelector: { matchLabels: { env: 'prod' } } }, { action: 'Audit', namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] } }]), facts: { namespaceLabels: unknown('x') }, expect: 'Audit' },
  { name: 'override on kubernetes.io/metadata.name needs no labels', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } } }]), facts: { namespaceLabels: unknown('x') }, expect: 'Enforce' },
  { name: 'override with a wildcard selector and unknown labels → undecided', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaceSelector: { matchLabels: { env: 'p*' } } }]), facts: { namespaceLabels: unknown('x') }, expect: 'undecided' },
  { name: 'verifyImages failureAction set: no labels needed at all', policy: actionPolicy('Audit', [['Enforce']], [{ action: 'Audit', namespaceSelector: { matchLabels: { env: 'prod' } } }]), facts: { namespaceLabels: unknown('x') }, expect: 'Enforce' },
  { name: 'cluster-scoped resource: selector against empty labels (NotIn matches)', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }]), namespace: '', facts: { namespaceLabels: unknown('x') }, expect: 'Enforce' },
  { name: 'stricter: override selectors use the real labels even without a match namespaceSelector', policy: actionPolicy('Audit', [[undefined]], [{ action: 'Enforce', namespaceSelector: { matchLabels: { env: 'prod' } } }]), expect: 'Enforce' },
];

describe(`effective failure action (${OVERRIDE_GO})`, () => {
  it.each(ACTION_ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const outcome = effectiveFailureAction(row.policy, row.namespace ?? 'team-a', { kind: row.facts?.kind ?? 'Pod', namespaceLabels: row.facts?.namespaceLabels ?? BASE.namespaceLabels });
    expect(outcome.result === 'decided' ? outcome.action : 'undecided').toBe(row.expect);
    if (outcome.result === 'undecided') expect(outcome.missing).toMatch(/^namespace labels of "team-a": /);
  });
});

// ── PolicyExceptions (§5) ────────────────────────────────────────────────────
const exception = (match: MatchResources, extra: Partial<PolicyException> = {}): PolicyException => ({
  apiVersion: 'kyverno.io/v2',
  name: 'allow',
  namespace: 'kyverno',
  source: 'test',
  match,
  exceptions: [{ policyName: 'check-images', ruleNames: ['verify', 'autogen-*'] }],
  ...extra,
});

interface ExceptionRow {
  name: string;
  exception: PolicyException;
  policyKey?: string;
  rule?: string;
  facts?: Partial<MatchFacts>;
  expect: Expect;
}
const EXCEPTION_ROWS: ExceptionRow[] = [
  { name: 'names the policy and rule; match.any kinds', exception: exception(any(pods)), expect: 'match' },
  { name: 'policyName is exact, not a wildcard', exception: exception(any(pods), { exceptions: [{ policyName: 'check-*', ruleNames: ['*'] }] }), expect: 'no-match' },
  { name: 'ruleNames are wildcards: autogen-*', exception: exception(any(pods)), rule: 'autogen-verify', expect: 'match' },
  { name: 'ruleNames [verify] does not cover autogen-verify', exception: exception(any(pods), { exceptions: [{ policyName: 'check-images', ruleNames: ['verify'] }] }), rule: 'autogen-verify', expect: 'no-match' },
  { name: 'a Policy is keyed ns/name: name alone targets the ClusterPolicy', exception: exception(any(pods)), policyKey: 'team-a/check-images', expect: 'no-match' },
  { name: 'ns/name targets the namespaced Policy', exception: exception(any(pods), { exceptions: [{ policyName: 'team-a/check-images', ruleNames: ['*'] }] }), policyKey: 'team-a/check-images', expect: 'match' },
  { name: 'neither any nor all → no match', exception: exception({}), expect: 'no-match' },
  { name: 'an empty filter never matches', exception: exception(any({})), expect: 'no-match' },
  { name: 'an operations-only filter is empty for exceptions', exception: exception(any(res({ operations: ['CREATE'] }))), expect: 'no-match' },
  { name: 'operations are never checked', exception: exception(any(res({ kinds: ['Pod'], operations: ['DELETE'] }))), expect: 'match' },
  { name: 'match.all: one fails', exception: exception(all(pods, res({ namespaces: ['prod'] }))), expect: 'no-match' },
  { name: 'match.all: all hold', exception: exception(all(pods, res({ namespaces: ['team-*'] }))), expect: 'match' },
  { name: 'names with generateName', exception: exception(any(res({ kinds: ['Pod'], names: ['web-*'] }))), facts: { name: 'web-' }, expect: 'match' },
  { name: 'ephemeralcontainers are covered by Pod', exception: exception(any(pods)), facts: { subresource: 'ephemeralcontainers' }, expect: 'match' },
  { name: 'namespaceSelector is skipped for a Namespace object', exception: exception(any(res({ kinds: ['Namespace'], namespaceSelector: { matchLabels: { env: 'dev' } } }))), facts: NAMESPACE_OBJECT, expect: 'match' },
  { name: 'namespaceSelector is skipped for an empty kind', exception: exception(any(res({ kinds: ['*'], namespaceSelector: { matchLabels: { env: 'dev' } } }))), facts: { kind: '', version: '' }, expect: 'match' },
  { name: 'namespaceSelector evaluated for a Pod', exception: exception(any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'dev' } } }))), expect: 'no-match' },
  { name: 'namespaceSelector with unknown labels → undecided', exception: exception(any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } }))), facts: NO_LABELS, expect: 'undecided' },
  { name: 'user info is not dropped without a user (subject vs "")', exception: exception(any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'User', name: 'alice' }] }))), facts: NO_USER, expect: 'no-match' },
  { name: 'subjects are wildcards', exception: exception(any(res({ kinds: ['Pod'] }, { subjects: [{ kind: 'Group', name: 'de?' }] }))), expect: 'match' },
  { name: 'clusterRoles exact', exception: exception(any(res({ kinds: ['Pod'] }, { clusterRoles: ['view'] }))), expect: 'match' },
  { name: 'clusterRoles unknown → undecided', exception: exception(any(res({ kinds: ['Pod'] }, { clusterRoles: ['view'] }))), facts: NO_ROLES, expect: 'undecided' },
  { name: 'correlated: match.all env=prod and env=dev never matches, labels or not', exception: exception(all(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } }), res({ namespaceSelector: { matchLabels: { env: 'dev' } } }))), facts: NO_LABELS, expect: 'no-match' },
  { name: 'match.any: another filter matches despite unknown roles', exception: exception(any(res({ kinds: ['Pod'] }, { clusterRoles: ['view'] }), res({ names: ['web'] }))), facts: NO_ROLES, expect: 'match' },
];

describe(`PolicyException matching (${EXCEPTION_GO})`, () => {
  it.each(EXCEPTION_ROWS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    expect(matchException(row.exception, row.policyKey ?? 'check-images', row.rule ?? 'verify', { ...BASE, ...row.facts }).result).toBe(row.expect);
  });

  const a = exception(any(pods), { name: 'a', namespace: 'x', conditions: { all: [{ key: 'a', operator: 'Equals', value: 'a' }] } });
  const b = exception(any(pods), { name: 'b', namespace: 'x' });
  const miss = exception(any(res({ kinds: ['Deployment'] })), { name: 'miss', namespace: 'x', conditions: { all: [] } });
  const maybe = exception(any(res({ kinds: ['Pod'], namespaceSelector: { matchLabels: { env: 'prod' } } })), { name: 'maybe', namespace: 'x' });
  const resolve = (candidates: PolicyException[], conditions: (e: PolicyException) => { passed: boolean } | { error: string }, facts: Partial<MatchFacts> = {}) =>
    resolveExceptions(candidates, 'check-images', 'verify', { ...BASE, ...facts }, conditions);

  it('every matching exception whose conditions pass applies', () => {
    expect(resolve([a, b], () => ({ passed: true }))).toEqual({ result: 'skip', exceptions: [a, b] });
  });
  it('conditions false: that exception does not apply', () => {
    expect(resolve([a, b], () => ({ passed: false }))).toEqual({ result: 'skip', exceptions: [b] });
  });
  it('a conditions error on a matching exception voids all exceptions, even ones that matched before (MatchesException returns nil)', () => {
    expect(resolve([b, a], () => ({ error: 'Unknown key "x" in path' }))).toMatchObject({ result: 'none', reason: expect.stringContaining('Unknown key') });
  });
  it('conditions of an exception that does not match are never evaluated', () => {
    const seen: string[] = [];
    expect(resolve([miss, b], (e) => (seen.push(e.name), { error: 'boom' }))).toEqual({ result: 'skip', exceptions: [b] });
    expect(seen).toEqual([]);
  });
  it('an undecided exception does not matter when another applies', () => {
    expect(resolve([maybe, b], () => ({ passed: true }), NO_LABELS)).toEqual({ result: 'skip', exceptions: [b] });
  });
  it('an undecided exception alone → undecided, naming the fact', () => {
    expect(resolve([maybe], () => ({ passed: true }), NO_LABELS)).toEqual({ result: 'undecided', missing: 'namespace labels of "team-a": namespace informer not synced' });
  });
  it('an undecided exception whose conditions are false needs no fact', () => {
    const conditional = { ...maybe, conditions: { all: [] } };
    expect(resolve([conditional], () => ({ passed: false }), NO_LABELS)).toEqual({ result: 'none' });
  });
  it('an undecided exception whose conditions fail: none either way when it is alone', () => {
    const conditional = { ...maybe, conditions: { all: [] } };
    expect(resolve([conditional], () => ({ error: 'x' }), NO_LABELS)).toEqual({ result: 'none' });
    expect(resolve([conditional, b], (e) => (e.name === 'maybe' ? { error: 'x' } : { passed: true }), NO_LABELS).result).toBe('undecided');
  });
  it('the skip message: no space after "exceptions", keys ns/name joined by ", " (handlers/mutation/mutate_image.go)', () => {
    expect(exceptionSkipMessage([{ namespace: 'delta', name: 'allow-x' }])).toBe('rule is skipped due to policy exceptionsdelta/allow-x');
    expect(exceptionSkipMessage([a, b])).toBe('rule is skipped due to policy exceptionsx/a, x/b');
  });
  it('selection: policyName exact, ruleNames wildcard, sorted by namespace then name (controller.go)', () => {
    const mk = (name: string, namespace: string, policyName = 'check-images') => exception(any(pods), { name, namespace, exceptions: [{ policyName, ruleNames: ['ver*'] }] });
    const list = [mk('z', 'a'), mk('b', 'b'), mk('a', 'b'), mk('other', 'a', 'check'), mk('a', 'a')];
    expect(selectExceptions(list, 'check-images', 'verify').map((e) => `${e.namespace}/${e.name}`)).toEqual(['a/a', 'a/z', 'b/a', 'b/b']);
    expect(exceptionCovers(mk('x', 'y'), 'check-images', 'autogen-verify')).toBe(false);
  });
  it.each([
    ['', 'kyverno', false],
    ['*', 'anywhere', true],
    ['kyverno', 'kyverno', true],
    ['kyverno', 'team-a', false],
    ['kyv*', 'kyverno', false],
  ] as const)('--exceptionNamespace=%j, exception in %s → %s (cmd/internal/engine.go NewExceptionSelector)', (configured, namespace, allowed) => {
    expect(exceptionNamespaceAllowed(namespace, configured)).toBe(allowed);
  });
});

// ── image spellings (issue 8 §4) ─────────────────────────────────────────────
const img = (text: string): ImageParts => {
  const parsed = parseImageParts(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};
interface ImageRow {
  pattern: string;
  image: string;
  selected: boolean;
  /** Whether Kyverno itself selects it (its single string); notary-gate must never select less. */
  kyverno: boolean;
}
const IMAGE_ROWS: ImageRow[] = [
  { pattern: 'ghcr.io/acme/*', image: 'ghcr.io/acme/app:1', selected: true, kyverno: true },
  { pattern: 'ghcr.io/acme/*', image: 'GHCR.IO/acme/app:1', selected: true, kyverno: false },
  { pattern: 'ghcr.io/acme/*', image: 'ghcr.io:443/acme/app', selected: true, kyverno: false },
  { pattern: 'ghcr.io/acme/*', image: 'GHCR.io:443/acme/app', selected: true, kyverno: false },
  { pattern: 'ghcr.io:443/acme/*', image: 'ghcr.io/acme/app', selected: true, kyverno: false },
  { pattern: 'docker.io/library/nginx*', image: 'nginx:1.25', selected: true, kyverno: false },
  { pattern: 'docker.io/library/nginx*', image: 'index.docker.io/library/nginx', selected: true, kyverno: false },
  { pattern: 'docker.io/library/nginx*', image: 'registry-1.docker.io/nginx:1.25', selected: true, kyverno: false },
  { pattern: 'docker.io/nginx*', image: 'nginx', selected: true, kyverno: true },
  { pattern: 'docker.io/nginx*', image: 'library/nginx:1', selected: true, kyverno: false },
  { pattern: 'docker.io/nginx*', image: 'docker.io/library/nginx:1', selected: true, kyverno: false },
  { pattern: 'nginx:*', image: 'nginx:1.25', selected: true, kyverno: false },
  { pattern: 'index.docker.io/*', image: 'nginx', selected: true, kyverno: false },
  { pattern: 'docker.io/myorg/*', image: 'myorg/app:1', selected: true, kyverno: true },
  { pattern: 'docker.io/library/myorg/*', image: 'myorg/app', selected: false, kyverno: false },
  { pattern: 'localhost:5000/*', image: 'LOCALHOST:5000/app', selected: true, kyverno: false },
  { pattern: 'localhost:5000/*', image: 'localhost:5000/app', selected: true, kyverno: true },
  { pattern: 'docker.io/nginx:1.25*', image: 'nginx:1.25@sha256:' + 'a'.repeat(64), selected: true, kyverno: false },
  { pattern: 'ghcr.io/acme/app:1.2', image: 'ghcr.io/acme/app:1.2@sha256:' + 'b'.repeat(64), selected: true, kyverno: false },
  { pattern: 'ghcr.io/acme/app@sha256:*', image: 'ghcr.io/acme/app:1.2@sha256:' + 'b'.repeat(64), selected: true, kyverno: true },
  { pattern: 'ghcr.io/acme/app', image: 'ghcr.io/acme/app', selected: true, kyverno: false },
  { pattern: 'ghcr.io/acme/app', image: 'ghcr.io/acme/app:latest', selected: true, kyverno: false },
  { pattern: 'ghcr.io/acme/app', image: 'ghcr.io/acme/app:1', selected: false, kyverno: false },
  { pattern: 'ghcr.io/other/*', image: 'ghcr.io/acme/app', selected: false, kyverno: false },
  { pattern: 'ghcr.io/*', image: 'ghcr.io.evil.example/acme/app', selected: false, kyverno: false },
  { pattern: 'docker.io/*', image: 'quay.io/acme/app', selected: false, kyverno: false },
  { pattern: 'docker.io/*', image: 'docker.io.evil.example/app', selected: false, kyverno: false },
  { pattern: 'GHCR.IO/acme/*', image: 'ghcr.io/acme/app', selected: false, kyverno: false },
  { pattern: '*', image: 'anything.example/x/y@sha256:' + 'c'.repeat(64), selected: true, kyverno: true },
];

describe(`imageReferences: any spelling selects (${IMAGE_REF})`, () => {
  it.each(IMAGE_ROWS.map((row) => [row.pattern, row.image, row] as const))('%s vs %s', (_p, _i, row) => {
    const image = img(row.image);
    expect(imageReferenceMatches([row.pattern], image)).toBe(row.selected);
    // Never less strict than Kyverno: what Kyverno selects is selected.
    if (row.kyverno) expect(imageReferenceMatches([row.pattern], image)).toBe(true);
  });
});

interface SkipRow {
  skip: string[];
  image: string;
  skipped: boolean;
  why: string;
}
const SKIP_ROWS: SkipRow[] = [
  { skip: ['ghcr.io/acme/internal*'], image: 'ghcr.io/acme/internal:1', skipped: true, why: 'Kyverno skips it; canonical spelling is the same' },
  { skip: ['ghcr.io/acme/internal*'], image: 'GHCR.IO/acme/internal:1', skipped: false, why: "Kyverno's own string is not skipped" },
  { skip: ['GHCR.IO/acme/internal*'], image: 'GHCR.IO/acme/internal:1', skipped: false, why: 'stricter: the canonical spelling ghcr.io/… is not skipped' },
  { skip: ['GHCR.IO/acme/*', 'ghcr.io/acme/*'], image: 'GHCR.IO/acme/internal:1', skipped: true, why: 'both spellings skipped' },
  { skip: ['ghcr.io/acme/*'], image: 'ghcr.io:443/acme/app', skipped: false, why: 'the written spelling with :443 is not skipped' },
  { skip: ['docker.io/nginx*'], image: 'nginx:1.25', skipped: true, why: "Kyverno's docker.io/nginx form, also canonical" },
  { skip: ['docker.io/library/nginx*'], image: 'nginx:1.25', skipped: false, why: 'Kyverno does not skip it (no library/ in String())' },
  { skip: ['index.docker.io/library/*'], image: 'index.docker.io/library/nginx', skipped: false, why: 'stricter: canonical docker.io/library/nginx not skipped' },
  { skip: ['ghcr.io/acme/app:1.2'], image: 'ghcr.io/acme/app:1.2@sha256:' + 'd'.repeat(64), skipped: false, why: 'the digest spelling is what is pulled' },
  { skip: ['ghcr.io/acme/app@sha256:*'], image: 'ghcr.io/acme/app:1.2@sha256:' + 'd'.repeat(64), skipped: true, why: 'Kyverno string @digest skipped' },
  { skip: [], image: 'ghcr.io/acme/app', skipped: false, why: 'no patterns' },
];

describe(`skipImageReferences: every spelling must be skipped (${IMAGE_REF})`, () => {
  it.each(SKIP_ROWS.map((row) => [row.skip.join(','), row.image, row] as const))('%s vs %s', (_s, _i, row) => {
    expect({ skipped: imageReferenceSkipped(row.skip, img(row.image)), why: row.why }).toEqual({ skipped: row.skipped, why: row.why });
  });

  it('selection combines both (REF §6.2: not selected → no response; skipped → skip with a warning)', () => {
    const entry = { imageReferences: ['ghcr.io/acme/*'], skipImageReferences: ['ghcr.io/acme/internal*'] };
    expect(selectImage(entry, img('quay.io/x/y'))).toBe('not-selected');
    expect(selectImage(entry, img('ghcr.io/acme/internal:1'))).toBe('skip');
    expect(selectImage(entry, img('GHCR.IO/acme/internal:1'))).toBe('verify');
    expect(selectImage(entry, img('ghcr.io/acme/app:1'))).toBe('verify');
  });
});
