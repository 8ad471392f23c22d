/**
 * Workers in one queue group on real NATS: the load is shared, a replica that
 * stops mid-load drains (loses no job), a replica that dies loses only the
 * jobs it held (their callers time out), and the client survives losing its
 * own connection (TIER_UNAVAILABLE while down, served again after reconnect).
 */
import { JobFailure, Subjects, type VerifyReply, type VerifyRequest } from '@notary-gate/contracts';
import type { NatsConnection } from 'nats';
import type { JobHandlers } from '../job-handlers';
import type { NatsJobsPort } from '../nats-jobs-port';
import type { NatsLink } from '../nats-link';
import { CuttableRelay, isolation, NATS_URL, rejectionOf, startClient, startWorker, until, within, type Worker } from '../test-support';

const request: VerifyRequest = { artifact: `registry.test/app@sha256:${'b'.repeat(64)}`, trustAnchorsPem: 'PEM', maxSignatureAttempts: 10 };

/** A verify handler that answers after `delayMs` (never, for `Infinity`), naming the replica, and counts its jobs. */
function replica(name: string, delayMs = 0): { handlers: Pick<JobHandlers, 'verify'>; handled: () => number } {
  let handled = 0;
  return {
    handled: () => handled,
    handlers: {
      verify: async (): Promise<VerifyReply> => {
        handled++;
        if (delayMs === Infinity) await new Promise<never>(() => undefined);
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        return { verified: true, digest: `sha256:${'b'.repeat(64)}`, signatureDigest: name };
      },
    },
  };
}

describe('JobsNatsServer: queue groups', () => {
  let names: { subjectPrefix: string; queue: string };
  let client: { port: NatsJobsPort; link: NatsLink };
  const workers: Worker[] = [];

  async function worker(handlers: Partial<JobHandlers>, drainTimeoutMs?: number): Promise<Worker> {
    const w = await startWorker({ ...names, subjects: [Subjects.verify], handlers, drainTimeoutMs });
    workers.push(w);
    return w;
  }

  beforeEach(async () => {
    names = isolation();
    client = await startClient(names.subjectPrefix);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await client.link.close();
  });

  it('subscribes under the prefix in its queue group and reports readiness', async () => {
    const w = await worker(replica('a').handlers);
    expect(w.server.subscribedSubjects()).toEqual([`${names.subjectPrefix}.notary.v1.verify`]);
    expect(w.server.isConnected()).toBe(true);
    await w.stop();
    expect(w.server.isConnected()).toBe(false);
  });

  it('shares 50 jobs between two replicas of one queue group', async () => {
    const a = replica('a', 5);
    const b = replica('b', 5);
    await worker(a.handlers);
    await worker(b.handlers);
    const replies = await Promise.all(Array.from({ length: 50 }, () => client.port.verify(request, within(5_000))));
    expect(replies).toHaveLength(50);
    expect(a.handled() + b.handled()).toBe(50);
    expect(a.handled()).toBeGreaterThan(0);
    expect(b.handled()).toBeGreaterThan(0);
  });

  it('loses no job when a replica stops mid-load: it drains, the survivor takes the rest', async () => {
    const a = replica('a', 150);
    const b = replica('b', 150);
    const wa = await worker(a.handlers);
    await worker(b.handlers);
    const first = Array.from({ length: 50 }, () => client.port.verify(request, within(5_000)));
    await until(() => a.handled() > 0 && b.handled() > 0);
    const held = a.handled();
    const stopping = wa.stop(); // while `a` holds jobs it has not answered yet
    const replies = await Promise.all(first);
    await stopping;
    expect(replies.filter((r) => r.verified)).toHaveLength(50);
    expect(replies.filter((r) => r.verified && r.signatureDigest === 'a').length).toBeGreaterThanOrEqual(held);
    // After the stop every job goes to the survivor.
    const after = await Promise.all(Array.from({ length: 20 }, () => client.port.verify(request, within(5_000))));
    expect(after.every((r) => r.verified && r.signatureDigest === 'b')).toBe(true);
    expect(a.handled() + b.handled()).toBe(70);
  });

  it('a replica that dies loses only the jobs it held: they time out at their deadline, the survivor serves on', async () => {
    const a = replica('a', Infinity); // holds every job until it dies
    const b = replica('b', 0);
    const wa = await worker(a.handlers);
    await worker(b.handlers);
    const jobs = Array.from({ length: 20 }, () => client.port.verify(request, within(800)).then(
      (reply) => reply,
      (failure: unknown) => failure as JobFailure,
    ));
    await until(() => a.handled() > 0 && a.handled() + b.handled() === 20);
    // A crash: the connection goes without draining (no SIGTERM handling).
    await wa.server.unwrap<NatsConnection>().close();
    const outcomes = await Promise.all(jobs);
    const timedOut = outcomes.filter((o) => o instanceof JobFailure);
    expect(timedOut).toHaveLength(a.handled());
    expect(timedOut.every((f) => f.code === 'TIMEOUT')).toBe(true);
    expect(outcomes.filter((o) => !(o instanceof JobFailure))).toHaveLength(b.handled());
    const after = await Promise.all(Array.from({ length: 10 }, () => client.port.verify(request, within(2_000))));
    expect(after.every((r) => r.verified && r.signatureDigest === 'b')).toBe(true);
  });

  it('fails fast with TIER_UNAVAILABLE while its connection is down, and is served again after reconnecting', async () => {
    await worker(replica('a').handlers);
    const url = new URL(NATS_URL.replace(/^nats:/, 'http:'));
    const relay = new CuttableRelay({ host: url.hostname, port: Number(url.port || 4222) });
    await relay.open();
    const viaRelay = await startClient(names.subjectPrefix, relay.url);
    try {
      await expect(viaRelay.port.verify(request, within(2_000))).resolves.toMatchObject({ verified: true });
      await relay.cut();
      await until(() => !viaRelay.link.isConnected());
      const started = Date.now();
      const failure = await rejectionOf(viaRelay.port.verify(request, within(2_000)));
      expect(failure).toMatchObject({ code: 'TIER_UNAVAILABLE', message: expect.stringContaining('reconnecting') });
      expect(Date.now() - started).toBeLessThan(100);
      await relay.open(); // same port: the nats client reconnects by itself
      await until(() => viaRelay.link.isConnected());
      await expect(viaRelay.port.verify(request, within(2_000))).resolves.toMatchObject({ verified: true });
    } finally {
      await viaRelay.link.close();
      await relay.cut();
    }
  });
});
