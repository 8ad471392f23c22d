/**
 * Load Kyverno policies and PolicyExceptions from multi-document YAML:
 * refuse unknown fields and bad types first (strict.ts, as `kubectl apply`
 * does), then read every field into one model with path-precise errors,
 * folding the deprecated and current spellings and applying Kyverno's CRD
 * defaults (kyverno-notary-spec §1).
 */
import { createHash } from 'node:crypto';
import { wildcardMatch } from '../wildcard';
import { parsePolicyException } from './exception';
import { parseLabelSelector } from './parse-match';
import { parseRule } from './parse-rule';
import { Node, newReadLog, type ReadLog } from './reader';
import { checkFields, nearest } from './strict';
import { readYamlDocuments } from './yaml-documents';
import type { FailureAction, Policy, PolicyException, PolicyWarning, Rule, ValidationFailureActionOverride } from './types';

const API_VERSIONS = ['kyverno.io/v1', 'kyverno.io/v2beta1'] as const;
const EXCEPTION_API_VERSIONS = ['kyverno.io/v2', 'kyverno.io/v2beta1'] as const;
const POLICY_KINDS = ['ClusterPolicy', 'Policy'] as const;
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_AUTOGEN_CONTROLLERS = ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'];
const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
const SCORED_ANNOTATION = 'policies.kyverno.io/scored';
/** Kyverno's CRD: `rules[].name` maxLength 63. */
const RULE_NAME_MAX = 63;
const OPERATION_FIELDS = ['mutate', 'validate', 'generate', 'verifyImages'] as const;

export interface LoadedDocuments {
  policies: Policy[];
  /** PolicyExceptions (kyverno.io/v2, v2beta1) found in the documents. */
  exceptions: PolicyException[];
  /** Other Kubernetes objects found beside the policies (e.g. ConfigMaps for `context`). */
  resources: Record<string, unknown>[];
}

/** Parse every document of a YAML text; `source` names the file in errors. */
export function parsePolicyDocuments(text: string, source: string): LoadedDocuments {
  return parseTraced(text, source).loaded;
}

/** The same, with what was read of each policy or exception document (for the tests' "nothing unread" proof). */
export function parseTraced(text: string, source: string): { loaded: LoadedDocuments; logs: Array<{ value: Record<string, unknown>; log: ReadLog }> } {
  const loaded: LoadedDocuments = { policies: [], exceptions: [], resources: [] };
  const logs: Array<{ value: Record<string, unknown>; log: ReadLog }> = [];
  for (const { value } of readYamlDocuments(text, source)) parseObject(value, new Node(source, '', value, newReadLog()), loaded, logs);
  return { loaded, logs };
}

/** Other kinds of the kyverno.io group: never ours to run, kept with the other objects. */
const OTHER_KYVERNO_KINDS = new Set([
  'CleanupPolicy', 'ClusterCleanupPolicy', 'GlobalContextEntry', 'UpdateRequest', 'AdmissionReport', 'ClusterAdmissionReport',
  'BackgroundScanReport', 'ClusterBackgroundScanReport', 'EphemeralReport', 'ClusterEphemeralReport', 'CELPolicyException',
]);
const OUR_KINDS = [...POLICY_KINDS, 'PolicyException'] as const;

function parseObject(value: Record<string, unknown>, root: Node, loaded: LoadedDocuments, logs: Array<{ value: Record<string, unknown>; log: ReadLog }>): void {
  const apiVersion = typeof value['apiVersion'] === 'string' ? value['apiVersion'] : '';
  const kind = typeof value['kind'] === 'string' ? value['kind'] : '';
  const kyverno = /kyverno/i.test(apiVersion);
  // `kubectl get … -o yaml` writes a List (or a <Kind>List): its items are loaded as kubectl apply would.
  if ((kind === 'List' && apiVersion === 'v1') || (kyverno && kind.endsWith('List'))) {
    root.child('items').list().forEach((item) => {
      if (!item.isMap()) item.fail('a Kubernetes object must be a mapping');
      parseObject(item.value as Record<string, unknown>, new Node(root.source, item.path, item.value, newReadLog()), loaded, logs);
    });
    return;
  }
  const ours = (OUR_KINDS as readonly string[]).includes(kind);
  if (ours && (kyverno || apiVersion === '')) {
    if (kind === 'PolicyException') {
      if (root.child('apiVersion').oneOf(EXCEPTION_API_VERSIONS) === undefined) root.child('apiVersion').fail('is required');
      checkFields(root, 'PolicyException');
      loaded.exceptions.push(parsePolicyException(root));
    } else {
      loaded.policies.push(parsePolicy(root));
    }
    logs.push({ value, log: root.log });
    return;
  }
  if (kyverno && !OTHER_KYVERNO_KINDS.has(kind)) {
    if (/ImageValidatingPolicy$/.test(kind)) {
      root.child('kind').fail(`${kind} (${apiVersion}) is not run by notary-gate: write a ClusterPolicy or Policy with verifyImages of type Notary`);
    }
    // A misspelt kind would otherwise drop the policy silently.
    const singular = kind.replace(/ies$/i, 'y').replace(/s$/i, '');
    const meant = nearest(kind, OUR_KINDS) ?? nearest(singular, OUR_KINDS);
    if (meant !== undefined) root.child('kind').fail(`unknown kind "${kind}" (did you mean "${meant}"?)`);
  }
  loaded.resources.push(value);
}

function parsePolicy(root: Node): Policy {
  const apiVersion = root.child('apiVersion').oneOf(API_VERSIONS) ?? root.child('apiVersion').fail('is required');
  checkFields(root, apiVersion === 'kyverno.io/v1' ? 'PolicyV1' : 'PolicyV2');
  const kind = root.child('kind').oneOf(POLICY_KINDS)!;
  const warnings: PolicyWarning[] = [];
  const metadata = root.child('metadata');
  metadata.map();
  const name = metadata.child('name').requiredString();
  const namespace = policyNamespace(kind, metadata.child('namespace'), warnings);
  const annotations = metadata.child('annotations').present ? metadata.child('annotations').stringMap() : {};
  const uid = metadata.child('uid').string();
  const resourceVersion = metadata.child('resourceVersion').string();
  const spec = root.child('spec');
  spec.map();
  const webhook = spec.child('webhookConfiguration');
  if (webhook.present) webhook.map();
  const matchConditions = webhook.child('matchConditions');
  if (matchConditions.list().length > 0) {
    matchConditions.fail('webhook matchConditions are CEL expressions, which notary-gate does not evaluate; without them the policy would apply to more requests than in Kyverno');
  }
  // `admission: false` means Kyverno never applies the policy at admission (background scans only).
  if (!spec.child('admission').boolean(true)) {
    spec.child('admission').fail('a policy with admission: false is never applied at admission by Kyverno (background scans only), and notary-gate acts only at admission: remove it from notary-gate\'s policies');
  }

  const failurePolicy = pickDeprecated(spec.child('failurePolicy'), webhook.child('failurePolicy'), 'spec.webhookConfiguration.failurePolicy', (node) =>
    node.oneOf(['Fail', 'Ignore'] as const),
  );
  const timeoutSeconds = pickDeprecated(spec.child('webhookTimeoutSeconds'), webhook.child('timeoutSeconds'), 'spec.webhookConfiguration.timeoutSeconds', (node) => {
    const value = node.integer();
    if (value !== undefined && (value < 1 || value > 30)) node.fail('must be between 1 and 30 seconds');
    return value;
  });
  const validationFailureAction = normaliseAction(spec.child('validationFailureAction').oneOf(['audit', 'enforce', 'Audit', 'Enforce'] as const)) ?? 'Audit';
  const overrides = parseOverrides(spec.child('validationFailureActionOverrides'), kind);
  // Read only for Kyverno's wildcard-kind message; background scans are not notary-gate's (schema.ts).
  const background = spec.child('background').boolean(true);

  const ignoredRules: string[] = [];
  const rules: Rule[] = [];
  const ruleNames = new Set<string>();
  const rulesNode = spec.child('rules');
  const ruleNodes = rulesNode.list();
  if (ruleNodes.length === 0) rulesNode.fail('at least one rule is required');
  for (const ruleNode of ruleNodes) {
    ruleNode.map();
    const nameNode = ruleNode.child('name');
    const ruleName = nameNode.requiredString();
    if (ruleName.length > RULE_NAME_MAX) nameNode.fail(`must be no more than ${RULE_NAME_MAX} characters`);
    // KV@v1.14.0:pkg/validation/policy/validate.go.
    if (ruleNames.has(ruleName)) nameNode.fail(`Duplicate rule name: '${ruleName}'`);
    ruleNames.add(ruleName);
    // KV@v1.14.0:api/kyverno/v1/rule_types.go `ValidateRuleType`.
    const operations = OPERATION_FIELDS.filter((field) => ruleNode.child(field).present);
    if (operations.length === 0) ruleNode.fail(`No operation defined in the rule '${ruleName}'.(supported operations: mutate,validate,generate,verifyImages)`);
    if (operations.length > 1) ruleNode.fail(`Multiple operations defined in the rule '${ruleName}', only one operation (mutate,validate,generate,verifyImages) is allowed per rule`);
    if (operations[0] !== 'verifyImages') {
      if (ruleNode.child('imageExtractors').present) {
        ruleNode.child('imageExtractors').fail(`Invalid rule spec for rule '${ruleName}', imageExtractors can only be defined for verifyImages rule`);
      }
      // Kyverno's to run (validate, mutate, generate): reported as such, its content Kyverno's to check.
      ruleNode.json();
      ignoredRules.push(ruleName);
      continue;
    }
    rules.push(parseRule(ruleNode, ruleName, { specAction: validationFailureAction, namespaced: kind === 'Policy', background, warnings }));
  }

  return {
    apiVersion,
    kind,
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(uid !== undefined ? { uid } : {}),
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    source: root.source,
    hash: createHash('sha256').update(JSON.stringify(root.value)).digest('hex'),
    validationFailureAction,
    validationFailureActionOverrides: overrides,
    failurePolicy: failurePolicy ?? 'Fail',
    timeoutSeconds: timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    applyRules: spec.child('applyRules').oneOf(['All', 'One'] as const) ?? 'All',
    autogenControllers: parseAutogenControllers(annotations[AUTOGEN_ANNOTATION]),
    scored: annotations[SCORED_ANNOTATION] !== 'false',
    rules,
    ignoredRules,
    warnings,
  };
}

/**
 * A namespaced Policy without a namespace lives in `default` (Kyverno 1.13.5+, and kubectl applies it
 * there); a ClusterPolicy is cluster-scoped, so the API server drops a namespace written on it.
 */
function policyNamespace(kind: Policy['kind'], node: Node, warnings: PolicyWarning[]): string | undefined {
  const namespace = node.string();
  if (kind === 'Policy') return namespace || 'default';
  if (namespace) warnings.push({ path: node.path, message: 'ignored: a ClusterPolicy is cluster-scoped' });
  return undefined;
}

function parseOverrides(node: Node, kind: Policy['kind']): ValidationFailureActionOverride[] {
  const items = node.list();
  // KV@v1.14.0:api/kyverno/v1/spec_types.go `Validate`.
  if (items.length > 0 && kind === 'Policy') node.fail('Use of validationFailureActionOverrides is supported only with ClusterPolicy');
  const overrides = items.map((item) => {
    item.map();
    const actionNode = item.child('action');
    const action = normaliseAction(actionNode.oneOf(['audit', 'enforce', 'Audit', 'Enforce'] as const)) ?? actionNode.fail('is required');
    const namespacesNode = item.child('namespaces');
    const selectorNode = item.child('namespaceSelector');
    return {
      action,
      // nil and [] differ in Kyverno (nil: only the selector decides; []: never matches).
      ...(namespacesNode.present ? { namespaces: namespacesNode.stringList() } : {}),
      ...(selectorNode.present ? { namespaceSelector: parseLabelSelector(selectorNode) } : {}),
    };
  });
  checkOverrideNamespaces(overrides, items);
  return overrides;
}

/** KV@v1.14.0:pkg/validation/policy/validate.go `validateNamespaces`: one namespace may not be both Audit and Enforce. */
function checkOverrideNamespaces(overrides: ValidationFailureActionOverride[], nodes: Node[]): void {
  const seen = { Audit: { names: new Set<string>(), patterns: [] as string[] }, Enforce: { names: new Set<string>(), patterns: [] as string[] } };
  overrides.forEach((override, index) => {
    const where = nodes[index]!.child('namespaces');
    const other = seen[override.action === 'Audit' ? 'Enforce' : 'Audit'];
    const mine = seen[override.action];
    const namespaces = override.namespaces ?? [];
    const patterns = namespaces.filter((value) => /[*?]/.test(value));
    const names = namespaces.filter((value) => !/[*?]/.test(value));
    const conflicts = names.filter((name) => other.names.has(name)).sort();
    if (conflicts.length > 0) where.fail(`conflicting namespaces found in path: ${where.path}: ${conflicts.join(', ')}`);
    for (const name of names) mine.names.add(name);
    mine.patterns.push(...patterns);
    for (const pattern of mine.patterns) {
      const name = [...other.names].find((candidate) => wildcardMatch(pattern, candidate));
      if (name !== undefined) where.fail(`wildcard pattern '${pattern}' matches with namespace '${name}'`);
    }
    for (const name of mine.names) {
      const pattern = other.patterns.find((candidate) => wildcardMatch(candidate, name));
      if (pattern !== undefined) where.fail(`wildcard pattern '${pattern}' matches with namespace '${name}'`);
    }
    for (const pattern of mine.patterns) {
      const clash = other.patterns.find((candidate) => wildcardMatch(candidate, pattern) || wildcardMatch(pattern, candidate));
      if (clash !== undefined) where.fail(`wildcard pattern '${pattern}' conflicts with the pattern '${clash}'`);
    }
  });
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
