/**
 * The Kyverno CLI's own input files (cli.kyverno.io/v1alpha1): `UserInfo`
 * (`--userinfo`), `Values` (`--values-file`) and `Test` (kyverno-test.yaml).
 * Kyverno reads them with `UnmarshalStrict` (cmd/cli/kubectl-kyverno/userinfo,
 * values, test): an unknown key is an error, so it is here too — naming the
 * file and the field.
 */
import { readInputFile } from './files';
import { UsageError } from './errors';
import { readYamlDocuments } from '@notary-gate/policy';

const CLI_API_VERSION = 'cli.kyverno.io/v1alpha1';

type Json = Record<string, unknown>;

/** One level of a strict document: every key must be known. */
class Strict {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly value: unknown,
  ) {}

  fail(reason: string): never {
    throw new UsageError(`${this.file}: ${this.path || '(root)'}: ${reason}`);
  }

  object(known: readonly string[]): Json {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail('must be a mapping');
    const record = this.value as Json;
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) new Strict(this.file, this.join(key), undefined).fail(`unknown field "${key}" (strict decoding, as Kyverno's CLI)`);
    }
    return record;
  }

  child(key: string): Strict {
    return new Strict(this.file, this.join(key), (this.value as Json | undefined)?.[key]);
  }

  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  string(): string | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'string') this.fail('must be a string');
    return this.value;
  }

  list(): Strict[] {
    if (!this.present) return [];
    if (!Array.isArray(this.value)) this.fail('must be a list');
    return this.value.map((item, index) => new Strict(this.file, `${this.path}[${index}]`, item));
  }

  stringList(): string[] {
    return this.list().map((item) => item.string() ?? item.fail('must be a string'));
  }

  stringMap(): Record<string, string> {
    if (!this.present) return {};
    const record = this.object(Object.keys((this.value as Json) ?? {}));
    return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, new Strict(this.file, this.join(key), value).string() ?? '']));
  }

  /** Any JSON value (values of variables). */
  map(): Json {
    if (!this.present) return {};
    return this.object(Object.keys((this.value as Json) ?? {}));
  }

  private join(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }
}

function readSingleDocument(path: string, what: string): Strict {
  const text = readInputFile(path, what).toString('utf8');
  let documents;
  try {
    documents = readYamlDocuments(text, path);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  if (documents.length !== 1) throw new UsageError(`${path}: a ${what} must hold exactly one YAML document, found ${documents.length}`);
  return new Strict(path, '', documents[0]!.value);
}

function checkKind(root: Strict, kind: string, onMissing?: () => void): void {
  const apiVersion = root.child('apiVersion').string();
  const actualKind = root.child('kind').string();
  if (apiVersion === undefined && actualKind === undefined && onMissing) return onMissing();
  if (apiVersion !== CLI_API_VERSION) root.child('apiVersion').fail(`must be "${CLI_API_VERSION}"`);
  if (actualKind !== kind) root.child('kind').fail(`must be "${kind}"`);
}

/** `kind: UserInfo`: the request's user and its roles, taken literally (nothing is computed). */
export interface CliUserInfo {
  username: string;
  uid?: string;
  groups: string[];
  roles: string[];
  clusterRoles: string[];
}

/** `--userinfo` (KV cmd/cli/kubectl-kyverno/userinfo `Load`; apis/v1alpha1 UserInfo with an inline kyvernov2.RequestInfo). */
export function readUserInfo(path: string, warn: (line: string) => void): CliUserInfo {
  const root = readSingleDocument(path, 'user info file');
  root.object(['apiVersion', 'kind', 'metadata', 'roles', 'clusterRoles', 'userInfo', 'synchronize']);
  checkKind(root, 'UserInfo', () => warn(`WARNING: user infos file (${path}) uses a deprecated schema that will be removed in 1.13`));
  const user = root.child('userInfo');
  if (user.present) user.object(['username', 'uid', 'groups', 'extra']);
  const synchronize = root.child('synchronize');
  if (synchronize.present && typeof synchronize.value !== 'boolean') synchronize.fail('must be a boolean');
  const uid = user.child('uid').string();
  return {
    username: user.child('username').string() ?? '',
    ...(uid !== undefined ? { uid } : {}),
    groups: user.child('groups').stringList(),
    roles: root.child('roles').stringList(),
    clusterRoles: root.child('clusterRoles').stringList(),
  };
}

/** `kind: Values` (KV apis/v1alpha1 ValuesSpec). */
export interface CliValues {
  globalValues: Json;
  policies: { name: string; resources: { name: string; values: Json }[]; rules: { name: string; values: Json }[] }[];
  /** Namespace name → labels: `namespaces[]` objects win over `namespaceSelector[]` (KV values `NamespaceSelectors`). */
  namespaceLabels: Map<string, Record<string, string>>;
}

const VALUES_FIELDS = ['globalValues', 'policies', 'namespaceSelector', 'namespaces', 'subresources'];

export function readValuesFile(path: string): CliValues {
  const root = readSingleDocument(path, 'values file');
  root.object(['apiVersion', 'kind', 'metadata', ...VALUES_FIELDS]);
  checkKind(root, 'Values', () => undefined);
  return parseValuesSpec(root);
}

/** The ValuesSpec fields of a Values file or of a Test's inline `values`. */
export function parseValuesSpec(root: Strict): CliValues {
  const policies = root.child('policies').list().map((policy) => {
    policy.object(['name', 'resources', 'rules']);
    return {
      name: policy.child('name').string() ?? policy.child('name').fail('is required'),
      resources: policy.child('resources').list().map((resource) => {
        resource.object(['name', 'values']);
        return { name: resource.child('name').string() ?? resource.child('name').fail('is required'), values: resource.child('values').map() };
      }),
      rules: policy.child('rules').list().map((rule) => {
        rule.object(['name', 'values', 'foreachValues']);
        if (rule.child('foreachValues').present) rule.child('foreachValues').fail('foreach values apply to foreach rules, which notary-gate does not run');
        return { name: rule.child('name').string() ?? rule.child('name').fail('is required'), values: rule.child('values').map() };
      }),
    };
  });
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const selector of root.child('namespaceSelector').list()) {
    selector.object(['name', 'labels']);
    namespaceLabels.set(selector.child('name').string() ?? selector.child('name').fail('is required'), selector.child('labels').stringMap());
  }
  for (const namespace of root.child('namespaces').list()) {
    namespace.object(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    const metadata = namespace.child('metadata');
    const name = metadata.child('name').string() ?? metadata.child('name').fail('is required');
    const labels = metadata.present && typeof metadata.value === 'object' ? metadata.child('labels').stringMap() : {};
    namespaceLabels.set(name, labels);
  }
  if (root.child('subresources').list().length > 0) root.child('subresources').fail('subresources are not used by verifyImages rules; refused rather than ignored');
  return { globalValues: root.child('globalValues').map(), policies, namespaceLabels };
}

/** `kind: Test` (kyverno-test.yaml; KV apis/v1alpha1 test.go). */
export interface CliTest {
  name: string;
  file: string;
  policies: string[];
  resources: string[];
  exceptions: string[];
  variables?: string;
  values?: CliValues;
  userinfo?: string;
  results: CliTestResult[];
}

export interface CliTestResult {
  policy: string;
  rule: string;
  resources: string[];
  kind?: string;
  result: 'pass' | 'fail' | 'skip' | 'warn' | 'error';
  path: string;
}

const RESULT_VALUES = ['pass', 'fail', 'skip', 'warn', 'error'] as const;

export function readTestFile(path: string): CliTest {
  const root = readSingleDocument(path, 'test file');
  root.object(['apiVersion', 'kind', 'metadata', 'name', 'policies', 'resources', 'exceptions', 'variables', 'values', 'userinfo', 'results', 'checks', 'jsonPayload', 'targetResources', 'context']);
  checkKind(root, 'Test');
  for (const unsupported of ['checks', 'jsonPayload', 'targetResources', 'context']) {
    if (root.child(unsupported).present) root.child(unsupported).fail(`${unsupported} is not supported by notary-gate test; refused rather than ignored`);
  }
  const metadata = root.child('metadata');
  const name = (metadata.present ? metadata.child('name').string() : undefined) ?? root.child('name').string() ?? '';
  const values = root.child('values');
  if (values.present) values.object(VALUES_FIELDS);
  const variables = root.child('variables').string();
  const userinfo = root.child('userinfo').string();
  return {
    name,
    file: path,
    policies: root.child('policies').stringList(),
    resources: root.child('resources').stringList(),
    exceptions: root.child('exceptions').stringList(),
    ...(variables !== undefined ? { variables } : {}),
    ...(values.present ? { values: parseValuesSpec(values) } : {}),
    ...(userinfo !== undefined ? { userinfo } : {}),
    results: root.child('results').list().map((item) => {
      item.object(['policy', 'rule', 'resources', 'resource', 'kind', 'result', 'status', 'namespace', 'patchedResource', 'patchedResources', 'generatedResource', 'cloneSourceResource', 'resourceSpecs', 'isValidatingPolicy', 'isImageValidatingPolicy', 'isValidatingAdmissionPolicy', 'isMutatingPolicy', 'isGeneratingPolicy', 'isDeletingPolicy']);
      for (const unsupported of ['patchedResource', 'patchedResources', 'generatedResource', 'cloneSourceResource', 'resourceSpecs']) {
        if (item.child(unsupported).present) item.child(unsupported).fail(`${unsupported} is not compared by notary-gate test; refused rather than ignored`);
      }
      for (const flag of ['isValidatingPolicy', 'isImageValidatingPolicy', 'isValidatingAdmissionPolicy', 'isMutatingPolicy', 'isGeneratingPolicy', 'isDeletingPolicy']) {
        if (item.child(flag).value === true) item.child(flag).fail('only Kyverno ClusterPolicy/Policy verifyImages rules are run by notary-gate');
      }
      const result = item.child('result').string() ?? item.child('status').string();
      if (result === undefined || !(RESULT_VALUES as readonly string[]).includes(result)) item.child('result').fail(`must be one of ${RESULT_VALUES.join(', ')}`);
      const single = item.child('resource').string();
      const namespace = item.child('namespace').string();
      const resources = [...item.child('resources').stringList(), ...(single !== undefined ? [namespace ? `${namespace}/${single}` : single] : [])];
      const kind = item.child('kind').string();
      return {
        policy: item.child('policy').string() ?? item.child('policy').fail('is required'),
        rule: item.child('rule').string() ?? item.child('rule').fail('is required'),
        resources,
        ...(kind !== undefined ? { kind } : {}),
        result: result as CliTestResult['result'],
        path: item.path,
      };
    }),
  };
}
