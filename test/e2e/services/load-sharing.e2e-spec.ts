/**
 * Issue "Done when": replicas of a worker share one queue group's load, a
 * replica stopped mid-load loses no admission, and a burst of admissions of
 * one uncached image reaches the registry once — one tag resolution, one
 * fetch of each signature — counted in the registry's own access log.
 */
import type { WorkerHost } from '@notary-gate/worker-host';
import { RegistryClient } from '@notary-gate/oci';
import { podRequest } from '../../support/admission';
import type { ServeHandle } from '../../../apps/cli/src/commands/serve';
import { patchOf, review, type ReviewResponse } from './support/review-client';
import { useSeedWorld, type SeedWorld } from './support/seed-world';
import { closeAll, isolation, LogSink, metricValue, startGateway, startWorker } from './support/services';

let world: SeedWorld;

useSeedWorld((started) => (world = started));

const verifyJobs = (worker: WorkerHost) => metricValue(worker.metrics, 'notary_gate_job_handler_duration_seconds_count', { subject: 'notary.v1.verify' });

/** The outcome the seed states for `tag` under check-image-notary. */
function expectSeedOutcome(response: ReviewResponse, tag: 'signed' | 'unsigned'): void {
  if (tag === 'signed') {
    expect(response.allowed).toBe(true);
    expect(patchOf(response)).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${world.image('signed')}@${world.seed.images.signed.digest}` });
  } else {
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(403);
    expect(response.status?.message).toContain(`no signature is associated with "${world.seed.repository}@${world.seed.images.unsigned.digest}"`);
  }
}

describe('two signature-verifier replicas in one queue group', () => {
  const names = isolation();
  const sink = new LogSink();
  let discovery: WorkerHost, evaluator: WorkerHost, first: WorkerHost, second: WorkerHost;
  let gateway: ServeHandle & { url: string };

  beforeAll(async () => {
    [discovery, evaluator, first, second] = await Promise.all([
      startWorker('discovery', world, names, sink),
      startWorker('evaluator', world, names, sink),
      startWorker('verifier', world, names, sink),
      startWorker('verifier', world, names, sink),
    ]);
    gateway = await startGateway(world, names, sink, { policyDir: world.policyDirWith({ 'notary.yaml': world.seed.policies['check-image-notary.yaml']! }) });
  }, 30_000);

  afterAll(async () => {
    await closeAll(gateway, discovery, evaluator, first, second);
  });

  it('share the load: both handle jobs', async () => {
    const tags = Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? 'signed' : 'unsigned') as 'signed' | 'unsigned');
    const responses = await Promise.all(tags.map((tag, index) => review(gateway.url, podRequest(world.image(tag), { uid: `share-${index}` }))));
    responses.forEach((response, index) => expectSeedOutcome(response, tags[index]!));
    const [a, b] = [await verifyJobs(first), await verifyJobs(second)];
    expect(a + b).toBeGreaterThanOrEqual(40);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  it('stopping one mid-load loses no admission', async () => {
    const before = { first: await verifyJobs(first), second: await verifyJobs(second) };
    // A steady stream of admissions for ~1 s; the first replica stops (SIGTERM-style drain) in the middle of it.
    const inFlight: Promise<[ReviewResponse, 'signed' | 'unsigned']>[] = [];
    let stopped: Promise<void> | undefined;
    for (let wave = 0; wave < 20; wave++) {
      for (let index = 0; index < 5; index++) {
        const tag = (wave + index) % 2 === 0 ? 'signed' : 'unsigned';
        inFlight.push(review(gateway.url, podRequest(world.image(tag), { uid: `stop-${wave}-${index}` })).then((response) => [response, tag]));
      }
      if (wave === 8) stopped = first.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const settled = await Promise.all(inFlight);
    await stopped;
    expect(settled).toHaveLength(100);
    for (const [response, tag] of settled) expectSeedOutcome(response, tag);
    // The stopped replica had taken work before it went; the survivor took the rest.
    expect(await verifyJobs(first)).toBeGreaterThan(before.first);
    expect(await verifyJobs(second)).toBeGreaterThan(before.second);
    expect(first.server.isConnected()).toBe(false);
    expect(sink.lines).toContainEqual(expect.objectContaining({ service: 'signature-verifier', msg: 'signature-verifier stopped' }));
  });
});

describe('200 concurrent admissions of one uncached image', () => {
  const names = isolation(); // a fresh Redis key prefix: nothing of this image is cached
  const sink = new LogSink();
  let workers: WorkerHost[] = [];
  let gateways: (ServeHandle & { url: string })[] = [];

  beforeAll(async () => {
    // Two replicas of every worker and two gateways: the fill is shared across processes through Redis, not only in-process.
    // Eight services share this one test process, and the gateways' near-cache is off here (every admission's job
    // reaches the tier). Under the burst, a Redis reply can wait longer than the 500 ms default on this process's busy
    // event loop; the store then takes Redis for unavailable and fills without the lock (its designed fail-open), which
    // fetches twice. A worker in its own process meets no such wait; the coalescing under test is the lock's.
    const env = { REDIS_COMMAND_TIMEOUT: '5s' };
    workers = await Promise.all((['discovery', 'discovery', 'verifier', 'verifier', 'evaluator', 'evaluator'] as const).map((role) => startWorker(role, world, names, sink, { env })));
    const policyDir = world.policyDirWith({ 'notary.yaml': world.seed.policies['check-image-notary.yaml']! });
    gateways = await Promise.all([0, 1].map(() => startGateway(world, names, sink, { policyDir })));
  }, 30_000);

  afterAll(async () => {
    await closeAll(...gateways, ...workers);
  });

  it('cause exactly one tag resolution and one fetch of each signature at the registry', async () => {
    world.registry.clearRequests();
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, index) => review(gateways[index % 2]!.url, podRequest(world.image('signed'), { uid: `burst-${index}`, name: `burst-${index}` }))),
    );
    for (const response of responses) expectSeedOutcome(response, 'signed');
    const seen = world.registry.requests();

    // What the registry holds for the image: its signatures (referrers) and their envelopes.
    const client = new RegistryClient({ insecureRegistries: [world.registry.host] });
    const repository = client.repository(world.seed.repository);
    const signatures = (await repository.fetchReferrers(world.seed.images.signed.digest, { artifactType: 'application/vnd.cncf.notary.signature' })).referrers;
    await client.close();
    expect(signatures.length).toBeGreaterThan(0);

    const count = (path: string, methods: string[] = ['GET', 'HEAD']) => seen.filter((entry) => entry.path === path && methods.includes(entry.method)).length;
    const base = `/v2/${world.seed.repository.slice(world.registry.host.length + 1)}`;
    expect(count(`${base}/manifests/signed`)).toBe(1);
    for (const signature of signatures) {
      expect(count(`${base}/manifests/${signature.descriptor.digest}`)).toBe(1);
      for (const layer of 'layers' in signature.manifest.manifest ? signature.manifest.manifest.layers : []) expect(count(`${base}/blobs/${layer.digest}`)).toBe(1);
    }
    // Nothing at all was asked twice.
    const repeated = Object.entries(
      seen.reduce<Record<string, number>>((tally, entry) => ({ ...tally, [`${entry.method} ${entry.path}`]: (tally[`${entry.method} ${entry.path}`] ?? 0) + 1 }), {}),
    ).filter(([, times]) => times > 1);
    expect(repeated).toEqual([]);
  });
});
