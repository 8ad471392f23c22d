/**
 * Load Kyverno policies from multi-document YAML: validate with path-precise
 * errors, fold the deprecated and current spellings into one model, and apply
 * Kyverno's CRD defaults (kyverno-notary-spec §1).
 */
import { createHash } from 'node:crypto';
import { isKnownOperator } from '../operators/names';
import { Node } from './reader';
import { readYamlDocuments } from './yaml-documents';
import type {
  AnyAllConditions,
  Attestation,
  Attestor,
  AttestorSet,
  Condition,
  ContextEntry,
  FailureAction,
  ImageVerification,
  MatchResources,
  Policy,
  ResourceFilter,
  Rule,
} from './types';

const API_VERSIONS = ['kyverno.io/v1', 'kyverno.io/v2beta1'] as const;
const POLICY_KINDS = ['ClusterPolicy', 'Policy'] as const;
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_AUTOGEN_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];
const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

export interface LoadedDocuments {
  policies: Policy[];
  /** Other Kubernetes objects found beside the policies (e.g. ConfigMaps for `context`). */
  resources: Record<string, unknown>[];
}

/** Parse every document of a YAML text; `source` names the file in errors. */
export function parsePolicyDocuments(text: string, source: string): LoadedDocuments {
  const out: LoadedDocuments = { policies: [], resources: [] };
  for (const { value } of readYamlDocuments(text, source)) {
    const root = new Node(source, '', value);
    const apiVersion = root.child('apiVersion').string() ?? '';
    const kind = root.child('kind').string() ?? '';
    if (apiVersion.startsWith('kyverno.io/') && (POLICY_KINDS as readonly string[]).includes(kind)) {
      out.policies.push(parsePolicy(root));
    } else {
      out.resources.push(value);
    }
  }
  return out;
}

function parsePolicy(root: Node): Policy {
  const apiVersion = root.child('apiVersion').oneOf(API_VERSIONS)!;
  const kind = root.child('kind').oneOf(POLICY_KINDS)!;
  const metadata = root.child('metadata');
  metadata.map();
  const name = metadata.child('name').requiredString();
  const namespace = metadata.child('namespace').string();
  const annotations = metadata.child('annotations');
  const autogenText = annotations.isMap() ? annotations.child(AUTOGEN_ANNOTATION).string() : undefined;
  const spec = root.child('spec');
  spec.map();
  const webhook = spec.child('webhookConfiguration');
  if (webhook.present) webhook.map();

  const failurePolicy = pickDeprecated(spec.child('failurePolicy'), webhook.child('failurePolicy'), 'spec.webhookConfiguration.failurePolicy', (node) =>
    node.oneOf(['Fail', 'Ignore'] as const),
  );
  const timeoutSeconds = pickDeprecated(spec.child('webhookTimeoutSeconds'), webhook.child('timeoutSeconds'), 'spec.webhookConfiguration.timeoutSeconds', (node) => {
    const value = node.integer();
    if (value !== undefined && (value < 1 || value > 30)) node.fail('must be between 1 and 30 seconds');
    return value;
  });
  const validationFailureAction = normaliseAction(spec.child('validationFailureAction').oneOf(['audit', 'enforce', 'Audit', 'Enforce'] as const)) ?? 'Audit';
  const overrides = spec.child('validationFailureActionOverrides').list().map((item) => ({
    action: normaliseAction(item.child('action').oneOf(['audit', 'enforce', 'Audit', 'Enforce'] as const)) ?? 'Audit',
    namespaces: item.child('namespaces').stringList(),
  }));

  const ignoredRules: string[] = [];
  const rules: Rule[] = [];
  const ruleNames = new Set<string>();
  const ruleNodes = spec.child('rules').list();
  if (ruleNodes.length === 0) spec.child('rules').fail('at least one rule is required');
  for (const ruleNode of ruleNodes) {
    ruleNode.map();
    const ruleName = ruleNode.child('name').requiredString();
    if (ruleNames.has(ruleName)) ruleNode.child('name').fail(`duplicate rule name "${ruleName}"`);
    ruleNames.add(ruleName);
    if (!ruleNode.child('verifyImages').present) {
      ignoredRules.push(ruleName);
      continue;
    }
    rules.push(parseRule(ruleNode, ruleName, validationFailureAction));
  }

  return {
    apiVersion,
    kind,
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(metadata.child('uid').string() !== undefined ? { uid: metadata.child('uid').string()! } : {}),
    ...(metadata.child('resourceVersion').string() !== undefined ? { resourceVersion: metadata.child('resourceVersion').string()! } : {}),
    source: root.source,
    hash: createHash('sha256').update(JSON.stringify(root.value)).digest('hex'),
    validationFailureAction,
    validationFailureActionOverrides: overrides,
    failurePolicy: failurePolicy ?? 'Fail',
    timeoutSeconds: timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    applyRules: spec.child('applyRules').oneOf(['All', 'One'] as const) ?? 'All',
    autogenControllers: parseAutogenControllers(autogenText),
    rules,
    ignoredRules,
    warnings: [],
  };
}

/** The deprecated and the current field may not both be set (Kyverno rejects that). */
function pickDeprecated<T>(deprecated: Node, current: Node, currentName: string, read: (node: Node) => T | undefined): T | undefined {
  if (deprecated.present && current.present) {
    deprecated.fail(`remove the deprecated field and use ${currentName} instead`);
  }
  return current.present ? read(current) : read(deprecated);
}

function normaliseAction(value: string | undefined): FailureAction | undefined {
  if (value === undefined) return undefined;
  return value.toLowerCase() === 'enforce' ? 'Enforce' : 'Audit';
}

function parseAutogenControllers(value: string | undefined): string[] {
  if (value === undefined) return DEFAULT_AUTOGEN_CONTROLLERS;
  if (value.trim() === 'none') return [];
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

function parseRule(node: Node, name: string, specAction: FailureAction): Rule {
  const match = parseMatch(node.child('match'), true);
  const exclude = node.child('exclude').present ? parseMatch(node.child('exclude'), false) : undefined;
  const context = node.child('context').list().map(parseContextEntry);
  const preconditions = node.child('preconditions').present ? parseAnyAll(node.child('preconditions')) : undefined;
  const entries = node.child('verifyImages').list();
  if (entries.length === 0) node.child('verifyImages').fail('at least one entry is required');
  const verifyImages = entries.map((entry) => parseImageVerification(entry, specAction));
  if (verifyImages.some((entry) => entry.validate) && verifyImages.some((entry) => !entry.validate?.deny)) {
    node.child('verifyImages').fail('when one entry has validate, every entry must have validate.deny');
  }
  return { name, match, ...(exclude ? { exclude } : {}), context, ...(preconditions ? { preconditions } : {}), verifyImages };
}

function parseMatch(node: Node, required: boolean): MatchResources {
  if (!node.present) {
    if (required) node.fail('is required');
    return {};
  }
  node.map();
  const any = node.child('any').list().map(parseResourceFilter);
  const all = node.child('all').list().map(parseResourceFilter);
  // The legacy form puts `resources` directly under match/exclude.
  if (node.child('resources').present) {
    if (any.length > 0 || all.length > 0) node.fail('use either resources or any/all, not both');
    return { any: [parseResourceFilter(node)] };
  }
  if (required && any.length === 0 && all.length === 0) node.fail('must have any, all or resources');
  return { ...(any.length ? { any } : {}), ...(all.length ? { all } : {}) };
}

function parseResourceFilter(node: Node): ResourceFilter {
  node.map();
  const resources = node.child('resources');
  const filter: ResourceFilter = {};
  if (resources.present) {
    resources.map();
    filter.resources = {};
    const description = filter.resources;
    const kinds = resources.child('kinds').stringList();
    if (kinds.length) description.kinds = kinds;
    const names = resources.child('names').stringList();
    if (names.length) description.names = names;
    const single = resources.child('name').string();
    if (single) description.name = single;
    const namespaces = resources.child('namespaces').stringList();
    if (namespaces.length) description.namespaces = namespaces;
    const operations = resources.child('operations').list().map((item) => item.oneOf(['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const)!);
    if (operations.length) description.operations = operations;
    if (resources.child('annotations').present) description.annotations = resources.child('annotations').map() as Record<string, string>;
    if (resources.child('selector').present) description.selector = parseSelector(resources.child('selector'));
    if (resources.child('namespaceSelector').present) description.namespaceSelector = parseSelector(resources.child('namespaceSelector'));
  }
  const subjects = node.child('subjects').list().map((item) => ({
    kind: item.child('kind').oneOf(['User', 'Group', 'ServiceAccount'] as const)!,
    name: item.child('name').requiredString(),
    ...(item.child('namespace').string() !== undefined ? { namespace: item.child('namespace').string()! } : {}),
  }));
  if (subjects.length) filter.subjects = subjects;
  const roles = node.child('roles').stringList();
  if (roles.length) filter.roles = roles;
  const clusterRoles = node.child('clusterRoles').stringList();
  if (clusterRoles.length) filter.clusterRoles = clusterRoles;
  return filter;
}

function parseSelector(node: Node): NonNullable<ResourceFilter['resources']>['selector'] {
  node.map();
  const matchLabels = node.child('matchLabels').present ? (node.child('matchLabels').map() as Record<string, string>) : undefined;
  const matchExpressions = node.child('matchExpressions').list().map((item) => ({
    key: item.child('key').requiredString(),
    operator: item.child('operator').oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const)!,
    values: item.child('values').stringList(),
  }));
  return { ...(matchLabels ? { matchLabels } : {}), ...(matchExpressions.length ? { matchExpressions } : {}) };
}

function parseContextEntry(node: Node): ContextEntry {
  node.map();
  const name = node.child('name').requiredString();
  if (node.child('configMap').present) {
    const configMap = node.child('configMap');
    configMap.map();
    const namespace = configMap.child('namespace').string();
    return { name, configMap: { name: configMap.child('name').requiredString(), ...(namespace ? { namespace } : {}) } };
  }
  if (node.child('variable').present) {
    const variable = node.child('variable').map();
    const jmesPath = node.child('variable').child('jmesPath').string();
    if (!('value' in variable) && jmesPath === undefined) node.child('variable').fail('needs value or jmesPath');
    return {
      name,
      variable: {
        ...('value' in variable ? { value: variable['value'] } : {}),
        ...(jmesPath !== undefined ? { jmesPath } : {}),
        ...('default' in variable ? { default: variable['default'] } : {}),
      },
    };
  }
  for (const unsupported of ['apiCall', 'imageRegistry', 'globalReference']) {
    if (node.child(unsupported).present) node.child(unsupported).fail('context entries of this kind are not supported by notary-gate (configMap and variable are)');
  }
  return node.fail('needs configMap or variable');
}

function parseImageVerification(node: Node, specAction: FailureAction): ImageVerification {
  node.map();
  const type = node.child('type').string() ?? 'Cosign';
  if (type !== 'Notary') node.child('type').fail(`only type Notary is supported by notary-gate, got "${type}"`);
  for (const field of ['keys', 'keyless'] as const) {
    if (node.child(field).present) node.child(field).fail(`${field === 'keys' ? 'Keys' : 'Keyless'} field is not allowed for type notary`);
  }
  const imageReferencesNode = node.child('imageReferences');
  const imageReferences = imageReferencesNode.stringList();
  const legacyImage = node.child('image').string();
  if (legacyImage) imageReferences.push(legacyImage);
  if (imageReferences.length === 0) imageReferencesNode.fail('An image reference is required');
  imageReferencesNode.list().forEach((item) => {
    if (String(item.value).includes('{{')) item.fail('should not have variables in image reference section');
  });
  const attestors = node.child('attestors').list().map((set) => parseAttestorSet(set, true));
  const attestations = node.child('attestations').list().map(parseAttestation);
  const failureAction = normaliseAction(node.child('failureAction').oneOf(['Audit', 'Enforce'] as const));
  const mutateDigest = node.child('mutateDigest').boolean(true);
  if ((failureAction ?? specAction) === 'Audit' && mutateDigest) {
    node.child('mutateDigest').fail('mutateDigest must be set to false for ‘Audit’ failure action');
  }
  const validateNode = node.child('validate');
  let validate: ImageVerification['validate'];
  if (validateNode.present) {
    validateNode.map();
    const message = validateNode.child('message').string();
    const deny = validateNode.child('deny');
    validate = {
      ...(message !== undefined ? { message } : {}),
      ...(deny.present ? { deny: { conditions: parseConditionsField(deny.child('conditions')) } } : {}),
    };
  }
  return {
    type: 'Notary',
    imageReferences,
    skipImageReferences: node.child('skipImageReferences').stringList(),
    attestors,
    attestations,
    mutateDigest,
    verifyDigest: node.child('verifyDigest').boolean(true),
    required: node.child('required').boolean(true),
    useCache: node.child('useCache').boolean(true),
    ...(failureAction ? { failureAction } : {}),
    ...(validate ? { validate } : {}),
  };
}

function parseAttestorSet(node: Node, allowNested: boolean): AttestorSet {
  node.map();
  const entriesNode = node.child('entries');
  const entries = entriesNode.list().map((entry) => parseAttestor(entry, allowNested));
  if (entries.length === 0) entriesNode.fail('An entry is required');
  const countNode = node.child('count');
  const count = countNode.integer();
  if (count !== undefined) {
    if (count < 1) countNode.fail('must be ≥ 1');
    if (count > entries.length) countNode.fail('Count cannot exceed length of entries');
  }
  return { ...(count !== undefined ? { count } : {}), entries };
}

function parseAttestor(node: Node, allowNested: boolean): Attestor {
  node.map();
  for (const field of ['keys', 'keyless'] as const) {
    if (node.child(field).present) node.child(field).fail(`${field === 'keys' ? 'Keys' : 'Keyless'} field is not allowed for type notary`);
  }
  const certificates = node.child('certificates');
  const nested = node.child('attestor');
  if (certificates.present && nested.present) node.fail('set either certificates or attestor, not both');
  if (nested.present) {
    if (!allowNested) nested.fail('a nested attestor is not supported inside attestations');
    return { attestor: parseAttestorSet(nested, true) };
  }
  if (!certificates.present) node.fail('keys, certificates, keyless, or a nested attestor is required');
  certificates.map();
  const cert = certificates.child('cert').string();
  const certChain = certificates.child('certChain').string();
  if (!cert && !certChain) certificates.fail('cert or certChain required');
  return { certificates: { ...(cert ? { cert } : {}), ...(certChain ? { certChain } : {}) } };
}

function parseAttestation(node: Node): Attestation {
  node.map();
  const type = node.child('type').string() || node.child('predicateType').string();
  if (!type) node.child('type').fail('missing type');
  const name = node.child('name').string();
  const attestorsNode = node.child('attestors');
  const attestors = attestorsNode.list().map((set) => parseAttestorSet(set, false));
  // Kyverno inserts an empty entry here and then dereferences nil certificates: an error is the safe reading.
  if (attestors.length === 0) attestorsNode.fail('at least one attestor set with certificates is required for type Notary');
  const conditions = node.child('conditions').list().map(parseAnyAll);
  return { ...(name ? { name } : {}), type: type!, attestors, conditions };
}

function parseAnyAll(node: Node): AnyAllConditions {
  node.map();
  const any = node.child('any').present ? node.child('any').list().map(parseCondition) : undefined;
  const all = node.child('all').present ? node.child('all').list().map(parseCondition) : undefined;
  if (!any && !all) node.fail('must have any or all');
  return { ...(any ? { any } : {}), ...(all ? { all } : {}) };
}

/** `conditions` is either {any, all} or the legacy plain list. */
function parseConditionsField(node: Node): AnyAllConditions | Condition[] {
  if (!node.present) node.fail('is required');
  return Array.isArray(node.value) ? node.list().map(parseCondition) : parseAnyAll(node);
}

function parseCondition(node: Node): Condition {
  const raw = node.map();
  if (!('key' in raw)) node.child('key').fail('is required');
  const operatorNode = node.child('operator');
  const operator = operatorNode.requiredString();
  if (!isKnownOperator(operator)) operatorNode.fail(`unknown operator "${operator}"`);
  const message = node.child('message').string();
  return { key: raw['key'], operator, ...('value' in raw ? { value: raw['value'] } : {}), ...(message !== undefined ? { message } : {}) };
}
