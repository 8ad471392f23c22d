/**
 * Issue 9 §3, "several clusters, one tier": two gateways, CLUSTER_NAME
 * cluster-a and cluster-b, each with its own policy directory and its own
 * (in-test) Kubernetes API, in front of ONE tier — discovery,
 * signature-verifier and attestation-evaluator workers on the real NATS and
 * Redis, one tier key — that holds no registry credentials of its own. The
 * seed's images live in an htpasswd-protected registry (Debian's
 * docker-registry). Both clusters hold a pull secret of the same name:
 * cluster-a's has the right password, cluster-b's a wrong one.
 *
 * What must hold: cluster-a admits and pins the signed image; cluster-b,
 * asking the same tier for the same tag right after, is denied for the
 * authentication failure — it is not served what cluster-a's credentials
 * fetched (tag resolution, referrer list, and through them the verdict);
 * each gateway applies its own policies only; no credential reaches any log
 * line of any process.
 *
 * Not asserted here: a pod naming the image by digest. Verdicts (digest +
 * anchors) are shared across clusters by design (issue 9 §3), so cluster-b is
 * then admitted on cluster-a's verdict without reading the registry.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdmissionRequest } from '@notary-gate/admission';
import { RegistryClient } from '@notary-gate/oci';
import type { WorkerHost, WorkerRole } from '@notary-gate/worker-host';
import { parse, stringify } from 'yaml';
import { startServe, type ServeHandle } from '../../../apps/cli/src/commands/serve';
import { buildSeedImages, type SeedImages } from '../../fixtures/seed-images';
import { podRequest } from '../../support/admission';
import { freePort, REGISTRY_BINARY } from '../../support/registry';
import { KubeApiServer } from '../gateway/kube-api-server';
import { closeReviewClient, patchOf, review } from './support/review-client';
import { closeAll, isolation, LogSink, NATS_URL, REDIS_URL, suiteEnvironment } from './support/services';
import type { SeedWorld } from './support/seed-world';

const RIGHT = { username: 'tenant', password: 'right-pw-never-logged' };
const WRONG = { username: 'tenant', password: 'wrong-pw-never-logged' };
const POD_NAMESPACE = 'team';
/** The same Secret name in both clusters, different contents: only the cluster tells them apart. */
const PULL_SECRET = 'registry-creds';
const AUTH_FAILURE = /: authentication required or credentials rejected \(HTTP 401\)/;

const base64 = (text: string) => Buffer.from(text).toString('base64');

let work: string;
let registry: ChildProcess;
let host: string;
let seed: SeedImages;
const names = isolation();
const sink = new LogSink();
let workers: WorkerHost[] = [];
const apis: Partial<Record<Cluster, KubeApiServer>> = {};
const gateways: Partial<Record<Cluster, ServeHandle & { url: string }>> = {};

type Cluster = 'cluster-a' | 'cluster-b';

const signed = () => `${host}/kyverno/test-verify-image:signed`;
const unsigned = () => `${host}/kyverno/test-verify-image:unsigned`;

/** The seed's notary policy under another name, covering `references`. */
function notaryPolicy(name: string, references: string[]): string {
  const policy = parse(seed.policies['check-image-notary.yaml']!) as { metadata: { name: string }; spec: { rules: { verifyImages: Record<string, unknown>[] }[] } };
  policy.metadata.name = name;
  policy.spec.rules[0]!.verifyImages[0]!['imageReferences'] = references;
  return stringify(policy);
}

function pullSecret(credential: { username: string; password: string }) {
  return {
    metadata: { name: PULL_SECRET, namespace: POD_NAMESPACE },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': base64(JSON.stringify({ auths: { [host]: { auth: base64(`${credential.username}:${credential.password}`) } } })) },
  };
}

/** The services suites' common environment (isolated prefixes, the tier key, no docker config); it reads nothing of the world. */
const worldEnvironment = (extra: Record<string, string>) => suiteEnvironment({} as SeedWorld, names, extra);

async function startClusterGateway(cluster: Cluster, policies: Record<string, string>, credential: { username: string; password: string }) {
  const api = (apis[cluster] = await KubeApiServer.start());
  api.apply('/secrets', pullSecret(credential));
  const directory = join(work, cluster);
  mkdirSync(join(directory, 'policies'), { recursive: true });
  for (const [file, text] of Object.entries(policies)) writeFileSync(join(directory, 'policies', file), text);
  writeFileSync(join(directory, 'kubeconfig'), api.kubeConfigYaml());
  const served = await startServe(
    { role: 'gateway', natsUrl: NATS_URL, policies: join(directory, 'policies'), port: '0', insecureRegistry: [], clusterName: cluster },
    worldEnvironment({
      KUBECONFIG: join(directory, 'kubeconfig'),
      KUBERNETES_CONFIGMAPS: 'false',
      POD_NAMESPACE: 'notary-gate',
      KUBERNETES_SECRET_TTL: '0s',
      // Any credential that slipped into a log line would show at the most talkative level.
      LOG_LEVEL: 'debug',
    }),
    sink,
  );
  gateways[cluster] = Object.assign(served, { url: served.gateway!.url });
}

async function startTierWorker(role: WorkerRole): Promise<WorkerHost> {
  const served = await startServe({ role, natsUrl: NATS_URL, redisUrl: REDIS_URL, insecureRegistry: [host] }, worldEnvironment({ LOG_LEVEL: 'debug' }), sink);
  return served.workers[0]!;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ng-two-clusters-'));
  // bcrypt at its lowest cost (2^4): the registry checks it on every request, and the default 2^12 costs ~0.25 s each.
  const hash = execFileSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', RIGHT.password], {
    encoding: 'utf8',
  }).trim();
  writeFileSync(join(work, 'htpasswd'), `${RIGHT.username}:${hash}\n`);
  host = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    join(work, 'registry.yml'),
    ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(work, 'data')}`, 'auth:', '  htpasswd:', '    realm: notary-gate-test', `    path: ${join(work, 'htpasswd')}`, 'http:', `  addr: ${host}`, ''].join('\n'),
  );
  registry = spawn(REGISTRY_BINARY, ['serve', join(work, 'registry.yml')], { stdio: 'ignore' });
  for (let attempt = 0; ; attempt++) {
    if ((await fetch(`http://${host}/v2/`).catch(() => undefined))?.status === 401) break;
    if (attempt > 100) throw new Error('htpasswd registry did not start');
    await sleep(50);
  }
  const publisher = new RegistryClient({ insecureRegistries: [host], credentials: () => RIGHT });
  try {
    seed = await buildSeedImages(host, publisher);
  } finally {
    await publisher.close();
  }

  // One tier, no credentials of its own (the services helpers point DOCKER_CONFIG at nothing).
  workers = await Promise.all((['discovery', 'verifier', 'evaluator'] as const).map(startTierWorker));
  await Promise.all([
    // cluster-a requires the signature on every tag of the repository.
    startClusterGateway('cluster-a', { 'cluster-a-notary.yaml': notaryPolicy('cluster-a-notary', [`${host}/kyverno/test-verify-image*`]) }, RIGHT),
    // cluster-b only on the `signed` tag: its `unsigned` tag is none of its policies' business.
    startClusterGateway('cluster-b', { 'cluster-b-notary.yaml': notaryPolicy('cluster-b-notary', [`${host}/kyverno/test-verify-image:signed*`]) }, WRONG),
  ]);
}, 60_000);

afterAll(async () => {
  await closeAll(gateways['cluster-a'], gateways['cluster-b'], ...workers);
  await closeReviewClient();
  for (const api of Object.values(apis)) await api.stop();
  registry?.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
});

function pod(image: string, uid: string): AdmissionRequest {
  const admission = podRequest(image, { namespace: POD_NAMESPACE, uid, name: uid });
  (admission.object as { spec: Record<string, unknown> }).spec['imagePullSecrets'] = [{ name: PULL_SECRET }];
  return admission;
}

const admit = (cluster: Cluster, image: string, uid: string) => review(gateways[cluster]!.url, pod(image, uid));

describe('two clusters, one tier, per-cluster registry credentials', () => {
  it('cluster-a admits and pins the signed image; cluster-b, asking the same tier right after, is denied for its credentials, not served cluster-a’s results', async () => {
    const a = await admit('cluster-a', signed(), 'a-signed');
    expect(a.allowed).toBe(true);
    expect(patchOf(a)).toContainEqual(expect.objectContaining({ path: '/spec/containers/0/image', value: `${signed()}@${seed.images.signed.digest}` }));
    expect(apis['cluster-a']!.requests.some((entry) => entry.path === `/api/v1/namespaces/${POD_NAMESPACE}/secrets/${PULL_SECRET}`)).toBe(true);

    // The same tag, the same tier, its caches warm with cluster-a's tag resolution and referrer list.
    const b = await admit('cluster-b', signed(), 'b-signed');
    expect(b.allowed).toBe(false);
    expect(b.status?.message).toMatch(AUTH_FAILURE);
    expect(b.status?.message).not.toContain('no signature is associated');
    expect(b.status?.message).toContain('cluster-b-notary');
    expect(b.status?.message).not.toContain('cluster-a-notary');
    expect(apis['cluster-b']!.requests.some((entry) => entry.path === `/api/v1/namespaces/${POD_NAMESPACE}/secrets/${PULL_SECRET}`)).toBe(true);

    // cluster-b's failure poisoned nothing for cluster-a.
    expect((await admit('cluster-a', signed(), 'a-signed-again')).allowed).toBe(true);
  });

  it('each gateway applies only its own policies', async () => {
    // cluster-a's policy covers `unsigned`: read with the right credentials, it has no signature.
    const a = await admit('cluster-a', unsigned(), 'a-unsigned');
    expect(a.allowed).toBe(false);
    expect(a.status?.message).toContain('cluster-a-notary');
    expect(a.status?.message).not.toMatch(AUTH_FAILURE);
    // No policy of cluster-b covers it: admitted untouched, whatever its credentials.
    const b = await admit('cluster-b', unsigned(), 'b-unsigned');
    expect(b.allowed).toBe(true);
    expect(patchOf(b)).toEqual([]);
  });

  it('every gateway log line names its cluster, and no credential appears in any log line of any process', () => {
    const gatewayLines = sink.lines.filter((line) => line['service'] === 'gateway');
    expect(gatewayLines).toContainEqual(expect.objectContaining({ cluster: 'cluster-b', requestId: 'b-signed', msg: 'mutate: denied' }));
    expect(gatewayLines).toContainEqual(expect.objectContaining({ cluster: 'cluster-a', requestId: 'a-unsigned', msg: 'mutate: denied' }));
    expect(gatewayLines.every((line) => line['cluster'] === 'cluster-a' || line['cluster'] === 'cluster-b')).toBe(true);
    expect(sink.lines.some((line) => line['service'] !== 'gateway')).toBe(true);
    const everything = JSON.stringify(sink.lines);
    for (const credential of [RIGHT, WRONG]) {
      expect(everything).not.toContain(credential.password);
      expect(everything).not.toContain(base64(`${credential.username}:${credential.password}`));
    }
  });
});
