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
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { ConfigError, cacheVariables, commonVariables, loadConfig, mergeSchemas, type ConfigSchema, type Environment } from '@notary-gate/service';
import { WORKER_ROLES, loadWorkerConfig, workerVariables } from '@notary-gate/worker-host';
import { serveVariables } from '../../../apps/cli/src/commands/serve';
import { gatewaySchema, loadGatewayConfig } from '../../../apps/gateway/src';

const ROOT = resolve(__dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The apps a container may run, by its `dist/` entry point: the schema and loader of each. */
const APPS: Record<string, { schema: ConfigSchema; load(env: Environment): unknown }> = {
  'dist/apps/gateway/src/main.js': { schema: gatewaySchema, load: (env) => loadGatewayConfig(env, { requireNats: true }) },
  // `notary-gate serve` (embedded): the gateway's variables and the workers' cache, as startServe loads them.
  'dist/apps/cli/src/main.js': {
    schema: { ...mergeSchemas(gatewaySchema, cacheVariables), ...serveVariables } as ConfigSchema,
    load: (env) => [loadGatewayConfig(env), loadConfig(mergeSchemas(commonVariables, cacheVariables), env), loadConfig(serveVariables, env)],
  },
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

  it('defaults to `notary-gate serve` (embedded) on the examples it ships, from the build output', () => {
    const cmd = instructions.filter((line) => line.startsWith('CMD ')).pop()!;
    const command = JSON.parse(cmd.slice(4)) as string[];
    expect(command).toEqual(['node', 'dist/apps/cli/src/main.js', 'serve', '--policies', 'examples/policies', '--configmaps', 'examples/configmaps']);
    expect(sourceOf(command[1]!)).toBe('apps/cli/src/main.ts');
    expect(instructions).toContain('COPY examples ./examples');
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n')).not.toContain('examples');
    expect(existsSync(join(ROOT, 'examples/policies/check-image-notary.yaml'))).toBe(true);
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

/** `kubectl kustomize <dir>` (client-side, no cluster) parsed into objects. */
function render(directory: string): Json[] {
  const text = execFileSync('kubectl', ['kustomize', join(ROOT, directory)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(text).map((document) => document.toJS() as Json | null).filter((object): object is Json => object !== null);
}

const GATEWAY_APP = 'dist/apps/gateway/src/main.js';
const SERVE_APP = 'dist/apps/cli/src/main.js';
const gatewayCommands = new Set([GATEWAY_APP, SERVE_APP]);
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('deploy/kubernetes', () => {
  const OVERLAYS = {
    embedded: [SERVE_APP],
    distributed: [GATEWAY_APP, ...Object.values(WORKER_ROLES).map((role) => `dist/apps/${role.service}/src/main.js`)],
    'gateway-only': [GATEWAY_APP],
  } as const;
  const WEBHOOKS = { 'deploy/kubernetes/webhooks': 'Fail', 'deploy/kubernetes/webhooks/ignore': 'Ignore' } as const;

  describe.each(Object.entries(OVERLAYS))('overlays/%s', (overlay, apps) => {
    const objects = render(`deploy/kubernetes/overlays/${overlay}`);
    const ofKind = (kind: string) => objects.filter((object) => object['kind'] === kind);
    const named = (kind: string, name: string) => ofKind(kind).find((object) => object['metadata']['name'] === name);
    const deployments = ofKind('Deployment');
    const commandOf = (deployment: Json): string => deployment['spec']['template']['spec']['containers'][0]['command'][1];
    const gateway = () => deployments.find((deployment) => gatewayCommands.has(commandOf(deployment)))!;

    it('renders the roles of its kind, and no webhook configuration (those are applied last, apart)', () => {
      expect(deployments.map(commandOf).sort()).toEqual([...apps].sort());
      expect(objects.filter((object) => /WebhookConfiguration$/.test(object['kind']))).toEqual([]);
      for (const object of objects) expect({ kind: object['kind'], name: typeof object['metadata']?.['name'] }).toEqual({ kind: object['kind'], name: 'string' });
    });

    it('runs every role as a Deployment of the one image, on what the build produces, with an environment its schema accepts', () => {
      const configMaps = new Map(ofKind('ConfigMap').map((map) => [map['metadata']['name'], map['data'] ?? {}]));
      const images = new Set<string>();
      for (const deployment of deployments) {
        const pod = deployment['spec']['template'];
        expect(matches(deployment['spec']['selector']['matchLabels'], pod['metadata']['labels'])).toBe(true);
        const [container, ...others] = pod['spec']['containers'] as Json[];
        expect(others).toEqual([]);
        images.add(container!['image']);
        expect(container!['command'][0]).toBe('node');
        sourceOf(container!['command'][1]);
        if (container!['command'][1] === SERVE_APP) expect(container!['command'].slice(2)).toEqual(['serve']);
        const env: Record<string, string> = { ...PLATFORM_VARIABLES };
        for (const source of container!['envFrom'] ?? []) Object.assign(env, configMaps.get(source['configMapRef']['name']));
        for (const variable of container!['env'] ?? []) env[variable['name']] = String(variable['value']);
        for (const [key, value] of Object.entries(env)) if (value === '') delete env[key]; // unset
        const mounts = ((container!['volumeMounts'] ?? []) as Json[]).map((mount) => mount['mountPath'] as string);
        expectAcceptedEnvironment(container!['command'], env, mounts, `${overlay}: Deployment ${deployment['metadata']['name']}`);
        // The probes and Prometheus reach the port the app listens on.
        const ports = new Map(((container!['ports'] ?? []) as Json[]).map((port) => [port['name'], port['containerPort']]));
        const listening = Number(gatewayCommands.has(container!['command'][1]) ? env['PORT'] : env['OPS_PORT']);
        for (const probe of ['readinessProbe', 'livenessProbe']) expect(ports.get(container![probe]['httpGet']['port'])).toBe(listening);
        expect(Number(pod['metadata']['annotations']['prometheus.io/port'])).toBe(listening);
        expect(named('ServiceAccount', pod['spec']['serviceAccountName'])).toBeDefined();
      }
      expect(images).toEqual(new Set(['ghcr.io/notary-gate/notary-gate:0.1.0']));
    });

    it('scales every role, the gateway included, with an HPA and protects each with a PodDisruptionBudget', () => {
      for (const deployment of deployments) {
        const hpa = ofKind('HorizontalPodAutoscaler').find((candidate) => candidate['spec']['scaleTargetRef']['name'] === deployment['metadata']['name']);
        expect(hpa?.['spec']['scaleTargetRef']).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment['metadata']['name'] });
        expect(hpa?.['spec']['minReplicas']).toBeGreaterThanOrEqual(2);
        // Utilization targets need CPU requests.
        expect(deployment['spec']['template']['spec']['containers'][0]['resources']['requests']['cpu']).toBeDefined();
        const labels = deployment['spec']['template']['metadata']['labels'];
        expect(ofKind('PodDisruptionBudget').filter((pdb) => matches(pdb['spec']['selector']['matchLabels'], labels))).toHaveLength(1);
      }
    });

    it('reaches the tier as its kind says: in-process, NATS and Redis in the cluster, or a shared NATS over TLS', () => {
      const settings = named('ConfigMap', 'notary-gate')!['data'] as Record<string, string>;
      if (overlay === 'embedded') expect([settings['NATS_URL'], settings['REDIS_URL']]).toEqual([undefined, undefined]);
      if (overlay === 'distributed') expect([new URL(settings['NATS_URL']!).protocol, new URL(settings['REDIS_URL']!).protocol]).toEqual(['nats:', 'redis:']);
      if (overlay === 'gateway-only') expect([new URL(settings['NATS_URL']!).protocol, settings['REDIS_URL']]).toEqual(['tls:', undefined]);
    });

    it('lets only notary-gate reach NATS and Redis where it runs them', () => {
      const policies = ofKind('NetworkPolicy');
      if (overlay !== 'distributed') return expect(policies).toEqual([]);
      for (const [namespace, port] of [
        ['nats', 4222],
        ['redis', 6379],
      ] as const) {
        const policy = policies.find((candidate) => candidate['metadata']['namespace'] === namespace)!;
        expect(policy['spec']['policyTypes']).toEqual(['Ingress']);
        const clients = (policy['spec']['ingress'] as Json[]).filter((rule) => rule['ports']?.some((candidate: Json) => candidate['port'] === port));
        expect(clients).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'notary-gate' } } }], ports: [{ protocol: 'TCP', port }] }]);
      }
    });

    it('gives the gateway read access to the facts of an admission, events, and get (never list or watch) on the secrets pods name; the workers none', () => {
      const binding = ofKind('ClusterRoleBinding')[0]!;
      const rules = named('ClusterRole', binding['roleRef']['name'])!['rules'] as Json[];
      const grants = (list: Json[], group: string, resource: string, verbs: string[]) =>
        list.some((rule) => rule['apiGroups'].includes(group) && rule['resources'].includes(resource) && verbs.every((verb) => rule['verbs'].includes(verb)));
      const read = ['get', 'list', 'watch'];
      for (const [group, resource] of [
        ['', 'configmaps'],
        ['', 'namespaces'],
        ['rbac.authorization.k8s.io', 'rolebindings'],
        ['rbac.authorization.k8s.io', 'clusterrolebindings'],
        ['kyverno.io', 'clusterpolicies'],
        ['kyverno.io', 'policies'],
        ['kyverno.io', 'policyexceptions'],
      ] as const) {
        expect({ group, resource, granted: grants(rules, group, resource, read) }).toEqual({ group, resource, granted: true });
      }
      expect(grants(rules, '', 'events', ['create', 'patch'])).toBe(true);
      // Pull secrets are read by name where the pod is admitted (imagePullSecrets), never listed or watched.
      expect(rules.filter((rule) => rule['resources'].includes('secrets'))).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
      const account = gateway()['spec']['template']['spec']['serviceAccountName'];
      expect(binding['subjects']).toEqual([expect.objectContaining({ kind: 'ServiceAccount', name: account })]);
      expect(ofKind('Role')).toEqual([]);
      const podNamespace = gateway()['spec']['template']['spec']['containers'][0]['env'].find((variable: Json) => variable['name'] === 'POD_NAMESPACE');
      expect(podNamespace?.['valueFrom']).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
      const workerAccounts = new Set(deployments.filter((deployment) => deployment !== gateway()).map((deployment) => deployment['spec']['template']['spec']['serviceAccountName']));
      for (const workerAccount of workerAccounts) expect(named('ServiceAccount', workerAccount)!['automountServiceAccountToken']).toBe(false);
    });

    it.each(Object.entries(WEBHOOKS))('%s points both webhooks at the gateway Service and its cert-manager certificate, and cannot lock the cluster', (directory, failurePolicy) => {
      const hooks = render(directory);
      const mutating = hooks.find((object) => object['kind'] === 'MutatingWebhookConfiguration')!;
      const validating = hooks.find((object) => object['kind'] === 'ValidatingWebhookConfiguration')!;
      const suffix = failurePolicy === 'Fail' ? 'fail' : 'ignore';
      expect(mutating['webhooks'].map((hook: Json) => hook['name'])).toEqual([`mutate.notary-gate.svc-${suffix}`]);
      expect(validating['webhooks'].map((hook: Json) => hook['name'])).toEqual([`validate.notary-gate.svc-${suffix}`]);
      const pod = gateway()['spec']['template'];
      for (const [configuration, path] of [
        [mutating, '/mutate'],
        [validating, '/validate'],
      ] as const) {
        const [hook] = configuration['webhooks'] as Json[];
        expect(hook!['admissionReviewVersions']).toEqual(['v1']);
        expect(hook!['sideEffects']).toBe('None');
        expect(hook!['failurePolicy']).toBe(failurePolicy);
        // Kyverno's default webhook timeout.
        expect(hook!['timeoutSeconds']).toBe(10);
        expect(hook!['rules'][0]['resources']).toEqual(expect.arrayContaining(['pods', 'pods/ephemeralcontainers']));
        const { name, namespace, port } = hook!['clientConfig']['service'];
        expect(hook!['clientConfig']['service']['path']).toBe(path);
        const service = named('Service', name)!;
        expect(service['metadata']['namespace']).toBe(namespace);
        expect(matches(service['spec']['selector'], pod['metadata']['labels'])).toBe(true);
        const servicePort = (service['spec']['ports'] as Json[]).find((candidate) => candidate['port'] === port)!;
        expect(pod['spec']['containers'][0]['ports'].some((containerPort: Json) => containerPort['name'] === servicePort['targetPort'])).toBe(true);
        expect(hook!['namespaceSelector']['matchExpressions']).toContainEqual({
          key: 'kubernetes.io/metadata.name',
          operator: 'NotIn',
          values: expect.arrayContaining([namespace, 'cert-manager', 'nats', 'redis', 'kube-system', 'kube-node-lease']),
        });
        const [certificateNamespace, certificateName] = (configuration['metadata']['annotations']['cert-manager.io/inject-ca-from'] as string).split('/');
        const certificate = named('Certificate', certificateName!)!;
        expect(certificate['metadata']['namespace']).toBe(certificateNamespace);
        expect(certificate['spec']['dnsNames']).toContain(`${name}.${namespace}.svc`);
        expect((pod['spec']['volumes'] as Json[]).some((volume) => volume['secret']?.['secretName'] === certificate['spec']['secretName'])).toBe(true);
      }
    });
  });
});

describe('examples/kubernetes (the demo world in kind or k3d)', () => {
  it('runs the embedded serve with the demo world mounted, in an environment its schema accepts', () => {
    const objects = render('examples/kubernetes');
    const gateway = objects.find((object) => object['kind'] === 'Deployment')!;
    const container = gateway['spec']['template']['spec']['containers'][0] as Json;
    expect(container['image']).toBe('notary-gate:dev');
    expect(container['command']).toEqual(['node', SERVE_APP, 'serve']);
    const settings = objects.find((object) => object['kind'] === 'ConfigMap' && object['metadata']['name'] === 'notary-gate')!['data'] as Record<string, string>;
    const env: Record<string, string> = { ...PLATFORM_VARIABLES, ...settings };
    for (const variable of container['env'] as Json[]) env[variable['name']] = String(variable['value']);
    for (const [key, value] of Object.entries(env)) if (value === '') delete env[key];
    expect(env['REGISTRY_MIRRORS']).toBe('ghcr.io=oci-layout:/demo-world/registry');
    const mounts = (container['volumeMounts'] as Json[]).map((mount) => mount['mountPath'] as string);
    expectAcceptedEnvironment(container['command'], env, mounts, 'examples/kubernetes gateway');
  });
});
