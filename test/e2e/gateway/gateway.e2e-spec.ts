/**
 * The HTTPS gateway end to end: real AdmissionReviews over TLS (the client
 * trusting the gateway's self-signed certificate), the engine through the
 * in-process jobs port around the real worker functions, and a real registry
 * holding the seed's images. Also: hot reload of policies, /validate, the
 * ops endpoints and failurePolicy when the tier never answers.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { applyPatch, type AdmissionRequest, type JsonPatchOperation } from '@notary-gate/admission';
import { MessagingModule } from '@notary-gate/messaging';
import { RegistryClient } from '@notary-gate/oci';
import { JsonLogger, ServiceMetrics } from '@notary-gate/service';
import { createWorkers, type Workers } from '@notary-gate/workers';
import { handlersOf } from '../../support/worker-handlers';
import { parse, parseAllDocuments } from 'yaml';
import { KubernetesConfigMaps, PolicyStore, bootstrapGateway, loadGatewayConfig, loadKubeConfig, type GatewayHandle } from '../../../apps/gateway/src';
import { FAKE_TOKEN, startFakeKubernetes, type FakeKubernetes } from './fake-kubernetes';
import { buildSeedImages, type SeedImages } from '../../fixtures/seed-images';
import { podRequest } from '../../support/admission';
import { startRegistry, type TestRegistry } from '../../support/registry';

let registry: TestRegistry;
let client: RegistryClient;
let seed: SeedImages;
let workers: Workers;
let gateway: GatewayHandle;
let https: Agent;
let work: string;
let policyDir: string;
const metrics = new ServiceMetrics({ service: 'gateway' });
const logLines: Record<string, unknown>[] = [];
const logger = new JsonLogger({ service: 'gateway', level: 'info', write: (line) => logLines.push(JSON.parse(line)) });

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ insecureRegistries: [registry.host] });
  seed = await buildSeedImages(registry.host, client);
  workers = createWorkers({ registry: client });
  work = mkdtempSync(join(tmpdir(), 'ng-gateway-'));
  policyDir = join(work, 'policies');
  const configMapDir = join(work, 'configmaps');
  for (const dir of [policyDir, configMapDir]) mkdirSync(dir);
  writeFileSync(join(policyDir, 'check-image-notary.yaml'), seed.policies['check-image-notary.yaml']!);
  writeFileSync(join(configMapDir, 'keys.yaml'), seed.configMapYaml);
  const config = loadGatewayConfig({
    POLICY_DIR: policyDir,
    CONFIGMAP_DIR: configMapDir,
    PORT: '0',
    HOST: '127.0.0.1',
    RELOAD_DEBOUNCE: '50ms',
    RESCAN_INTERVAL: '0s',
  });
  gateway = await bootstrapGateway(config, { messaging: MessagingModule.forRoot({ handlers: handlersOf(workers) }), logger, metrics });
  // The client trusts exactly the gateway's self-signed certificate (SAN IP 127.0.0.1).
  https = new Agent({ connect: { ca: gateway.certificate() } });
}, 180_000);

afterAll(async () => {
  await gateway?.close();
  await https?.close();
  await workers?.close();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const image = (tag: string) => `${registry.host}/kyverno/test-verify-image:${tag}`;
const review = (admission: AdmissionRequest) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: admission });

interface ReviewResponse {
  apiVersion: string;
  kind: string;
  response: { uid: string; allowed: boolean; status?: { code: number; message: string }; patchType?: string; patch?: string; warnings?: string[] };
}

async function post(path: string, body: unknown, raw = false): Promise<{ status: number; body: ReviewResponse & Record<string, unknown> }> {
  const response = await request(`${gateway.url}${path}`, {
    dispatcher: https,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? String(body) : JSON.stringify(body),
  });
  return { status: response.statusCode, body: (await response.body.json()) as ReviewResponse & Record<string, unknown> };
}

async function get(path: string): Promise<{ status: number; text: string }> {
  const response = await request(`${gateway.url}${path}`, { dispatcher: https });
  return { status: response.statusCode, text: await response.body.text() };
}

const decodePatch = (patch: string | undefined): JsonPatchOperation[] => JSON.parse(Buffer.from(patch ?? '', 'base64').toString('utf8'));

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}

describe('POST /mutate', () => {
  it('allows the signed pod with a base64 JSONPatch pinning tag@digest', async () => {
    const { status, body } = await post('/mutate', review(podRequest(image('signed'), { uid: 'uid-signed' })));
    expect(status).toBe(200);
    expect(body.apiVersion).toBe('admission.k8s.io/v1');
    expect(body.kind).toBe('AdmissionReview');
    expect(body.response).toMatchObject({ uid: 'uid-signed', allowed: true, patchType: 'JSONPatch' });
    const patch = decodePatch(body.response.patch);
    expect(patch).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${image('signed')}@${seed.images.signed.digest}` });
    expect(patch.map((op) => op.path)).toEqual([
      '/metadata/annotations',
      '/metadata/annotations/kyverno.io~1verify-images',
      '/metadata/annotations/kyverno.io~1verify-images-scoped',
      '/spec/containers/0/image',
    ]);
  });

  it("denies the unsigned pod with 403 and the seed's message in status.message", async () => {
    const { status, body } = await post('/mutate', review(podRequest(image('unsigned'))));
    expect(status).toBe(200);
    const artifact = `${seed.repository}@${seed.images.unsigned.digest}`;
    expect(body.response.allowed).toBe(false);
    expect(body.response.patch).toBeUndefined();
    expect(body.response.status).toEqual({
      code: 403,
      message:
        '\n\nresource Pod/default/test was blocked due to the following policies \n\n' +
        'check-image-notary:\n' +
        `  verify-signature-notary: 'failed to verify image ${image('unsigned')}: .attestors[0].entries[0]: failed to verify ${artifact}: ` +
        `no signature is associated with "${artifact}", make sure the image was signed successfully'\n`,
    });
  });

  it('answers a malformed AdmissionReview with 400 and the precise path, never an allow', async () => {
    const missingUid = review(podRequest(image('signed')));
    delete (missingUid.request as Partial<AdmissionRequest>).uid;
    expect(await post('/mutate', missingUid)).toEqual({ status: 400, body: { code: 'ERR_MALFORMED_REVIEW', path: 'request.uid', message: 'request.uid: is required' } });
    const badOperation = review({ ...podRequest(image('signed')), operation: 'PATCH' as never });
    expect((await post('/mutate', badOperation)).body).toMatchObject({ path: 'request.operation', message: 'request.operation: must be one of CREATE, UPDATE, DELETE, CONNECT, got "PATCH"' });
    expect((await post('/mutate', { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview' })).body).toMatchObject({ path: 'apiVersion' });
    const notJson = await post('/mutate', '{"apiVersion": ', true);
    expect(notJson.status).toBe(400);
    expect(JSON.stringify(notJson.body)).not.toContain('"allowed":true');
  });
});

describe('POST /validate', () => {
  it('passes the pod the mutating webhook pinned and annotated', async () => {
    const admission = podRequest(image('signed'));
    const mutated = await post('/mutate', review(admission));
    const object = applyPatch(admission.object!, decodePatch(mutated.body.response.patch));
    const { status, body } = await post('/validate', review({ ...admission, object }));
    expect(status).toBe(200);
    expect(body.response).toEqual({ uid: admission.uid, allowed: true });
  });

  const blocked = (message: string) => `\n\nresource Pod/default/test was blocked due to the following policies \n\ncheck-image-notary:\n  verify-signature-notary: ${message}\n`;
  const artifact = (tag: 'signed' | 'unsigned' | 'wrong-signer') => `${seed.repository}@${seed.images[tag].digest}`;
  const pinnedPod = (tag: 'signed' | 'unsigned' | 'wrong-signer', annotations?: Record<string, string>) => {
    const admission = podRequest(`${image(tag)}@${seed.images[tag].digest}`, { uid: `uid-validate-${tag}` });
    if (annotations) admission.object!.metadata = { ...admission.object!.metadata, annotations };
    return admission;
  };
  /** What a client writes on CREATE to look verified when the mutating webhook is skipped (kyverno#16336). */
  const forgedPass = (tag: 'signed' | 'unsigned' | 'wrong-signer') => ({
    'kyverno.io/verify-images-scoped': JSON.stringify({ version: 1, policies: { '/check-image-notary': { 'verify-signature-notary': { [artifact(tag)]: 'pass' } } } }),
  });

  it('denies an image without a digest: missing digest for <img>', async () => {
    const unpinned = await post('/validate', review(podRequest(image('signed'))));
    expect(unpinned.body.response.allowed).toBe(false);
    expect(unpinned.body.response.status).toEqual({ code: 403, message: blocked(`missing digest for ${image('signed')}`) });
  });

  it('passes a signed pinned image that carries no annotation: the tier verifies it', async () => {
    const { body } = await post('/validate', review(pinnedPod('signed')));
    expect(body.response).toEqual({ uid: 'uid-validate-signed', allowed: true });
  });

  it('denies an unsigned pinned image whose forged verify-images-scoped annotation claims pass', async () => {
    const { status, body } = await post('/validate', review(pinnedPod('unsigned', forgedPass('unsigned'))));
    expect(status).toBe(200);
    expect(body.response.allowed).toBe(false);
    expect(body.response.status).toEqual({
      code: 403,
      message: blocked(
        `'unverified image ${artifact('unsigned')}; .attestors[0].entries[0]: failed to verify ${artifact('unsigned')}: ` +
          `no signature is associated with "${artifact('unsigned')}", make sure the image was signed successfully; the annotation recording it as verified was not trusted'`,
      ),
    });
    const line = logLines.find((entry) => entry['requestId'] === 'uid-validate-unsigned' && entry['msg'] === 'validate: denied');
    expect(line?.['denial']).toContain('the annotation recording it as verified was not trusted');
  });

  it('denies a pinned image signed by a certificate the policy does not trust', async () => {
    const { body } = await post('/validate', review(pinnedPod('wrong-signer', forgedPass('wrong-signer'))));
    expect(body.response.allowed).toBe(false);
    expect(body.response.status?.code).toBe(403);
    expect(body.response.status?.message).toContain(`verify-signature-notary: |-\n    unverified image ${artifact('wrong-signer')}; .attestors[0].entries[0]: failed to verify ${artifact('wrong-signer')}: signature verification failed`);
    expect(body.response.status?.message).toContain('certificate chain does not contain any trusted certificate');
  });
});

describe('policy hot reload', () => {
  it('uses a new policy file for the next admission, and keeps the last good set when a file breaks', async () => {
    const admitMit = async () => (await post('/mutate', review(podRequest(image('mit'), { name: 'mit' })))).body.response;
    expect((await admitMit()).allowed).toBe(true);

    writeFileSync(join(policyDir, 'check-image-sbom-license.yaml'), seed.policies['check-image-sbom-license.yaml']!);
    const denied = await eventually(admitMit, (response) => !response.allowed);
    expect(denied.allowed).toBe(false);
    expect(denied.status?.message).toContain('check-image-attestation:');

    const broken = join(policyDir, 'zz-broken.yaml');
    writeFileSync(broken, 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: broken}\nspec:\n  rules:\n    - name: r\n      verifyImages:\n        - type: Notary\n          attestors: [{count: 5, entries: []}]\n');
    const readiness = await eventually(
      async () => JSON.parse((await get('/readyz')).text) as { checks: { name: string; detail?: string }[] },
      (report) => report.checks.some((check) => check.name === 'policies' && (check.detail ?? '').includes('last reload failed')),
    );
    const policies = readiness.checks.find((check) => check.name === 'policies')!;
    expect(policies.detail).toContain(`${broken}: spec.rules[0]`);
    expect(logLines.some((line) => line['level'] === 'error' && String(line['error']).startsWith(`${broken}: spec.rules[0]`))).toBe(true);
    // The last good set (both policies) still decides.
    expect((await admitMit()).allowed).toBe(false);
    expect((await post('/mutate', review(podRequest(image('signed'))))).body.response.allowed).toBe(true);

    unlinkSync(broken);
    unlinkSync(join(policyDir, 'check-image-sbom-license.yaml'));
    expect((await eventually(admitMit, (response) => response.allowed)).allowed).toBe(true);
  });
});

describe('ops endpoints on the HTTPS port', () => {
  it('/healthz is alive, /readyz lists the policy and ConfigMap sources', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'alive', service: 'gateway' });
    const ready = await eventually(() => get('/readyz'), (answer) => answer.status === 200);
    const report = JSON.parse(ready.text) as { status: string; checks: { name: string; ok: boolean }[] };
    expect(report.status).toBe('ready');
    expect(report.checks.map((check) => [check.name, check.ok])).toEqual([
      ['policies', true],
      ['configmaps', true],
    ]);
  });

  it('/metrics counts admissions by result, stage latencies, jobs and verifications', async () => {
    const { status, text } = await get('/metrics');
    expect(status).toBe(200);
    expect(text).toMatch(/notary_gate_admissions_total\{[^}]*webhook="mutate"[^}]*result="allowed"[^}]*\} [1-9]/);
    expect(text).toMatch(/notary_gate_admissions_total\{[^}]*webhook="mutate"[^}]*result="denied"[^}]*\} [1-9]/);
    expect(text).toMatch(/notary_gate_admissions_total\{[^}]*webhook="mutate"[^}]*result="error"[^}]*\} [1-9]/);
    expect(text).toMatch(/notary_gate_stage_duration_seconds_count\{[^}]*stage="mutate"[^}]*\} [1-9]/);
    expect(text).toMatch(/notary_gate_stage_duration_seconds_count\{[^}]*stage="policy_load"[^}]*\} [1-9]/);
    expect(text).toMatch(/notary_gate_job_duration_seconds_count\{[^}]*subject="notary.v1.verify"[^}]*\} [1-9]/);
    expect(text).toMatch(/notary_gate_verifications_total\{[^}]*outcome="verified"[^}]*\} [1-9]/);
    expect(text).toMatch(/notary_gate_verifications_total\{[^}]*outcome="failed"[^}]*\} [1-9]/);
  });

  it('logs each admission as one JSON line with the request id', async () => {
    await post('/mutate', review(podRequest(image('signed'), { uid: 'uid-logged' })));
    const line = logLines.find((entry) => entry['requestId'] === 'uid-logged' && entry['msg'] === 'mutate: allowed');
    expect(line).toMatchObject({ level: 'info', service: 'gateway', webhook: 'mutate', kind: 'Pod', allowed: true });
  });
});

describe('failurePolicy when the tier never answers', () => {
  let stuck: GatewayHandle;
  let agent: Agent;
  let stuckDir: string;
  let policy: string;

  beforeAll(async () => {
    stuckDir = mkdtempSync(join(tmpdir(), 'ng-gateway-stuck-'));
    // The seed policy with a 3 s webhook timeout (it has failurePolicy Fail).
    policy = seed.policies['check-image-notary.yaml']!.replace('    timeoutSeconds: 30\n', '    timeoutSeconds: 3\n');
    expect(policy).toContain('    failurePolicy: Fail\n    timeoutSeconds: 3\n');
    writeFileSync(join(stuckDir, 'policy.yaml'), policy);
    const never = () => new Promise<never>(() => undefined);
    stuck = await bootstrapGateway(loadGatewayConfig({ POLICY_DIR: stuckDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal' }), {
      messaging: MessagingModule.forRoot({ handlers: { discover: never, verify: never, evaluate: never } }),
      logger: new JsonLogger({ service: 'gateway', level: 'fatal' }),
    });
    agent = new Agent({ connect: { ca: stuck.certificate() } });
  });

  afterAll(async () => {
    await stuck?.close();
    await agent?.close();
    rmSync(stuckDir, { recursive: true, force: true });
  });

  it('denies within the policy timeout (Fail), naming the deadline that passed', async () => {
    const started = Date.now();
    const response = await request(`${stuck.url}/mutate`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(review(podRequest(image('signed')))) });
    const body = (await response.body.json()) as ReviewResponse;
    const elapsed = Date.now() - started;
    expect(body.response.allowed).toBe(false);
    // Jobs get a short grace past the request deadline, so the engine's deadline is the one that fires.
    expect(body.response.status?.code).toBe(403);
    expect(body.response.status?.message).toMatch(
      /^notary-gate: verification did not complete within the webhook timeout of 3s for Pod\/default\/test \(failurePolicy Fail\)$/,
    );
    expect(elapsed).toBeLessThan(3_000);
    expect(elapsed).toBeGreaterThanOrEqual(1_500);
  });

  it('Ignore: admits unverified with a warning naming the timeout', async () => {
    writeFileSync(join(stuckDir, 'policy.yaml'), policy.replace('failurePolicy: Fail', 'failurePolicy: Ignore'));
    const store = stuck.app.get(PolicyStore);
    await eventually(async () => store.current()[0]?.failurePolicy, (value) => value === 'Ignore');
    const response = await request(`${stuck.url}/mutate`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(review(podRequest(image('signed')))) });
    const body = (await response.body.json()) as ReviewResponse;
    expect(body.response.allowed).toBe(true);
    expect(body.response.patch).toBeUndefined();
    expect(body.response.warnings).toHaveLength(1);
    expect(body.response.warnings![0]).toMatch(/webhook timeout of 3s.*admitted unverified \(failurePolicy Ignore\)/);
    writeFileSync(join(stuckDir, 'policy.yaml'), policy);
    await eventually(async () => store.current()[0]?.failurePolicy, (value) => value === 'Fail');
  });

  it("answers before the API server's own shorter timeout (?timeout=2s)", async () => {
    const started = Date.now();
    const response = await request(`${stuck.url}/mutate?timeout=2s`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(review(podRequest(image('signed')))) });
    const body = (await response.body.json()) as ReviewResponse;
    expect(body.response.allowed).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('/validate asks the tier too: a recorded pass does not stand in for it, Fail denies at the deadline', async () => {
    const pinned = `${image('signed')}@${seed.images.signed.digest}`;
    const admission = podRequest(pinned);
    const recorded = { version: 1, policies: { '/check-image-notary': { 'verify-signature-notary': { [`${seed.repository}@${seed.images.signed.digest}`]: 'pass' } } } };
    admission.object!.metadata = { ...admission.object!.metadata, annotations: { 'kyverno.io/verify-images-scoped': JSON.stringify(recorded) } };
    const started = Date.now();
    const response = await request(`${stuck.url}/validate?timeout=2s`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(review(admission)) });
    const body = (await response.body.json()) as ReviewResponse;
    expect(body.response.allowed).toBe(false);
    expect(body.response.status?.message).toBe('notary-gate: verification did not complete within the webhook timeout of 3s for Pod/default/test (failurePolicy Fail)');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('a policy directory that never loaded', () => {
  it('denies admissions (no partial policy set decides anything) until the directory loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ng-gateway-broken-'));
    writeFileSync(join(dir, 'policy.yaml'), seed.policies['check-image-notary.yaml']!.replace('attestors:', 'attestors: [oops'));
    const broken = await bootstrapGateway(loadGatewayConfig({ POLICY_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal' }), {
      messaging: MessagingModule.forRoot({ handlers: handlersOf(workers) }),
      logger: new JsonLogger({ service: 'gateway', level: 'fatal' }),
    });
    const agent = new Agent({ connect: { ca: broken.certificate() } });
    try {
      const send = async () => {
        const response = await request(`${broken.url}/mutate`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(review(podRequest(image('unsigned')))) });
        return ((await response.body.json()) as ReviewResponse).response;
      };
      const denied = await send();
      expect(denied.allowed).toBe(false);
      expect(denied.status?.message).toMatch(new RegExp(`^notary-gate: the admission of Pod/default/test could not be decided: policies from ${dir} are not loaded \\(.*invalid YAML.*\\) \\(failurePolicy Fail\\)$`));
      writeFileSync(join(dir, 'policy.yaml'), seed.policies['check-image-notary.yaml']!);
      const store = broken.app.get(PolicyStore);
      await eventually(async () => store.current().length, (count) => count === 1);
      const decided = await send();
      expect(decided.allowed).toBe(false);
      expect(decided.status?.message).toContain('no signature is associated with');
    } finally {
      await broken.close();
      await agent.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('policies and ConfigMaps from the Kubernetes API', () => {
  let kube: FakeKubernetes;
  let inCluster: GatewayHandle;
  let agent: Agent;

  beforeAll(async () => {
    kube = await startFakeKubernetes();
    // The SBOM policy reads ConfigMap kyverno/keys through a `context` entry.
    const [keys] = parseAllDocuments(seed.configMapYaml).map((document) => document.toJS() as { metadata: { name: string; namespace: string }; data: Record<string, string> });
    kube.api.apply('/configmaps', { metadata: keys!.metadata, data: keys!.data });
    kube.api.apply('kyverno.io/clusterpolicies', parse(seed.policies['check-image-sbom-license.yaml']!) as Record<string, unknown>);
    const config = loadGatewayConfig({
      KUBERNETES_SERVICE_HOST: kube.host,
      KUBERNETES_SERVICE_PORT: String(kube.port),
      KUBERNETES_SERVICE_ACCOUNT_DIR: kube.serviceAccountDir,
      KUBERNETES_POLICIES: 'true',
      PORT: '0',
      HOST: '127.0.0.1',
      OPS_PORT: '0',
      OPS_HOST: '127.0.0.1',
      LOG_LEVEL: 'fatal',
    });
    inCluster = await bootstrapGateway(config, {
      messaging: MessagingModule.forRoot({ handlers: handlersOf(workers) }),
      logger: new JsonLogger({ service: 'gateway', level: 'fatal' }),
      opsServer: true,
    });
    agent = new Agent({ connect: { ca: inCluster.certificate() } });
  });

  afterAll(async () => {
    await inCluster?.close();
    await agent?.close();
    await kube?.stop();
  });

  const admit = async (tag: string) => {
    const response = await request(`${inCluster.url}/mutate`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(review(podRequest(image(tag)))) });
    return ((await response.body.json()) as ReviewResponse).response;
  };

  it('enforces a ClusterPolicy listed from the API, with its context ConfigMap read from the API', async () => {
    expect((await admit('signed')).allowed).toBe(true);
    const denied = await admit('mit');
    expect(denied.allowed).toBe(false);
    expect(denied.status?.message).toContain('check-image-attestation:\n  verify-attestation-notary: ');
    expect(kube.api.requests.map((entry) => entry.path)).toEqual(
      expect.arrayContaining(['/apis/kyverno.io/v1/clusterpolicies', '/apis/kyverno.io/v1/policies', '/api/v1/namespaces/kyverno/configmaps/keys']),
    );
    expect(kube.api.requests.every((entry) => entry.authorization === `Bearer ${FAKE_TOKEN}`)).toBe(true);
    // Watched, not polled: one list, then a watch from its resourceVersion.
    expect(kube.api.requests.filter((entry) => entry.path === '/apis/kyverno.io/v1/clusterpolicies').map((entry) => entry.query.get('watch'))).toEqual([null, 'true']);
  });

  it('serves the ops endpoints over plain HTTP too when asked (OPS_PORT)', async () => {
    const ready = await request(`${inCluster.opsUrl}/readyz`);
    expect(ready.statusCode).toBe(200);
    const report = (await ready.body.json()) as { checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.checks).toEqual([
      { name: 'policies', critical: true, ok: true, detail: '1 policies; policies from the Kubernetes API: loaded' },
      { name: 'kubernetes', critical: false, ok: true, detail: 'clusterpolicies.kyverno.io: synced; policies.kyverno.io: synced' },
    ]);
    const metricsText = await (await request(`${inCluster.opsUrl}/metrics`)).body.text();
    expect(metricsText).toMatch(/notary_gate_admissions_total\{[^}]*result="denied"[^}]*\} 1/);
    expect(metricsText).toMatch(/notary_gate_policies\{[^}]*state="loaded"[^}]*\} 1/);
    expect(metricsText).toMatch(/notary_gate_policies\{[^}]*state="refused"[^}]*\} 0/);
  });

  it('reads ConfigMaps with the in-cluster token and CA: found, missing, forbidden', async () => {
    const kubeConfig = loadKubeConfig({ inCluster: { host: kube.host, port: kube.port, serviceAccountDir: kube.serviceAccountDir } })!;
    const configMaps = new KubernetesConfigMaps(kubeConfig, 0);
    expect(await configMaps.get('kyverno', 'keys')).toMatchObject({ data: { certificate: expect.stringContaining('BEGIN CERTIFICATE') }, metadata: { name: 'keys', namespace: 'kyverno' } });
    expect(await configMaps.get('kyverno', 'absent')).toBeNull();
    kube.api.forbid('/configmaps');
    try {
      await expect(configMaps.get('kyverno', 'keys')).rejects.toMatchObject({ name: 'KubernetesApiError', status: 403, message: expect.stringMatching(/^get configmap kyverno\/keys: 403 Forbidden: configmaps is forbidden: /) });
    } finally {
      kube.api.allow('/configmaps');
    }
    // A name that would reshape the URL is never requested.
    expect(await configMaps.get('kyverno', '../../secrets/x')).toBeNull();
  });
});
