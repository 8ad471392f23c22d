/**
 * Issue "Done when": a worker that never answers makes the gateway apply the
 * policy's failurePolicy within the policy's timeout; Redis stopped mid-run
 * leaves admissions decided correctly; a verdict cached under one policy's
 * certificate is never reused under another's.
 */
import { connect, type NatsConnection } from 'nats';
import { QueueGroups, Subjects } from '@notary-gate/contracts';
import { startRedisServer, type RedisServer } from '../../../libs/cache/src/testing/redis-server';
import type { IssuedCertificate } from '@notary-gate/notary';
import type { WorkerHost } from '@notary-gate/worker-host';
import { podRequest } from '../../support/admission';
import type { ServeHandle } from '../../../apps/cli/src/commands/serve';
import { patchOf, review } from './support/review-client';
import { useSeedWorld, type SeedWorld } from './support/seed-world';
import { closeAll, isolation, LogSink, metricValue, NATS_URL, startGateway, startWorker, startWorkerTier } from './support/services';

let world: SeedWorld;

useSeedWorld((started) => (world = started));

const notaryPolicy = () => world.seed.policies['check-image-notary.yaml']!;

/** check-image-notary with another webhook timeout and failurePolicy. */
function withWebhook(yaml: string, failurePolicy: 'Fail' | 'Ignore', timeoutSeconds: number): string {
  return yaml.replace('failurePolicy: Fail', `failurePolicy: ${failurePolicy}`).replace('timeoutSeconds: 30', `timeoutSeconds: ${timeoutSeconds}`);
}

/** The same policy trusting another certificate (the PEM block replaced, indentation kept). */
function trusting(yaml: string, certificate: IssuedCertificate): string {
  return yaml.replace(/^( *)-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/m, (_block, indent: string) =>
    certificate.certificatePem
      .trim()
      .split('\n')
      .map((line) => indent + line)
      .join('\n'),
  );
}

/**
 * The deadline is the policy's 2 s minus the engine's margin; jobs get a small
 * grace beyond it, so the engine's deadline is the one that fires and names
 * the webhook timeout.
 */
const NAMES_THE_TIMEOUT = /verification did not complete within the webhook timeout of 2s/;

describe('a signature-verifier that never answers', () => {
  const names = isolation();
  const sink = new LogSink();
  let discovery: WorkerHost;
  let silent: NatsConnection;
  let fail: ServeHandle & { url: string };
  let ignore: ServeHandle & { url: string };
  let swallowed = 0;

  beforeAll(async () => {
    discovery = await startWorker('discovery', world, names, sink);
    // Subscribed in the verifier's queue group, takes every job, answers none (a hung replica).
    silent = await connect({ servers: NATS_URL, name: 'silent-verifier' });
    silent.subscribe(`${names.subjectPrefix}.${Subjects.verify}`, { queue: QueueGroups.verifier, callback: () => void swallowed++ });
    await silent.flush();
    [fail, ignore] = await Promise.all([
      startGateway(world, names, sink, { policyDir: world.policyDirWith({ 'notary.yaml': withWebhook(notaryPolicy(), 'Fail', 2) }) }),
      startGateway(world, names, sink, { policyDir: world.policyDirWith({ 'notary.yaml': withWebhook(notaryPolicy(), 'Ignore', 2) }) }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await closeAll(fail, ignore, discovery);
    await silent?.close();
  });

  it('failurePolicy Fail: denied within the 2 s timeout, naming it', async () => {
    const started = Date.now();
    const response = await review(fail.url, podRequest(world.image('signed')));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(2_000);
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(403);
    expect(response.status?.message).toMatch(NAMES_THE_TIMEOUT);
    expect(swallowed).toBeGreaterThan(0);
  });

  it('failurePolicy Ignore: allowed unpatched with a warning, within the 2 s timeout', async () => {
    const started = Date.now();
    const response = await review(ignore.url, podRequest(world.image('signed')));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response.allowed).toBe(true);
    expect(response.status).toBeUndefined();
    expect(patchOf(response).find((op) => op.path === '/spec/containers/0/image')).toBeUndefined();
    expect(response.warnings).toHaveLength(1);
    expect(response.warnings![0]).toMatch(NAMES_THE_TIMEOUT);
  });
});

describe('Redis stopped mid-run', () => {
  const names = isolation();
  const sink = new LogSink();
  let redis: RedisServer;
  let workers: WorkerHost[] = [];
  let gateway: ServeHandle & { url: string };

  beforeAll(async () => {
    redis = await startRedisServer();
    workers = await startWorkerTier(world, names, sink, { redisUrl: redis.url });
    gateway = await startGateway(world, names, sink, {
      policyDir: world.policyDirWith({ 'notary.yaml': notaryPolicy(), 'trivy-vex.yaml': world.seed.policies['check-image-trivy-vex.yaml']! }),
    });
  }, 30_000);

  afterAll(async () => {
    await closeAll(gateway, ...workers);
    await redis?.stop();
  });

  async function decideEverything(round: string): Promise<void> {
    const [signed, unsigned, vexGap] = await Promise.all(
      (['signed', 'unsigned', 'vex-gap'] as const).map((tag) => review(gateway.url, podRequest(world.image(tag), { uid: `${round}-${tag}` }))),
    );
    expect(signed!.allowed).toBe(true);
    expect(patchOf(signed!)).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${world.image('signed')}@${world.seed.images.signed.digest}` });
    expect(unsigned!.allowed).toBe(false);
    expect(unsigned!.status?.message).toContain(`no signature is associated with "${world.seed.repository}@${world.seed.images.unsigned.digest}"`);
    expect(vexGap!.allowed).toBe(false);
    expect(vexGap!.status?.message).toContain('All vulnerabilities in trivy and vex should be same');
  }

  it('keeps deciding admissions correctly, without the cache, and says so in /readyz', async () => {
    await decideEverything('before');
    const [discovery, verifier] = workers;
    expect(await metricValue(discovery!.metrics, 'notary_gate_cache_fills_total', { kind: 'tag' })).toBeGreaterThan(0);

    // Killed (SIGKILL) while admissions are in flight, then more admissions with Redis gone.
    world.registry.clearRequests();
    const started = Date.now();
    await Promise.all([decideEverything('during'), redis.kill()]);
    await decideEverything('without-redis');
    expect(Date.now() - started).toBeLessThan(5_000);
    // Without the cache the workers went back to the registry, and counted the outage.
    expect(world.registry.requests().some((entry) => entry.path.endsWith('/manifests/signed'))).toBe(true);
    expect(await metricValue(verifier!.metrics, 'notary_gate_cache_errors_total')).toBeGreaterThan(0);
    const ready = await fetch(`${verifier!.ops.url}/readyz`);
    expect(ready.status).toBe(200); // issue 9: a Redis outage degrades a worker (reported) but does not make it unready
    expect(((await ready.json()) as { checks: unknown[] }).checks).toContainEqual(expect.objectContaining({ name: 'redis', ok: false, critical: false }));

    // Redis back (empty): caching resumes, decisions unchanged.
    await redis.restart();
    await decideEverything('after');
  });
});

describe('verdict cache keys: a verdict cached under one certificate is never reused under another', () => {
  const names = isolation();
  const sink = new LogSink();
  let workers: WorkerHost[] = [];
  let trustsA: ServeHandle & { url: string };
  let trustsC: ServeHandle & { url: string };

  beforeAll(async () => {
    workers = await startWorkerTier(world, names, sink);
    [trustsA, trustsC] = await Promise.all([
      startGateway(world, names, sink, { policyDir: world.policyDirWith({ 'notary.yaml': notaryPolicy() }) }),
      startGateway(world, names, sink, { policyDir: world.policyDirWith({ 'notary.yaml': trusting(notaryPolicy(), world.seed.certC) }) }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await closeAll(trustsA, trustsC, ...workers);
  });

  it('shares one Redis, yet each policy gets the verdict of its own certificate', async () => {
    const verifier = workers[1]!;
    const verdictHits = () => metricValue(verifier.metrics, 'notary_gate_cache_requests_total', { kind: 'verdict', result: 'hit' });

    // Image signed with A: verified under A, then reused under A (a cache hit)…
    expect((await review(trustsA.url, podRequest(world.image('signed'), { uid: 'a-1' }))).allowed).toBe(true);
    const hitsAfterFirst = await verdictHits();
    expect((await review(trustsA.url, podRequest(world.image('signed'), { uid: 'a-2' }))).allowed).toBe(true);
    expect(await verdictHits()).toBeGreaterThan(hitsAfterFirst);

    // …but never under C: denied with the untrusted-chain failure, and no verdict hit.
    const hitsBeforeC = await verdictHits();
    const underC = await review(trustsC.url, podRequest(world.image('signed'), { uid: 'c-1' }));
    expect(underC.allowed).toBe(false);
    expect(underC.status?.message).toContain("the signature's certificate chain does not contain any trusted certificate");
    expect(await verdictHits()).toBe(hitsBeforeC);

    // And the other way round: the image signed with C passes under C and fails under A.
    expect((await review(trustsC.url, podRequest(world.image('wrong-signer'), { uid: 'c-2' }))).allowed).toBe(true);
    const underA = await review(trustsA.url, podRequest(world.image('wrong-signer'), { uid: 'a-3' }));
    expect(underA.allowed).toBe(false);
    expect(underA.status?.message).toContain("the signature's certificate chain does not contain any trusted certificate");
  });
});
