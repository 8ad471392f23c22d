/**
 * What `kyverno apply` and `kyverno test` share: policies, resources and
 * exceptions loaded from files, each resource run through the engine as the
 * Kyverno CLI runs it (KV@v1.14.0:cmd/cli/kubectl-kyverno/processor) — the
 * mutating phase (verify and pin), then the validating phase
 * (verifyDigest/required) on the mutated resource — with the CLI's facts:
 * namespace labels from the values file (absent → none), the user and its
 * roles from `--userinfo` taken literally (absent → no user: match user
 * filters are dropped and exclude roles never exclude), every `--exception`
 * in force with no namespace restriction.
 */
import type { AdmissionRequest, JsonPatchOperation, KubernetesObject } from '@notary-gate/admission';
import { AdmissionError, applyPatch, extractImages } from '@notary-gate/admission';
import { evaluateAdmission, validateAdmission, type ClusterFacts, type ConfigMapSource, type RuleResult, type RuleVariables } from '@notary-gate/engine';
import type { JobsPort } from '@notary-gate/contracts';
import { parsePolicyDocuments, PolicyDocumentError, readYamlDocuments, rulesWithAutogen, type Policy, type PolicyException } from '@notary-gate/policy';
import { UsageError } from './errors';
import { readInputFile } from './files';
import type { CliUserInfo, CliValues } from './kyverno-files';
import { readManifests, yamlFiles } from './manifests';

export interface LoadedPolicies {
  policies: Policy[];
  /** ConfigMaps found beside the policies (Kyverno's conformance files keep them there). */
  configMapObjects: unknown[];
}

/**
 * Policies (and ConfigMaps) from files and directories. Kyverno's CLI takes
 * PolicyExceptions only from `--exception` (or a test's `exceptions:`) and
 * never reads them among the policies; one found there is refused rather than
 * silently applied or silently ignored.
 */
export function loadPolicyFiles(paths: string[]): LoadedPolicies {
  const loaded: LoadedPolicies = { policies: [], configMapObjects: [] };
  for (const path of paths) {
    for (const file of yamlFiles(path, 'policy')) {
      const documents = parseFile(file, 'policy file');
      const misplaced = documents.exceptions[0];
      if (misplaced) throw new UsageError(`${file}: PolicyException ${misplaced.namespace}/${misplaced.name} among the policies: give exceptions with --exception (Kyverno's CLI does not read them from policy files)`);
      loaded.policies.push(...documents.policies);
      loaded.configMapObjects.push(...documents.resources.filter((object) => object['kind'] === 'ConfigMap'));
    }
  }
  return loaded;
}

/** PolicyExceptions (kyverno.io/v2, v2beta1) from files; anything else in them is an error. */
export function loadExceptionFiles(paths: string[]): PolicyException[] {
  return paths.flatMap((path) =>
    yamlFiles(path, 'exception').flatMap((file) => {
      const documents = parseFile(file, 'exception file');
      if (documents.policies.length > 0 || documents.resources.length > 0) throw new UsageError(`${file}: only PolicyException documents may be given as exceptions`);
      return documents.exceptions;
    }),
  );
}

function parseFile(file: string, what: string) {
  try {
    return parsePolicyDocuments(readInputFile(file, what).toString('utf8'), file);
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

export interface CliResource {
  source: string;
  object: KubernetesObject;
  kind: string;
  /** `default` when the manifest has none (Kyverno's CLI sets it on every resource, cluster-scoped too). */
  namespace: string;
  name: string;
  apiVersion: string;
}

/** Resources from files, directories or `-` (stdin); a missing namespace becomes `default`. */
export function loadResources(paths: string[], readStdin: () => Buffer): CliResource[] {
  const objects: { source: string; object: Record<string, unknown> }[] = [];
  for (const path of paths) {
    if (path === '-') {
      objects.push(...manifestsOf(readStdin().toString('utf8'), 'stdin').map((object, index) => ({ source: `stdin: document ${index + 1}`, object })));
      continue;
    }
    for (const file of yamlFiles(path, 'resource')) objects.push(...readManifests(file, 'resource file').map((object, index) => ({ source: `${file}: document ${index + 1}`, object })));
  }
  // Every document is a resource, whatever its kind (as Kyverno's CLI loads them): one without images matches nothing.
  return objects.map(({ source, object }) => toResource(object, source));
}

function manifestsOf(text: string, source: string): Record<string, unknown>[] {
  try {
    return readYamlDocuments(text, source).map((document) => document.value);
  } catch (error) {
    if (error instanceof PolicyDocumentError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

function toResource(object: Record<string, unknown>, where: string): CliResource {
  const apiVersion = object['apiVersion'];
  const kind = object['kind'];
  const metadata = (object['metadata'] ?? {}) as NonNullable<KubernetesObject['metadata']>;
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new UsageError(`${where}: apiVersion: is required`);
  if (typeof kind !== 'string' || kind === '') throw new UsageError(`${where}: kind: is required`);
  const name = metadata.name ?? metadata.generateName;
  if (typeof name !== 'string' || name === '') throw new UsageError(`${where}: metadata.name: is required`);
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  const withNamespace = { ...object, metadata: { ...metadata, namespace } } as KubernetesObject;
  // A malformed container image (one no runtime could pull) is bad input: say which resource, before any policy runs.
  try {
    extractImages(withNamespace);
  } catch (error) {
    if (error instanceof AdmissionError) throw new UsageError(`${where} (${kind} ${namespace}/${name}): ${error.message}`, { cause: error });
    throw error;
  }
  return { source: where, object: withNamespace, kind, namespace, name: metadata.name ?? '', apiVersion };
}

export interface PhaseResult extends RuleResult {
  phase: 'mutate' | 'validate';
}

export interface ResourceOutcome {
  resource: CliResource;
  allowed: boolean;
  message: string | null;
  patch: JsonPatchOperation[];
  warnings: string[];
  results: PhaseResult[];
}

export interface RunInput {
  policies: Policy[];
  exceptions: PolicyException[];
  userInfo: CliUserInfo | null;
  values: CliValues | null;
  configMaps: ConfigMapSource;
  jobs: JobsPort;
  now: () => number;
}

/** The CLI's cluster facts: values-file labels, literal roles, every exception. */
export function cliFacts(input: Pick<RunInput, 'exceptions' | 'userInfo' | 'values'>): ClusterFacts {
  return {
    // KV processor: NamespaceSelectorMap[resource.namespace], nil when absent → no labels.
    namespaceLabels: async (namespace) => input.values?.namespaceLabels.get(namespace) ?? {},
    requesterRoles: async () => ({ roles: [...(input.userInfo?.roles ?? [])], clusterRoles: [...(input.userInfo?.clusterRoles ?? [])] }),
    policyExceptions: async () => input.exceptions,
  };
}

/** Variables from the values file: globalValues < rules[].values < resources[].values (KV variables `ComputeVariables`). */
function valuesFor(values: CliValues | null, resource: CliResource): RuleVariables | undefined {
  if (!values) return undefined;
  return (policy, ruleName) => {
    const forPolicy = values.policies.find((candidate) => candidate.name === policy.name);
    const merged = {
      ...values.globalValues,
      ...(forPolicy?.rules.find((rule) => rule.name === ruleName)?.values ?? {}),
      ...(forPolicy?.resources.find((entry) => entry.name === resource.name)?.values ?? {}),
    };
    delete merged['request.operation'];
    return Object.keys(merged).length > 0 ? merged : undefined;
  };
}

function operationFor(values: CliValues | null, resource: CliResource): AdmissionRequest['operation'] {
  const lookups = [values?.globalValues['request.operation']];
  for (const policy of values?.policies ?? []) lookups.push(policy.resources.find((entry) => entry.name === resource.name)?.values['request.operation']);
  const operation = lookups.filter((value) => value !== undefined).pop() ?? 'CREATE';
  if (operation !== 'CREATE' && operation !== 'UPDATE') {
    throw new UsageError(`request.operation "${String(operation)}": only CREATE and UPDATE reach verifyImages (Kyverno never runs it on DELETE)`);
  }
  return operation;
}

/** One resource through both phases, as the Kyverno CLI applies policies to it. */
export async function runResource(resource: CliResource, input: RunInput): Promise<ResourceOutcome> {
  const [group, version] = resource.apiVersion.includes('/') ? resource.apiVersion.split('/', 2) : ['', resource.apiVersion];
  const operation = operationFor(input.values, resource);
  const request: AdmissionRequest = {
    uid: `apply-${resource.kind}-${resource.namespace}-${resource.name}`,
    kind: { group: group!, version: version!, kind: resource.kind },
    name: resource.name,
    namespace: resource.namespace,
    operation,
    ...(input.userInfo ? { userInfo: { username: input.userInfo.username, groups: input.userInfo.groups, ...(input.userInfo.uid ? { uid: input.userInfo.uid } : {}) } } : {}),
    object: resource.object,
    // UPDATE makes old == new (KV variables: request.operation UPDATE).
    oldObject: operation === 'UPDATE' ? resource.object : null,
  };
  const variables = valuesFor(input.values, resource);
  const options = { jobs: input.jobs, configMaps: input.configMaps, clusterFacts: cliFacts(input), now: input.now, ...(variables ? { variables } : {}) };
  const mutated = await evaluateAdmission(request, input.policies, options);
  const patchedObject = mutated.allowed && mutated.patch.length > 0 ? applyPatch(resource.object, mutated.patch) : resource.object;
  const validated = await validateAdmission({ ...request, object: patchedObject }, input.policies, options);
  return {
    resource,
    allowed: mutated.allowed && validated.allowed,
    message: mutated.message ?? validated.message,
    patch: mutated.allowed ? mutated.patch : [],
    warnings: [...mutated.warnings, ...validated.warnings],
    results: [...mutated.results.map((result) => ({ ...result, phase: 'mutate' as const })), ...validated.results.map((result) => ({ ...result, phase: 'validate' as const }))],
  };
}

/** Kyverno's rule count for the header: every rule with its autogen variants (`autogen.ComputeRules`). */
export function ruleCount(policies: Policy[]): number {
  return policies.reduce((sum, policy) => sum + rulesWithAutogen(policy).length + policy.ignoredRules.length, 0);
}

/** The policies' remarks, as lines for stderr: documented differences, and rules Kyverno runs but notary-gate does not. */
export function policyRemarks(policies: Policy[]): string[] {
  return policies.flatMap((policy) => [
    ...policy.warnings.map((warning) => `WARNING: policy ${policy.name}: ${warning.path}: ${warning.message}`),
    ...policy.ignoredRules.map((rule) => `policy ${policy.name}: rule ${rule} is not a verifyImages rule: not run by notary-gate (Kyverno runs it)`),
  ]);
}
