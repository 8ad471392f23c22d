/**
 * Per-cluster registry credentials through the real gateway HTTP path (issue
 * 9 §3): an htpasswd-protected registry (Debian's docker-registry) holding the
 * seed's signed image, the gateway outside a cluster (KUBECONFIG) against the
 * in-test Kubernetes API serving Secrets, the real workers with no
 * credentials of their own. A pod is admitted only when it names a pull
 * secret with the right credentials; without one, or with wrong ones, the
 * denial names the authentication failure (not "no signature"); a pull secret
 * that does not exist follows failurePolicy naming it. A policy's
 * `imageRegistryCredentials.secrets` are read from the gateway's own
 * namespace and replace the pod's pull secrets for that rule.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { AdmissionRequest } from '@notary-gate/admission';
import { MessagingModule } from '@notary-gate/messaging';
import { RegistryClient } from '@notary-gate/oci';
import { JsonLogger } from '@notary-gate/service';
import { createWorkers, type Workers } from '@notary-gate/workers';
import { handlersOf } from '../../support/worker-handlers';
import { parse, stringify } from 'yaml';
import { bootstrapGateway, loadGatewayConfig, type GatewayHandle } from '../../../apps/gateway/src';
import { buildSeedImages, pushImage, seedSigner, type SeedImages } from '../../fixtures/seed-images';
import { podRequest } from '../../support/admission';
import { freePort, REGISTRY_BINARY } from '../../support/registry';
import { KubeApiServer } from './kube-api-server';

const EAST = { username: 'east', password: 'east-pw-never-logged' };
const GATEWAY_NAMESPACE = 'notary-gate';
const POD_NAMESPACE = 'team';

let work: string;
let registry: ChildProcess;
let host: string;
let seed: SeedImages;
let workers: Workers;
let api: KubeApiServer;
let gateway: GatewayHandle;
let https: Agent;

const base64 = (text: string) => Buffer.from(text).toString('base64');
/** A `kubernetes.io/dockerconfigjson` Secret; `key` as users write it (scheme, path, …). */
const dockerConfigJson = (name: string, namespace: string, key: string, credential: { username: string; password: string }) => ({
  metadata: { name, namespace },
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': base64(JSON.stringify({ auths: { [key]: { auth: base64(`${credential.username}:${credential.password}`) } } })) },
});
/** The legacy `kubernetes.io/dockercfg` Secret. */
const dockerCfg = (name: string, namespace: string, key: string, credential: { username: string; password: string }) => ({
  metadata: { name, namespace },
  type: 'kubernetes.io/dockercfg',
  data: { '.dockercfg': base64(JSON.stringify({ [key]: { username: credential.username, password: credential.password } })) },
});

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ng-pull-secrets-'));
  const bcrypt = execFileSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', EAST.password], { encoding: 'utf8' }).trim();
  writeFileSync(join(work, 'htpasswd'), `${EAST.username}:${bcrypt}\n`);
  host = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    join(work, 'registry.yml'),
    ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(work, 'data')}`, 'auth:', '  htpasswd:', '    realm: notary-gate-test', `    path: ${join(work, 'htpasswd')}`, 'http:', `  addr: ${host}`, ''].join('\n'),
  );
  registry = spawn(REGISTRY_BINARY, ['serve', join(work, 'registry.yml')], { stdio: 'ignore' });
  for (let attempt = 0; ; attempt++) {
    const answer = await fetch(`http://${host}/v2/`).catch(() => undefined);
    if (answer?.status === 401) break;
    if (attempt > 100) throw new Error('htpasswd registry did not start');
    await sleep(50);
  }
  const publisher = new RegistryClient({ insecureRegistries: [host], credentials: () => EAST });
  seed = await buildSeedImages(host, publisher);
  // The same signer's image in a repository whose policy names its own credentials.
  const policyRepository = publisher.repository(`${host}/policy-creds/app`);
  await seedSigner(policyRepository).sign(await pushImage(policyRepository, 'signed'), seed.certA);
  await publisher.close();

  // The tier: no credentials of its own.
  workers = createWorkers({ registry: { insecureRegistries: [host], retry: { attempts: 1 } } });
  api = await KubeApiServer.start();
  api.apply('/secrets', dockerConfigJson('east-creds', POD_NAMESPACE, `http://${host}/v1/`, EAST));
  api.apply('/secrets', dockerCfg('wrong-creds', POD_NAMESPACE, host, { username: EAST.username, password: 'not-the-password' }));
  api.apply('/secrets', dockerConfigJson('other-registry', POD_NAMESPACE, 'registry.other.test', EAST));
  api.apply('/secrets', { metadata: { name: 'opaque', namespace: POD_NAMESPACE }, type: 'Opaque', data: { token: base64('x') } });

  const policyDir = join(work, 'policies');
  mkdirSync(policyDir);
  writeFileSync(join(policyDir, 'check-image-notary.yaml'), seed.policies['check-image-notary.yaml']!);
  const withOwnCredentials = parse(seed.policies['check-image-notary.yaml']!) as { metadata: { name: string }; spec: { rules: { verifyImages: Record<string, unknown>[] }[] } };
  withOwnCredentials.metadata.name = 'check-policy-creds';
  const entry = withOwnCredentials.spec.rules[0]!.verifyImages[0]!;
  entry['imageReferences'] = [`${host}/policy-creds/*`];
  entry['imageRegistryCredentials'] = { secrets: ['tier-creds'] };
  writeFileSync(join(policyDir, 'check-policy-creds.yaml'), stringify(withOwnCredentials));
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeConfigYaml());

  const config = loadGatewayConfig({
    POLICY_DIR: policyDir,
    KUBECONFIG: kubeconfig,
    KUBERNETES_CONFIGMAPS: 'false',
    POD_NAMESPACE: GATEWAY_NAMESPACE,
    // Secrets change during the test: read on every admission.
    KUBERNETES_SECRET_TTL: '0s',
    PORT: '0',
    HOST: '127.0.0.1',
    RESCAN_INTERVAL: '0s',
    LOG_LEVEL: 'fatal',
  });
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
  registry?.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
});

type Response = { allowed: boolean; status?: { message: string }; patch?: string; warnings?: string[] };

async function admit(admission: AdmissionRequest, webhook: 'mutate' | 'validate' = 'mutate'): Promise<Response> {
  const answer = await request(`${gateway.url}/${webhook}`, {
    dispatcher: https,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: admission }),
  });
  return ((await answer.body.json()) as { response: Response }).response;
}

function pod(image: string, pullSecrets: string[], uid: string): AdmissionRequest {
  const admission = podRequest(image, { namespace: POD_NAMESPACE, uid, name: uid });
  (admission.object as { spec: Record<string, unknown> }).spec['imagePullSecrets'] = pullSecrets.map((name) => ({ name }));
  return admission;
}

const signed = () => `${host}/kyverno/test-verify-image:signed`;
const AUTH_FAILURE = /: authentication required or credentials rejected \(HTTP 401\)/;

describe('pod imagePullSecrets', () => {
  it('admits the signed image when the pod names a pull secret with the right credentials, pinning the verified digest', async () => {
    const answer = await admit(pod(signed(), ['east-creds'], 'right'));
    expect(answer.allowed).toBe(true);
    const patch = JSON.parse(Buffer.from(answer.patch ?? '', 'base64').toString('utf8')) as { path: string; value: unknown }[];
    expect(patch).toContainEqual(expect.objectContaining({ path: '/spec/containers/0/image', value: `${signed()}@${seed.images.signed.digest}` }));
    expect(api.requests.some((entry) => entry.path === `/api/v1/namespaces/${POD_NAMESPACE}/secrets/east-creds`)).toBe(true);
    // The validating phase reads the protected registry with the same credentials.
    const pinned = pod(`${signed().replace(/:signed$/, '')}@${seed.images.signed.digest}`, ['east-creds'], 'right-validate');
    expect((await admit(pinned, 'validate')).allowed).toBe(true);
  });

  it.each([
    ['no pull secret', [] as string[]],
    ['a pull secret with the wrong password (legacy dockercfg)', ['wrong-creds']],
    ['a pull secret for another registry only', ['other-registry']],
  ])('denies with %s, naming the authentication failure, not a missing signature', async (_title, secrets) => {
    const answer = await admit(pod(signed(), secrets, `deny-${secrets.join('-') || 'none'}`));
    expect(answer.allowed).toBe(false);
    expect(answer.status?.message).toMatch(AUTH_FAILURE);
    expect(answer.status?.message).not.toContain('no signature is associated');
    expect(JSON.stringify(answer)).not.toMatch(/not-the-password|east-pw-never-logged/);
  });

  it('a pull secret that does not exist, or is no docker config: failurePolicy (Fail) denies, naming it', async () => {
    const missing = await admit(pod(signed(), ['east-creds', 'nope'], 'missing'));
    expect(missing.allowed).toBe(false);
    expect(missing.status?.message).toContain(`image pull secret "${POD_NAMESPACE}/nope" unavailable: not found`);
    const opaque = await admit(pod(signed(), ['opaque'], 'opaque'));
    expect(opaque.allowed).toBe(false);
    expect(opaque.status?.message).toContain(`image pull secret "${POD_NAMESPACE}/opaque" unavailable: is of type "Opaque", not kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg`);
  });

  it('a Secret the gateway may not read (403): failurePolicy, naming the Secret and the cause', async () => {
    api.forbid('/secrets');
    try {
      const answer = await admit(pod(signed(), ['east-creds'], 'forbidden'));
      expect(answer.allowed).toBe(false);
      expect(answer.status?.message).toContain(`image pull secret "${POD_NAMESPACE}/east-creds" unavailable: get secret ${POD_NAMESPACE}/east-creds: 403 Forbidden`);
    } finally {
      api.allow('/secrets');
    }
  });
});

describe("a policy's imageRegistryCredentials", () => {
  const policyImage = () => `${host}/policy-creds/app:signed`;

  it("uses only the policy's secrets, read from the gateway's namespace; the pod's pull secrets are not used", async () => {
    api.apply('/secrets', dockerConfigJson('tier-creds', GATEWAY_NAMESPACE, host, EAST));
    expect((await admit(pod(policyImage(), [], 'policy-right'))).allowed).toBe(true);
    expect(api.requests.some((entry) => entry.path === `/api/v1/namespaces/${GATEWAY_NAMESPACE}/secrets/tier-creds`)).toBe(true);

    // Wrong credentials in the policy's secret: denied, although the pod names a right pull secret.
    api.apply('/secrets', dockerConfigJson('tier-creds', GATEWAY_NAMESPACE, host, { username: EAST.username, password: 'stale' }));
    const wrong = await admit(pod(policyImage(), ['east-creds'], 'policy-wrong'));
    expect(wrong.allowed).toBe(false);
    expect(wrong.status?.message).toMatch(AUTH_FAILURE);
  });

  it("a policy secret missing from the gateway's namespace: failurePolicy (Fail) denies, naming it (Kyverno would verify anonymously)", async () => {
    api.delete('/secrets', 'tier-creds', GATEWAY_NAMESPACE);
    const answer = await admit(pod(policyImage(), ['east-creds'], 'policy-missing'));
    expect(answer.allowed).toBe(false);
    expect(answer.status?.message).toContain(`imageRegistryCredentials secret "${GATEWAY_NAMESPACE}/tier-creds" unavailable: not found`);
  });
});
