/**
 * The gateway's near-cache in front of a real (in-process) jobs port whose
 * handlers count what reaches the tier: what is kept, for how long, under
 * which key, and what is never kept.
 */
import { JobErrorCodes, JobFailure, type DiscoverReply, type DiscoverRequest, type EvaluateRequest, type VerifyReply, type VerifyRequest } from '@notary-gate/contracts';
import { InProcessJobsPort } from './in-process-jobs-port';
import type { JobHandlers } from './job-handlers';
import { NearCacheJobsPort } from './near-cache-jobs-port';
import { rejectionOf, within } from './test-support';

const digest = `sha256:${'c'.repeat(64)}`;
const discovered: DiscoverReply = { repository: 'registry.test/app', descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 10 }, referrers: {} };
const verified: VerifyReply = { verified: true, digest, signatureDigest: `sha256:${'d'.repeat(64)}` };
const unsigned: VerifyReply = { verified: false, digest, message: 'no signature is associated with "registry.test/app@…"', code: 'ERR_NO_SIGNATURE' };
const discoverJob: DiscoverRequest = { image: 'registry.test/app:v1' };
const verifyJob: VerifyRequest = { artifact: `registry.test/app@${digest}`, trustAnchorsPem: 'PEM-A', maxSignatureAttempts: 10 };

interface Tier {
  calls: { discover: number; verify: number; evaluate: number };
  handlers: JobHandlers;
}

/** Handlers counting the jobs that reach them, answering with `answers` (a function of the request). */
function tier(answers: { discover?: (job: DiscoverRequest) => Promise<DiscoverReply>; verify?: (job: VerifyRequest) => Promise<VerifyReply> } = {}): Tier {
  const calls = { discover: 0, verify: 0, evaluate: 0 };
  return {
    calls,
    handlers: {
      discover: async (job) => (calls.discover++, (answers.discover ?? (async () => discovered))(job)),
      verify: async (job) => (calls.verify++, (answers.verify ?? (async () => verified))(job)),
      evaluate: async () => (calls.evaluate++, { attestations: [] }),
    },
  };
}

function nearCache(handlers: JobHandlers, options: ConstructorParameters<typeof NearCacheJobsPort>[1] = {}) {
  let now = 1_000_000;
  const port = new NearCacheJobsPort(new InProcessJobsPort(handlers), { now: () => now, ...options });
  return { port, advance: (ms: number) => void (now += ms) };
}

describe('NearCacheJobsPort', () => {
  it('answers a repeated discover and a positive verdict from memory until the TTL passes', async () => {
    const { calls, handlers } = tier();
    const { port, advance } = nearCache(handlers, { ttlMs: 5_000, refreshAheadMs: 0 });
    for (let i = 0; i < 3; i++) {
      await expect(port.discover(discoverJob, within(1_000))).resolves.toEqual(discovered);
      await expect(port.verify(verifyJob, within(1_000))).resolves.toEqual(verified);
    }
    expect(calls).toEqual({ discover: 1, verify: 1, evaluate: 0 });
    advance(4_999);
    await port.verify(verifyJob, within(1_000));
    expect(calls.verify).toBe(1);
    advance(1);
    await port.verify(verifyJob, within(1_000));
    await port.discover(discoverJob, within(1_000));
    expect(calls).toEqual({ discover: 2, verify: 2, evaluate: 0 });
    expect(port.stats()).toMatchObject({ hits: 5, misses: 4 });
  });

  it('asks again in the background for an entry used in its last refreshAheadMs, and serves the kept answer meanwhile', async () => {
    const { calls, handlers } = tier();
    const { port, advance } = nearCache(handlers, { ttlMs: 5_000, refreshAheadMs: 1_000 });
    await port.verify(verifyJob, within(1_000));
    advance(3_999);
    await port.verify(verifyJob, within(1_000));
    expect(calls.verify).toBe(1);
    advance(1);
    await expect(port.verify(verifyJob, within(1_000))).resolves.toEqual(verified);
    await port.verify(verifyJob, within(1_000));
    await new Promise((settled) => setImmediate(settled));
    // One refresh, however many admissions use the entry meanwhile; its answer lives ttlMs from when it came.
    expect(calls.verify).toBe(2);
    advance(3_999);
    await port.verify(verifyJob, within(1_000));
    expect(calls.verify).toBe(2);
    expect(port.stats()).toMatchObject({ hits: 4, misses: 1, refreshes: 1 });
  });

  it('ends a kept verdict at once when its refresh says it no longer verifies', async () => {
    let signed = true;
    const { calls, handlers } = tier({ verify: async () => (signed ? verified : unsigned) });
    const { port, advance } = nearCache(handlers, { ttlMs: 5_000, refreshAheadMs: 1_000 });
    await port.verify(verifyJob, within(1_000));
    signed = false;
    advance(4_500);
    await expect(port.verify(verifyJob, within(1_000))).resolves.toEqual(verified);
    await new Promise((settled) => setImmediate(settled));
    await expect(port.verify(verifyJob, within(1_000))).resolves.toEqual(unsigned);
    expect(calls.verify).toBe(3);
  });

  it('never keeps a negative verdict, an evaluation or a failure', async () => {
    let fail = true;
    const { calls, handlers } = tier({
      verify: async () => unsigned,
      discover: async () => {
        if (fail) throw new JobFailure(JobErrorCodes.registryUnavailable, 'registry.test: connect ECONNREFUSED');
        return discovered;
      },
    });
    const { port } = nearCache(handlers);
    const evaluation: EvaluateRequest = { repository: 'registry.test/app', image: 'registry.test/app:v1', attestations: [], context: {}, ruleName: 'r' };
    for (let i = 0; i < 2; i++) {
      await expect(port.verify(verifyJob, within(1_000))).resolves.toEqual(unsigned);
      await port.evaluate(evaluation, within(1_000));
      expect(((await rejectionOf(port.discover(discoverJob, within(1_000)))) as JobFailure).code).toBe(JobErrorCodes.registryUnavailable);
    }
    expect(calls).toEqual({ discover: 2, verify: 2, evaluate: 2 });
    fail = false;
    await expect(port.discover(discoverJob, within(1_000))).resolves.toEqual(discovered);
  });

  it("never keeps a positive verdict past its validUntil (the certificate's notAfter or the signature's expiry)", async () => {
    const start = 1_000_000;
    // The verdict is valid for 2 s more when it arrives: kept 2 s, not the 5 s TTL.
    const { calls, handlers } = tier({ verify: async () => ({ ...verified, validUntil: start + 2_000 }) });
    const { port, advance } = nearCache(handlers, { ttlMs: 5_000 });
    await port.verify(verifyJob, within(1_000));
    advance(1_999);
    await expect(port.verify(verifyJob, within(1_000))).resolves.toMatchObject({ verified: true, validUntil: start + 2_000 });
    expect(calls.verify).toBe(1);
    advance(1);
    await port.verify(verifyJob, within(1_000));
    expect(calls.verify).toBe(2);
    // Already expired when it arrives (validUntil now): delivered, never kept.
    await port.verify(verifyJob, within(1_000));
    expect(calls.verify).toBe(3);
    // A far validUntil leaves the TTL in charge.
    const far = tier({ verify: async () => ({ ...verified, validUntil: start + 3_600_000 }) });
    const second = nearCache(far.handlers, { ttlMs: 5_000, refreshAheadMs: 0 });
    await second.port.verify(verifyJob, within(1_000));
    second.advance(4_999);
    await second.port.verify(verifyJob, within(1_000));
    expect(far.calls.verify).toBe(1);
    second.advance(1);
    await second.port.verify(verifyJob, within(1_000));
    expect(far.calls.verify).toBe(2);
  });

  it('does not keep a positive verdict whose validUntil is not a finite number', async () => {
    for (const validUntil of ['9999999999999', Number.NaN, Number.POSITIVE_INFINITY, null]) {
      const { calls, handlers } = tier({ verify: async () => ({ ...verified, validUntil: validUntil as unknown as number }) });
      const { port } = nearCache(handlers, { ttlMs: 5_000 });
      await port.verify(verifyJob, within(1_000));
      await port.verify(verifyJob, within(1_000));
      expect(calls.verify).toBe(2);
    }
  });

  it('sends every job of a useCache: false entry to the tier, and keeps none of them', async () => {
    const { calls, handlers } = tier();
    const { port } = nearCache(handlers);
    const fresh = { ...verifyJob, noCache: true };
    await Promise.all([port.verify(fresh, within(1_000)), port.verify(fresh, within(1_000))]);
    await port.verify(fresh, within(1_000));
    expect(calls.verify).toBe(3);
    await port.verify(verifyJob, within(1_000));
    await port.verify(verifyJob, within(1_000));
    expect(calls.verify).toBe(4);
  });

  it('keys on the whole job: other trust anchors, limits or any other field are another entry', async () => {
    const { calls, handlers } = tier();
    const { port } = nearCache(handlers);
    await port.verify(verifyJob, within(1_000));
    await port.verify({ ...verifyJob, trustAnchorsPem: 'PEM-B' }, within(1_000));
    await port.verify({ ...verifyJob, maxSignatureAttempts: 1 }, within(1_000));
    await port.verify({ ...verifyJob, artifact: `registry.test/other@${digest}` }, within(1_000));
    await port.discover({ ...discoverJob, artifactTypes: ['sbom/cyclone-dx'] }, within(1_000));
    await port.discover({ ...discoverJob, credentials: 'cluster-b' } as DiscoverRequest, within(1_000));
    await port.discover(discoverJob, within(1_000));
    expect(calls).toEqual({ discover: 3, verify: 4, evaluate: 0 });
    // Values that would run together if concatenated, or a string spelling another type's value: still other entries.
    await port.verify({ ...verifyJob, artifact: `${verifyJob.artifact}\n14:trustAnchorsPem`, trustAnchorsPem: '' }, within(1_000));
    await port.verify({ ...verifyJob, maxSignatureAttempts: '10' as unknown as number }, within(1_000));
    expect(calls.verify).toBe(6);
  });

  it('keys a long field (a trust-anchor PEM) by an id: one PEM hits, another is another entry, also past the bound', async () => {
    const { calls, handlers } = tier();
    const { port } = nearCache(handlers);
    const pem = (n: number) => `-----BEGIN CERTIFICATE-----\n${String(n).padStart(200, 'A')}\n-----END CERTIFICATE-----\n`;
    await port.verify({ ...verifyJob, trustAnchorsPem: pem(0) }, within(1_000));
    // A copy of the same text (another string object) is the same entry.
    await port.verify({ ...verifyJob, trustAnchorsPem: pem(0).slice(0) + '' }, within(1_000));
    expect(calls.verify).toBe(1);
    // More distinct PEMs than the id table holds: each its own entry, and the first is still told apart from all.
    for (let n = 1; n <= 300; n++) await port.verify({ ...verifyJob, trustAnchorsPem: pem(n) }, within(1_000));
    expect(calls.verify).toBe(301);
    await port.verify({ ...verifyJob, trustAnchorsPem: pem(150) }, within(1_000));
    expect(calls.verify).toBe(302);
    // A short field spelling what an id would look like is not that id.
    await port.verify({ ...verifyJob, trustAnchorsPem: 'i0' }, within(1_000));
    expect(calls.verify).toBe(303);
    // No key holds the PEM text.
    const held = (port as unknown as { entries: Map<string, unknown> }).entries;
    expect([...held.keys()].some((key) => key.includes('BEGIN CERTIFICATE'))).toBe(false);
  });

  it('keys on registry credentials without holding them in clear', async () => {
    const { calls, handlers } = tier();
    const { port } = nearCache(handlers);
    const secret = 's3cret-password';
    const asA = { ...discoverJob, registryCredentials: { 'registry.test': { username: 'a', password: secret } } } as DiscoverRequest;
    const asB = { ...discoverJob, registryCredentials: { 'registry.test': { username: 'b', password: secret } } } as DiscoverRequest;
    await port.discover(asA, within(1_000));
    await port.discover(asA, within(1_000));
    await port.discover(asB, within(1_000));
    await port.discover(discoverJob, within(1_000));
    expect(calls.discover).toBe(3);
    // Nothing the near-cache holds (its keys included) spells the password.
    const held = (port as unknown as { entries: Map<string, unknown> }).entries;
    expect(held).toBeInstanceOf(Map);
    expect([...held.keys()].some((key) => key.includes(secret))).toBe(false);
  });

  it('lets identical jobs in flight share one request, and a failure reaches all of them without being kept', async () => {
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let calls = 0;
    const { handlers } = tier({
      verify: async () => {
        calls++;
        const gate = new Promise<void>((resolve) => (release = resolve));
        started();
        await gate;
        throw new JobFailure(JobErrorCodes.registryUnavailable, 'registry.test: 503');
      },
    });
    const { port } = nearCache(handlers);
    const options = within(30_000);
    // Admissions milliseconds apart: their deadlines differ by as much, and they still share the job.
    const waiting = Array.from({ length: 5 }, (_, index) => rejectionOf(port.verify(verifyJob, { ...options, deadline: options.deadline + index * 100 })));
    await running;
    release();
    const failures = await Promise.all(waiting);
    expect(failures.map((failure) => (failure as JobFailure).code)).toEqual(Array(5).fill(JobErrorCodes.registryUnavailable));
    expect(calls).toBe(1);
    expect(port.stats()).toMatchObject({ shared: 4, entries: 0 });
  });

  it('does not make a caller with a deadline seconds later wait on a job that would time out first', async () => {
    const { calls, handlers } = tier({ verify: async () => new Promise<VerifyReply>((resolve) => setTimeout(() => resolve(verified), 20)) });
    const { port } = nearCache(handlers);
    const early = port.verify(verifyJob, within(500));
    const late = port.verify(verifyJob, within(5_000));
    const sameOrEarlier = port.verify(verifyJob, within(400));
    await Promise.all([early, late, sameOrEarlier]);
    expect(calls.verify).toBe(2);
  });

  it('drops everything when the policy set changes, and does not keep an answer asked under the old set', async () => {
    let policies: object[] = [{ name: 'p1' }];
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let slow = false;
    const { calls, handlers } = tier({
      verify: async () => {
        if (slow) {
          const gate = new Promise<void>((resolve) => (release = resolve));
          started();
          await gate;
        }
        return verified;
      },
    });
    const { port } = nearCache(handlers, { generation: () => policies });
    await port.verify(verifyJob, within(1_000));
    await port.verify(verifyJob, within(1_000));
    expect(calls.verify).toBe(1);
    policies = [{ name: 'p1' }];
    await port.verify(verifyJob, within(1_000));
    expect(calls.verify).toBe(2);
    // Asked under one set, answered after the set changed: delivered, not kept.
    slow = true;
    const other = { ...verifyJob, trustAnchorsPem: 'PEM-C' };
    const answer = port.verify(other, within(30_000));
    await running;
    policies = [{ name: 'p2' }];
    await port.discover(discoverJob, within(1_000));
    release();
    await expect(answer).resolves.toEqual(verified);
    slow = false;
    await port.verify(other, within(1_000));
    expect(calls.verify).toBe(4);
  });

  it('is bounded: the oldest entry goes first', async () => {
    const { calls, handlers } = tier();
    const { port } = nearCache(handlers, { maxEntries: 2 });
    const job = (n: number) => ({ ...verifyJob, trustAnchorsPem: `PEM-${n}` });
    for (const n of [1, 2, 3]) await port.verify(job(n), within(1_000));
    expect(port.stats().entries).toBe(2);
    await port.verify(job(3), within(1_000));
    await port.verify(job(2), within(1_000));
    expect(calls.verify).toBe(3);
    await port.verify(job(1), within(1_000));
    expect(calls.verify).toBe(4);
  });

  it('hands out frozen answers, so that no admission can change what another reads', async () => {
    const { handlers } = tier({ discover: async () => ({ ...discovered, referrers: { 'sbom/cyclone-dx': [{ ...discovered.descriptor }] } }) });
    const { port } = nearCache(handlers);
    await port.discover(discoverJob, within(1_000));
    const kept = await port.discover(discoverJob, within(1_000));
    expect(Object.isFrozen(kept)).toBe(true);
    expect(() => kept.referrers['sbom/cyclone-dx']!.push(discovered.descriptor)).toThrow(TypeError);
  });

  it('is off with ttlMs 0: every job reaches the tier, concurrent ones too; bad options are refused', async () => {
    const { calls, handlers } = tier();
    const { port } = nearCache(handlers, { ttlMs: 0 });
    await port.verify(verifyJob, within(1_000));
    await Promise.all([port.verify(verifyJob, within(1_000)), port.verify(verifyJob, within(1_000)), port.discover(discoverJob, within(1_000)), port.discover(discoverJob, within(1_000))]);
    expect(calls).toEqual({ discover: 2, verify: 3, evaluate: 0 });
    expect(() => new NearCacheJobsPort(new InProcessJobsPort(handlers), { ttlMs: -1 })).toThrow(TypeError);
    expect(() => new NearCacheJobsPort(new InProcessJobsPort(handlers), { maxEntries: 0 })).toThrow(TypeError);
    expect(() => new NearCacheJobsPort(new InProcessJobsPort(handlers), { ttlMs: 1_000, refreshAheadMs: 2_000 })).toThrow(/refreshAheadMs/);
  });
});
