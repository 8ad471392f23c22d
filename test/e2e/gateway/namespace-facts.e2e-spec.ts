/**
 * Namespace labels through the real gateway HTTP path: a gateway run outside
 * a cluster (KUBECONFIG) against the in-test Kubernetes API, the seed's
 * Notary policy with `exclude.any[].resources.namespaceSelector`, real
 * AdmissionReviews over TLS, the real workers and registry. A namespace the
 * selector excludes is excluded; a namespace the API does not know, or a
 * namespace cache that cannot be read, leaves the admission undecided: the
 * policy's failurePolicy (Fail) answers with a message naming the missing
 * fact — never a match or an exclusion by accident. Also: a review whose
 * object is not of `request.kind` is refused (400).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { AdmissionRequest } from '@notary-gate/admission';
import { MessagingModule } from '@notary-gate/messaging';
import { RegistryClient } from '@notary-gate/oci';
import { JsonLogger } from '@notary-gate/service';
import { createWorkers, type Workers } from '@notary-gate/workers';
import { handlersOf } from '../../support/worker-handlers';
import { parse, stringify } from 'yaml';
import { bootstrapGateway, loadGatewayConfig, type GatewayHandle } from '../../../apps/gateway/src';
import { buildSeedImages, type SeedImages } from '../../fixtures/seed-images';
import { podRequest } from '../../support/admission';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { KubeApiServer } from './kube-api-server';

let registry: TestRegistry;
let seed: SeedImages;
let workers: Workers;
let api: KubeApiServer;
let gateway: GatewayHandle;
let https: Agent;
let work: string;

const SKIP_LABEL = 'notary-gate.test/skip-verification';

beforeAll(async () => {
  registry = await startRegistry();
  const client = new RegistryClient({ insecureRegistries: [registry.host] });
  seed = await buildSeedImages(registry.host, client);
  workers = createWorkers({ registry: client });
  api = await KubeApiServer.start();
  api.apply('/namespaces', { metadata: { name: 'skipped', labels: { 'kubernetes.io/metadata.name': 'skipped', [SKIP_LABEL]: 'true' } } });
  api.apply('/namespaces', { metadata: { name: 'checked', labels: { 'kubernetes.io/metadata.name': 'checked' } } });

  work = mkdtempSync(join(tmpdir(), 'ng-ns-facts-'));
  const policyDir = join(work, 'policies');
  mkdirSync(policyDir);
  const policy = parse(seed.policies['check-image-notary.yaml']!) as { spec: { rules: Record<string, unknown>[] } };
  policy.spec.rules[0]!['exclude'] = { any: [{ resources: { namespaceSelector: { matchLabels: { [SKIP_LABEL]: 'true' } } } }] };
  writeFileSync(join(policyDir, 'check-image-notary.yaml'), stringify(policy));
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeConfigYaml());

  const config = loadGatewayConfig({ POLICY_DIR: policyDir, KUBECONFIG: kubeconfig, KUBERNETES_CONFIGMAPS: 'false', PORT: '0', HOST: '127.0.0.1', RESCAN_INTERVAL: '0s', LOG_LEVEL: 'fatal' });
  gateway = await bootstrapGateway(config, {
    messaging: MessagingModule.forRoot({ handlers: handlersOf(workers) }),
    logger: new JsonLogger({ service: 'gateway', level: 'fatal' }),
    watchTiming: { retryMs: 50, maxRetryMs: 200 },
  });
  https = new Agent({ connect: { ca: gateway.certificate() } });
}, 180_000);

afterAll(async () => {
  await gateway?.close();
  await https?.close();
  await workers?.close();
  await api?.stop();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const image = (tag: string) => `${registry.host}/kyverno/test-verify-image:${tag}`;

interface Answer {
  status: number;
  body: { response?: { allowed: boolean; status?: { code: number; message: string } }; message?: string; path?: string; code?: string };
}

async function admit(admission: AdmissionRequest, webhook: 'mutate' | 'validate' = 'mutate'): Promise<Answer> {
  const response = await request(`${gateway.url}/${webhook}`, {
    dispatcher: https,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: admission }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Answer['body'] };
}

async function readiness(): Promise<{ name: string; ok: boolean; detail?: string }[]> {
  const response = await request(`${gateway.url}/readyz`, { dispatcher: https });
  return ((await response.body.json()) as { checks: { name: string; ok: boolean; detail?: string }[] }).checks;
}

describe('namespaceSelector through the gateway', () => {
  it('watches namespaces because the policy has a namespaceSelector', async () => {
    const deadline = Date.now() + 5_000;
    let checks = await readiness();
    while (!checks.some((check) => check.name === 'kubernetes' && check.ok) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      checks = await readiness();
    }
    expect(checks).toContainEqual({ name: 'kubernetes', critical: false, ok: true, detail: 'namespaces: synced' });
  });

  it('excludes a namespace whose labels the exclude selector matches; checks the others', async () => {
    const skipped = await admit(podRequest(image('unsigned'), { namespace: 'skipped', uid: 'uid-skipped' }));
    expect(skipped.body.response).toMatchObject({ allowed: true });
    const checked = await admit(podRequest(image('unsigned'), { namespace: 'checked', uid: 'uid-checked' }));
    expect(checked.body.response?.allowed).toBe(false);
    expect(checked.body.response?.status?.message).toContain('no signature is associated with');
    expect((await admit(podRequest(image('signed'), { namespace: 'checked' }))).body.response?.allowed).toBe(true);
  });

  it('a namespace the synced cache does not know: failurePolicy (Fail) denies, naming the namespace that is missing', async () => {
    const ghost = await admit(podRequest(image('signed'), { namespace: 'ghost', uid: 'uid-ghost' }));
    expect(ghost.body.response?.allowed).toBe(false);
    expect(ghost.body.response?.status?.message).toMatch(/namespace/i);
    expect(ghost.body.response?.status?.message).toContain('ghost');
  });

  it('a namespace cache that cannot be read (403): failurePolicy (Fail) denies, naming the fact and the cause', async () => {
    api.forbid('/namespaces');
    api.dropWatches({ compact: true });
    try {
      // The re-watch is refused first (403, no body), then the re-list (403 with RBAC's Status message): wait for the latter.
      const listRefused = (checks: { name: string; detail?: string }[]) => checks.some((check) => check.name === 'kubernetes' && (check.detail ?? '').includes('(list namespaces: 403'));
      const deadline = Date.now() + 5_000;
      while (!listRefused(await readiness()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await readiness()).toContainEqual({ name: 'kubernetes', critical: false, ok: false, detail: expect.stringMatching(/^namespaces: not synced \(list namespaces: 403 Forbidden: /) });
      // Even a signed image: the admission is undecided, not verified and not excluded.
      const answer = await admit(podRequest(image('signed'), { namespace: 'skipped', uid: 'uid-forbidden' }));
      expect(answer.body.response?.allowed).toBe(false);
      expect(answer.body.response?.status?.message).toContain('namespace labels unavailable: list namespaces: 403 Forbidden: namespaces is forbidden');
    } finally {
      api.allow('/namespaces');
    }
    // Readable again: decided again.
    const deadline = Date.now() + 5_000;
    while (!(await readiness()).some((check) => check.name === 'kubernetes' && check.ok) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await admit(podRequest(image('unsigned'), { namespace: 'skipped' }))).body.response?.allowed).toBe(true);
  });
});

describe('PolicyExceptions through the gateway (ENABLE_POLICY_EXCEPTION, EXCEPTION_NAMESPACE=kyverno)', () => {
  let withExceptions: GatewayHandle;
  let agent: Agent;

  const exceptionFor = (namespace: string, name: string, podNamespace: string) => ({
    apiVersion: 'kyverno.io/v2',
    kind: 'PolicyException',
    metadata: { name, namespace },
    spec: { exceptions: [{ policyName: 'check-image-notary', ruleNames: ['verify-signature-notary'] }], match: { any: [{ resources: { kinds: ['Pod'], namespaces: [podNamespace] } }] } },
  });

  beforeAll(async () => {
    api.apply('kyverno.io/policyexceptions', exceptionFor('kyverno', 'sandbox-unsigned', 'sandbox'));
    // In a namespace exceptions may not live in: never listed, never applied.
    api.apply('kyverno.io/policyexceptions', exceptionFor('team-a', 'self-service', 'team-a'));
    const config = loadGatewayConfig({
      POLICY_DIR: join(work, 'policies'),
      KUBECONFIG: join(work, 'kubeconfig'),
      KUBERNETES_CONFIGMAPS: 'false',
      ENABLE_POLICY_EXCEPTION: 'true',
      EXCEPTION_NAMESPACE: 'kyverno',
      PORT: '0',
      HOST: '127.0.0.1',
      RESCAN_INTERVAL: '0s',
      LOG_LEVEL: 'fatal',
    });
    withExceptions = await bootstrapGateway(config, {
      messaging: MessagingModule.forRoot({ handlers: handlersOf(workers) }),
      logger: new JsonLogger({ service: 'gateway', level: 'fatal' }),
      watchTiming: { retryMs: 50, maxRetryMs: 200 },
    });
    agent = new Agent({ connect: { ca: withExceptions.certificate() } });
  });

  afterAll(async () => {
    await withExceptions?.close();
    await agent?.close();
  });

  const admitHere = async (admission: AdmissionRequest) => {
    const response = await request(`${withExceptions.url}/mutate`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: admission }),
    });
    return ((await response.body.json()) as Answer['body']).response;
  };

  it('applies an exception from the allowed namespace, and ignores one from any other', async () => {
    api.apply('/namespaces', { metadata: { name: 'sandbox', labels: { 'kubernetes.io/metadata.name': 'sandbox' } } });
    api.apply('/namespaces', { metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } } });
    const deadline = Date.now() + 5_000;
    let sandbox = await admitHere(podRequest(image('unsigned'), { namespace: 'sandbox', uid: 'uid-sandbox' }));
    while (sandbox?.allowed !== true && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      sandbox = await admitHere(podRequest(image('unsigned'), { namespace: 'sandbox', uid: 'uid-sandbox' }));
    }
    expect(sandbox).toMatchObject({ allowed: true });
    const teamA = await admitHere(podRequest(image('unsigned'), { namespace: 'team-a', uid: 'uid-team-a' }));
    expect(teamA?.allowed).toBe(false);
    expect(teamA?.status?.message).toContain('no signature is associated with');
    expect(new Set(api.requests.filter((entry) => entry.path.includes('policyexceptions')).map((entry) => entry.path))).toEqual(new Set(['/apis/kyverno.io/v2/namespaces/kyverno/policyexceptions']));
  });
});

describe('request.kind against the object', () => {
  it('refuses (400) a review whose object is of another kind than request.kind, on both webhooks', async () => {
    const pod = podRequest(image('unsigned'), { namespace: 'checked' });
    const disguised: AdmissionRequest = { ...pod, kind: { group: 'apps', version: 'v1', kind: 'Deployment' } };
    for (const webhook of ['mutate', 'validate'] as const) {
      const answer = await admit(disguised, webhook);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        code: 'ERR_MALFORMED_REVIEW',
        path: 'request.object',
        message: 'request.object: is "v1"/"Pod" (apiVersion/kind), but request.kind says apps/v1/Deployment: the object must be of the requested kind',
      });
    }
    const noKind = await admit({ ...pod, object: { metadata: { name: 'x', namespace: 'checked' }, spec: { containers: [{ name: 'x', image: image('unsigned') }] } } });
    expect(noKind.status).toBe(400);
    expect(noKind.body.message).toBe('request.object: is null/null (apiVersion/kind), but request.kind says v1/Pod: the object must be of the requested kind');
  });
});
