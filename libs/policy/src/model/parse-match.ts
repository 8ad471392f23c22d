/**
 * `match` / `exclude` blocks (policies) and `spec.match` (PolicyExceptions),
 * with Kyverno's creation-time checks (KV@v1.14.0:api/kyverno/v1/
 * match_resources_types.go, resource_description_types.go (`Validate`),
 * user_info_types.go; pkg/validation/policy/validate.go).
 */
import type { Node } from './reader';
import type { LabelSelector, MatchResources, ResourceDescription, ResourceFilter, Subject } from './types';

export interface MatchContext {
  /** `match` (kinds mandatory, at least one filter) or `exclude`; exceptions are `exception`. */
  role: 'match' | 'exclude' | 'exception';
  /** A namespaced Policy: no `namespaces` filter, no cluster-scoped kinds. */
  namespaced: boolean;
  /** spec.background, for Kyverno's wildcard-kind message. */
  background: boolean;
}

const KINDS_MANDATORY = 'at least one element must be specified in a kind block, the kind attribute is mandatory when working with the resources element';

/**
 * Kinds the Kubernetes API serves cluster-scoped. Kyverno asks discovery; the
 * well-known ones are enough to refuse the mistake (a custom cluster-scoped
 * kind in a namespaced Policy still matches nothing: the Policy only sees its
 * own namespace's objects).
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass',
  'PriorityClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'APIService', 'CertificateSigningRequest',
  'RuntimeClass', 'IngressClass', 'VolumeAttachment', 'CSIDriver', 'CSINode', 'ComponentStatus', 'PodSecurityPolicy', 'FlowSchema',
  'PriorityLevelConfiguration', 'ClusterTrustBundle', 'TokenReview', 'SelfSubjectReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview',
  'SubjectAccessReview', 'ClusterPolicy', 'ClusterCleanupPolicy', 'ClusterPolicyReport', 'ClusterAdmissionReport',
  'ClusterBackgroundScanReport', 'ClusterEphemeralReport',
]);

const LEGACY_KEYS = ['resources', 'subjects', 'roles', 'clusterRoles'] as const;

export function parseMatch(node: Node, context: MatchContext): MatchResources {
  if (!node.present) {
    if (context.role === 'exclude') return {};
    node.fail('is required');
  }
  node.map();
  const anyNode = node.child('any');
  const allNode = node.child('all');
  if (anyNode.present && allNode.present) node.fail("Can't specify any and all together");
  const legacy = LEGACY_KEYS.some((key) => node.child(key).present);
  if (legacy) {
    if (anyNode.present || allNode.present) node.fail('use either resources (with subjects, roles, clusterRoles) or any/all, not both');
    // The legacy form: the block itself is one filter (KV@v1.14.0:pkg/engine/utils/match.go).
    return { any: [parseResourceFilter(node, context)] };
  }
  const any = anyNode.list().map((filter) => parseResourceFilter(filter, context));
  const all = allNode.list().map((filter) => parseResourceFilter(filter, context));
  if (context.role === 'match' && any.length === 0 && all.length === 0) node.fail('must have any, all or resources');
  return { ...(anyNode.present ? { any } : {}), ...(allNode.present ? { all } : {}) };
}

function parseResourceFilter(node: Node, context: MatchContext): ResourceFilter {
  node.map();
  const filter: ResourceFilter = {};
  const resources = node.child('resources');
  if (resources.present) filter.resources = parseResourceDescription(resources, context);
  if (context.role === 'match' && !filter.resources?.kinds) (resources.present ? resources.child('kinds') : node).fail(KINDS_MANDATORY);

  const subjects = node.child('subjects').list().map(parseSubject);
  if (subjects.length) filter.subjects = subjects;
  const rolesNode = node.child('roles');
  const roles = rolesNode.stringList();
  // KV@v1.14.0:api/kyverno/v1/user_info_types.go `ValidateRoles`.
  rolesNode.list().forEach((item, index) => {
    if (roles[index]!.split(':').length !== 2) item.fail('Role is expected to be in namespace:name format');
  });
  if (roles.length) filter.roles = roles;
  const clusterRoles = node.child('clusterRoles').stringList();
  if (clusterRoles.length) filter.clusterRoles = clusterRoles;

  // An exclude filter with no criteria never excludes in Kyverno (match.go): refused here, it is always a mistake.
  if (context.role === 'exclude' && isEmptyFilter(filter)) node.fail('an empty filter never excludes anything (Kyverno ignores it): give it criteria or remove it');
  return filter;
}

function isEmptyFilter(filter: ResourceFilter): boolean {
  const description = filter.resources ?? {};
  return Object.keys(description).length === 0 && !filter.subjects && !filter.roles && !filter.clusterRoles;
}

function parseResourceDescription(node: Node, context: MatchContext): ResourceDescription {
  node.map();
  const description: ResourceDescription = {};
  const kindsNode = node.child('kinds');
  const kinds = kindsNode.stringList();
  kindsNode.list().forEach((item, index) => checkKind(item, kinds[index]!, context));
  if (kinds.length) description.kinds = kinds;
  const names = node.child('names').stringList();
  const single = node.child('name').string();
  // KV@v1.14.0:api/kyverno/v1/resource_description_types.go `Validate`.
  if (single && names.length) node.fail('Both name and names can not be specified together');
  if (names.length) description.names = names;
  if (single) description.name = single;
  const namespacesNode = node.child('namespaces');
  const namespaces = namespacesNode.stringList();
  if (namespaces.length && context.namespaced && context.role !== 'exception') namespacesNode.fail('Filtering namespaces not allowed in namespaced policies');
  if (namespaces.length) description.namespaces = namespaces;
  const operations = node.child('operations').list().map((item) => item.oneOf(['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const)!);
  if (operations.length) description.operations = operations;
  if (node.child('annotations').present) description.annotations = node.child('annotations').stringMap();
  const selectorNode = node.child('selector');
  if (selectorNode.present) {
    description.selector = parseLabelSelector(selectorNode);
    // KV@v1.14.0:api/kyverno/v1/resource_description_types.go `Validate` (a selector with wildcards is exempt there; ours has requirements anyway).
    if (!description.selector.matchLabels && !description.selector.matchExpressions) selectorNode.fail('The requirements are not specified in selector');
  }
  if (node.child('namespaceSelector').present) description.namespaceSelector = parseLabelSelector(node.child('namespaceSelector'));
  return description;
}

function checkKind(node: Node, kind: string, context: MatchContext): void {
  if (kind.split('/').length > 4) node.fail('a kind selector has at most 4 parts (group/version/Kind/subresource)');
  if (context.role === 'match' && kind === '*') {
    // KV@v1.14.0:pkg/validation/policy/validate.go `validateWildcard`: with background on, its message comes first.
    node.fail(
      context.background
        ? 'wildcard policy not allowed in background mode. Set spec.background=false to disable background mode for this policy rule'
        : 'wildcard policy does not support rule type',
    );
  }
  if (context.namespaced && context.role !== 'exception') {
    const bare = kindName(kind);
    if (CLUSTER_SCOPED_KINDS.has(bare)) node.fail(`Cluster wide resource '${kind}' not allowed in namespaced policy`);
  }
}

/** The Kind part of `Kind`, `v1/Kind`, `group/v1/Kind`, `Kind/sub`, `Kind.sub` (KV pkg/utils/kube/kind.go `ParseKindSelector`). */
function kindName(selector: string): string {
  const parts = selector.split('/');
  let kind: string;
  if (parts.length === 1) kind = parts[0]!;
  else if (parts.length === 2) kind = /^[a-z]/.test(parts[1]!) ? parts[0]! : parts[1]!;
  else if (parts.length === 3) kind = /^(v\d((alpha|beta)\d)?|\*)$/.test(parts[1]!) ? parts[2]! : parts[1]!;
  else kind = parts[2]!;
  return kind.split('.')[0]!;
}

function parseSubject(node: Node): Subject {
  node.map();
  const kindNode = node.child('kind');
  const kind = kindNode.requiredString();
  // KV@v1.14.0:api/kyverno/v1/user_info_types.go `ValidateSubjects` (a check in code, not a CRD enum).
  if (kind !== 'User' && kind !== 'Group' && kind !== 'ServiceAccount') kindNode.fail("kind must be 'User', 'Group', or 'ServiceAccount'");
  const name = node.child('name').requiredString();
  const namespace = node.child('namespace').string();
  // KV@v1.14.0:api/kyverno/v1/user_info_types.go `ValidateSubjects`.
  if (kind === 'ServiceAccount' && !namespace) node.child('namespace').fail('namespace is required when Kind is ServiceAccount');
  return { kind: kind as Subject['kind'], name, ...(namespace ? { namespace } : {}) };
}

export function parseLabelSelector(node: Node): LabelSelector {
  node.map();
  const matchLabels = node.child('matchLabels').present ? node.child('matchLabels').stringMap() : undefined;
  const expressionsNode = node.child('matchExpressions');
  const matchExpressions = expressionsNode.list().map((item) => {
    item.map();
    const key = item.child('key').requiredString();
    const operatorNode = item.child('operator');
    const operator = operatorNode.oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const) ?? operatorNode.fail('is required');
    const valuesNode = item.child('values');
    const values = valuesNode.list().map((value) => value.string() ?? value.fail('is required'));
    // apimachinery labels.NewRequirement: what `metav1.LabelSelectorAsSelector` would reject at match time.
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) valuesNode.fail(`must be specified when operator is ${operator}`);
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) valuesNode.fail(`may not be specified when operator is ${operator}`);
    return { key, operator, ...(valuesNode.present ? { values } : {}) };
  });
  return {
    ...(matchLabels && Object.keys(matchLabels).length ? { matchLabels } : {}),
    ...(expressionsNode.present && matchExpressions.length ? { matchExpressions } : {}),
  };
}
