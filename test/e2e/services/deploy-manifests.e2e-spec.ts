/**
 * docker-compose.yml, the Dockerfile and deploy/kubernetes cannot run here
 * (no Docker engine, no cluster), so they are checked by reading them:
 * well-formed YAML; every command runs a `main.js` the build produces from a
 * `main.ts` that exists; every container's environment is accepted by the
 * app's own configuration schema (no unknown variable, nothing required
 * missing, every value valid) with file and directory variables pointing
 * into mounted volumes; and the Kubernetes objects refer to each other
 * consistently (selectors, Services, webhooks, certificates, RBAC, HPAs).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { ConfigError, type ConfigSchema, type Environment } from '@notary-gate/service';
import { WORKER_ROLES, loadWorkerConfig, workerVariables } from '@notary-gate/worker-host';
import { gatewaySchema, loadGatewayConfig } from '../../../apps/gateway/src';

const ROOT = resolve(__dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The apps a container may run, by its `dist/` entry point: the schema and loader of each. */
const APPS: Record<string, { schema: ConfigSchema; load(env: Environment): unknown }> = {
  'dist/apps/gateway/src/main.js': { schema: gatewaySchema, load: (env) => loadGatewayConfig(env, { requireNats: true }) },
  ...Object.fromEntries(
    Object.values(WORKER_ROLES).map((role) => [`dist/apps/${role.service}/src/main.js`, { schema: workerVariables as ConfigSchema, load: (env: Environment) => loadWorkerConfig(env) }]),
  ),
};

/** Variables the platform sets itself (Kubernetes in every pod). */
const PLATFORM_VARIABLES = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

/** `dist/x/y.js` is what `npm run build` (tsc, rootDir ".", outDir "dist") emits for `x/y.ts`, if tsconfig.build.json compiles it. */
function sourceOf(distPath: string): string {
  const build = JSON.parse(read('tsconfig.build.json')) as { include: string[]; exclude: string[]; extends: string };
  const base = JSON.parse(read(build.extends)) as { compilerOptions: { outDir: string; rootDir: string } };
  expect(resolve(ROOT, base.compilerOptions.rootDir)).toBe(ROOT);
  expect(distPath.startsWith(`${base.compilerOptions.outDir.replace(/^\.\//, '')}/`)).toBe(true);
  const source = distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts');
  expect(existsSync(join(ROOT, source))).toBe(true);
  expect(build.include.some((glob) => source.startsWith(glob.split('/**')[0]!))).toBe(true);
  expect(build.exclude.some((glob) => glob !== 'dist' && glob !== 'node_modules' && source.startsWith(glob.split('/**')[0]!))).toBe(false);
  return source;
}

/**
 * Runs the app's own loader on a container's environment. File and directory
 * variables name paths inside the container: each must lie in a mounted
 * volume, and is swapped for a real local path before loading.
 */
function expectAcceptedEnvironment(command: string[], env: Record<string, string>, mounts: string[], where: string): void {
  const app = APPS[command[1]!];
  expect({ where, app: command[1], known: app !== undefined }).toEqual({ where, app: command[1], known: true });
  const byName = new Map(Object.values(app!.schema).map((variable) => [variable.name, variable]));
  const unknown = Object.keys(env).filter((name) => !byName.has(name) && !(name in PLATFORM_VARIABLES));
  expect({ where, unknown }).toEqual({ where, unknown: [] });
  const local: Record<string, string> = { ...env };
  const scratch = mkdtempSync(join(tmpdir(), 'ng-deploy-'));
  for (const [name, value] of Object.entries(env)) {
    const kind = byName.get(name)?.kind;
    if (kind !== 'file' && kind !== 'directory') continue;
    expect({ where, name, mounted: mounts.some((mount) => value === mount || value.startsWith(`${mount}/`)) }).toEqual({ where, name, mounted: true });
    local[name] = join(scratch, name);
    if (kind === 'file') writeFileSync(local[name]!, '');
    else mkdirSync(local[name]!);
  }
  try {
    app!.load(local);
  } catch (error) {
    throw new Error(`${where}: ${error instanceof ConfigError ? error.message : String(error)}`);
  }
}

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));

  it('builds with node 20 in one stage and runs the compiled output in another', () => {
    const stages = instructions.filter((line) => line.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:20[\w.-]*( AS \w+)?$/);
    expect(instructions).toContainEqual(expect.stringMatching(/^RUN npm ci\b/));
    expect(instructions).toContainEqual(expect.stringMatching(/^RUN npm run build\b/));
    expect((JSON.parse(read('package.json')) as Json)['scripts']['build']).toContain('tsconfig.build.json');
    expect(instructions).toContainEqual('COPY --from=build /app/dist ./dist');
    expect(instructions.some((line) => /^WORKDIR \/app$/.test(line))).toBe(true);
  });

  it('defaults to `notary-gate serve` (embedded), from the build output', () => {
    const cmd = instructions.filter((line) => line.startsWith('CMD ')).pop()!;
    const command = JSON.parse(cmd.slice(4)) as string[];
    expect(command).toEqual(['node', 'dist/apps/cli/src/main.js', 'serve']);
    expect(sourceOf(command[1]!)).toBe('apps/cli/src/main.ts');
  });
});

describe('docker-compose.yml', () => {
  const document = parseDocument(read('docker-compose.yml'), { merge: true });
  const compose = document.toJS({ maxAliasCount: 100 }) as Json;
  const services = compose['services'] as Record<string, Json>;

  it('is well-formed YAML', () => {
    expect(document.errors).toEqual([]);
    expect(document.warnings).toEqual([]);
  });

  it('has NATS with JetStream, Redis, a registry and every role, two signature-verifiers', () => {
    expect(services['nats']!['image']).toMatch(/^nats:/);
    expect(services['nats']!['command']).toContain('--jetstream');
    expect(services['redis']!['image']).toMatch(/^redis:/);
    expect(services['registry']!['image']).toBe('registry:2');
    const roles = Object.fromEntries(Object.entries(services).filter(([, service]) => service['build'] !== undefined).map(([name, service]) => [name, service['command'][1]]));
    expect(roles).toEqual({
      gateway: 'dist/apps/gateway/src/main.js',
      discovery: 'dist/apps/discovery/src/main.js',
      'signature-verifier': 'dist/apps/signature-verifier/src/main.js',
      'attestation-evaluator': 'dist/apps/attestation-evaluator/src/main.js',
    });
    expect(services['signature-verifier']!['deploy']['replicas']).toBe(2);
  });

  it('builds every role from the one Dockerfile into one image, and runs what the build produces', () => {
    const built = Object.values(services).filter((service) => service['build'] !== undefined);
    expect(new Set(built.map((service) => JSON.stringify([service['build'], service['image']]))).size).toBe(1);
    expect(built[0]!['build']).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    for (const service of built) {
      expect(service['command'][0]).toBe('node');
      sourceOf(service['command'][1]);
    }
  });

  it("gives each role an environment its configuration schema accepts, reaching the compose services by name", () => {
    for (const [name, service] of Object.entries(services).filter(([, service]) => service['build'] !== undefined)) {
      const env = Object.fromEntries(Object.entries(service['environment'] as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
      const mounts = ((service['volumes'] ?? []) as string[]).map((volume) => volume.split(':')[1]!);
      expectAcceptedEnvironment(service['command'], env, mounts, `compose service ${name}`);
      expect(new URL(env['NATS_URL']!).host).toBe('nats:4222');
      if (env['REDIS_URL']) expect(new URL(env['REDIS_URL']).host).toBe('redis:6379');
      for (const volume of (service['volumes'] ?? []) as string[]) expect(existsSync(join(ROOT, volume.split(':')[0]!))).toBe(true);
    }
  });
});

describe('deploy/kubernetes', () => {
  const directory = join(ROOT, 'deploy/kubernetes');
  const files = readdirSync(directory).filter((file) => /\.ya?ml$/.test(file));
  const parsed = files.map((file) => ({ file, documents: parseAllDocuments(readFileSync(join(directory, file), 'utf8')) }));
  const objects = parsed.flatMap(({ file, documents }) =>
    (Array.isArray(documents) ? documents : [documents]).map((document) => ({ file, object: document.toJS() as Json | null })).filter((entry) => entry.object !== null),
  );
  const ofKind = (kind: string) => objects.filter((entry) => entry.object!['kind'] === kind).map((entry) => entry.object!);
  const named = (kind: string, name: string) => ofKind(kind).find((object) => object['metadata']['name'] === name);
  const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);

  it('is well-formed YAML with apiVersion, kind and name on every object, all listed in the kustomization', () => {
    for (const { file, documents } of parsed) {
      for (const document of Array.isArray(documents) ? documents : [documents]) {
        expect({ file, errors: document.errors.map(String), warnings: document.warnings.map(String) }).toEqual({ file, errors: [], warnings: [] });
      }
    }
    for (const { file, object } of objects.filter((entry) => entry.object!['kind'] !== 'Kustomization')) {
      expect({ file, apiVersion: typeof object!['apiVersion'], kind: typeof object!['kind'], name: typeof object!['metadata']?.['name'] }).toEqual({ file, apiVersion: 'string', kind: 'string', name: 'string' });
    }
    const kustomization = ofKind('Kustomization')[0]!;
    expect([...(kustomization['resources'] as string[])].sort()).toEqual(files.filter((file) => file !== 'kustomization.yaml').sort());
  });

  it('runs every role as a Deployment of the one image, on what the build produces, with an environment its schema accepts', () => {
    const deployments = ofKind('Deployment');
    const configMaps = new Map(ofKind('ConfigMap').map((map) => [map['metadata']['name'], map['data'] ?? {}]));
    const images = new Set<string>();
    const commands = deployments.map((deployment) => {
      const pod = deployment['spec']['template'];
      expect(matches(deployment['spec']['selector']['matchLabels'], pod['metadata']['labels'])).toBe(true);
      const [container, ...others] = pod['spec']['containers'] as Json[];
      expect(others).toEqual([]);
      images.add(container!['image']);
      expect(container!['command'][0]).toBe('node');
      sourceOf(container!['command'][1]);
      const env: Record<string, string> = { ...PLATFORM_VARIABLES };
      for (const source of container!['envFrom'] ?? []) Object.assign(env, configMaps.get(source['configMapRef']['name']));
      for (const variable of container!['env'] ?? []) env[variable['name']] = String(variable['value']);
      for (const [key, value] of Object.entries(env)) if (value === '') delete env[key]; // unset
      const mounts = ((container!['volumeMounts'] ?? []) as Json[]).map((mount) => mount['mountPath'] as string);
      expectAcceptedEnvironment(container!['command'], env, mounts, `Deployment ${deployment['metadata']['name']}`);
      // The probes and Prometheus reach the port the app listens on.
      const ports = new Map(((container!['ports'] ?? []) as Json[]).map((port) => [port['name'], port['containerPort']]));
      const listening = Number(container!['command'][1] === 'dist/apps/gateway/src/main.js' ? env['PORT'] : env['OPS_PORT']);
      for (const probe of ['readinessProbe', 'livenessProbe']) expect(ports.get(container![probe]['httpGet']['port'])).toBe(listening);
      expect(Number(pod['metadata']['annotations']['prometheus.io/port'])).toBe(listening);
      expect(named('ServiceAccount', pod['spec']['serviceAccountName'])).toBeDefined();
      return container!['command'][1];
    });
    expect(images.size).toBe(1);
    expect(commands.sort()).toEqual(Object.keys(APPS).sort());
  });

  it('scales each worker with an HPA and protects every role with a PodDisruptionBudget', () => {
    const deployments = ofKind('Deployment');
    const workers = deployments.filter((deployment) => deployment['spec']['template']['spec']['containers'][0]['command'][1] !== 'dist/apps/gateway/src/main.js');
    expect(workers).toHaveLength(3);
    for (const worker of workers) {
      const hpa = ofKind('HorizontalPodAutoscaler').find((candidate) => candidate['spec']['scaleTargetRef']['name'] === worker['metadata']['name']);
      expect(hpa?.['spec']['scaleTargetRef']).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: worker['metadata']['name'] });
      expect(hpa?.['spec']['minReplicas']).toBeGreaterThanOrEqual(2);
      // Utilization targets need CPU requests.
      expect(worker['spec']['template']['spec']['containers'][0]['resources']['requests']['cpu']).toBeDefined();
    }
    for (const deployment of deployments) {
      const labels = deployment['spec']['template']['metadata']['labels'];
      expect(ofKind('PodDisruptionBudget').filter((pdb) => matches(pdb['spec']['selector']['matchLabels'], labels))).toHaveLength(1);
    }
  });

  it('points both webhooks at the gateway Service, serving the certificate cert-manager issues for it', () => {
    const mutating = ofKind('MutatingWebhookConfiguration')[0]!;
    const validating = ofKind('ValidatingWebhookConfiguration')[0]!;
    expect(mutating['webhooks'].map((hook: Json) => hook['name'])).toEqual(['mutate.notary-gate.svc-fail']);
    expect(validating['webhooks'].map((hook: Json) => hook['name'])).toEqual(['validate.notary-gate.svc-fail']);
    const gateway = ofKind('Deployment').find((deployment) => deployment['spec']['template']['spec']['containers'][0]['command'][1] === 'dist/apps/gateway/src/main.js')!;
    const pod = gateway['spec']['template'];
    for (const [configuration, path] of [
      [mutating, '/mutate'],
      [validating, '/validate'],
    ] as const) {
      const [hook] = configuration['webhooks'] as Json[];
      expect(hook!['admissionReviewVersions']).toEqual(['v1']);
      expect(hook!['sideEffects']).toBe('None');
      expect(hook!['timeoutSeconds']).toBeLessThanOrEqual(30);
      const { name, namespace, port } = hook!['clientConfig']['service'];
      expect(hook!['clientConfig']['service']['path']).toBe(path);
      const service = named('Service', name)!;
      expect(service['metadata']['namespace']).toBe(namespace);
      expect(matches(service['spec']['selector'], pod['metadata']['labels'])).toBe(true);
      const servicePort = (service['spec']['ports'] as Json[]).find((candidate) => candidate['port'] === port)!;
      expect(pod['spec']['containers'][0]['ports'].some((containerPort: Json) => containerPort['name'] === servicePort['targetPort'])).toBe(true);
      expect(hook!['namespaceSelector']['matchExpressions']).toContainEqual(expect.objectContaining({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: expect.arrayContaining([namespace]) }));
      const [certificateNamespace, certificateName] = (configuration['metadata']['annotations']['cert-manager.io/inject-ca-from'] as string).split('/');
      const certificate = named('Certificate', certificateName!)!;
      expect(certificate['metadata']['namespace']).toBe(certificateNamespace);
      expect(certificate['spec']['dnsNames']).toContain(`${name}.${namespace}.svc`);
      const tlsVolume = (pod['spec']['volumes'] as Json[]).find((volume) => volume['secret']?.['secretName'] === certificate['spec']['secretName']);
      expect(tlsVolume).toBeDefined();
    }
  });

  it('lets the gateway read ConfigMaps and Kyverno policies, and gives the workers no API access', () => {
    const binding = ofKind('ClusterRoleBinding')[0]!;
    const role = named('ClusterRole', binding['roleRef']['name'])!;
    const rules = role['rules'] as Json[];
    const grants = (group: string, resource: string) => rules.some((rule) => rule['apiGroups'].includes(group) && rule['resources'].includes(resource) && ['get', 'list', 'watch'].every((verb) => rule['verbs'].includes(verb)));
    expect(grants('', 'configmaps')).toBe(true);
    expect(grants('kyverno.io', 'clusterpolicies')).toBe(true);
    const gatewayAccount = ofKind('Deployment').find((deployment) => deployment['spec']['template']['spec']['containers'][0]['command'][1] === 'dist/apps/gateway/src/main.js')!['spec']['template']['spec']['serviceAccountName'];
    expect(binding['subjects']).toEqual([expect.objectContaining({ kind: 'ServiceAccount', name: gatewayAccount })]);
    const workerAccounts = new Set(ofKind('Deployment').filter((deployment) => deployment['spec']['template']['spec']['serviceAccountName'] !== gatewayAccount).map((deployment) => deployment['spec']['template']['spec']['serviceAccountName']));
    for (const account of workerAccounts) expect(named('ServiceAccount', account)!['automountServiceAccountToken']).toBe(false);
  });
});
