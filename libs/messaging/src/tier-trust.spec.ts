/**
 * The tier does not trust its bus (real NATS): a NATS client without the
 * tier key, answering `{"verified":true}` on the verify subject, gets no
 * verdict accepted, and reading the evaluate subject it sees no pod env
 * value; and the tier fails fast: a replica that dies or freezes with jobs
 * in flight costs them one silence (about 2 s), not the deadline, and a
 * dropped link rejects pending jobs at once.
 */
import { randomBytes } from 'node:crypto';
import { JobFailure, Subjects, TierKeys, type EvaluateRequest, type VerifyReply, type VerifyRequest } from '@notary-gate/contracts';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import type { JobContext, JobHandlers } from './job-handlers';
import { minimalEvaluateRequest } from './minimal-jobs';
import { NatsJobsPort } from './nats-jobs-port';
import { NatsLink } from './nats-link';
import { startNatsServer, type NatsServer } from './testing/nats-server';
import { CuttableRelay, isolation, NATS_URL, rejectionOf, startClient, startWorker, TIER_KEYS, until, within, type Worker } from './test-support';

const digest = `sha256:${'b'.repeat(64)}`;
const request: VerifyRequest = { artifact: `registry.test/app@${digest}`, trustAnchorsPem: 'PEM', maxSignatureAttempts: 10 };
const codec = JSONCodec<Record<string, unknown>>();

const evaluateRequest: EvaluateRequest = {
  repository: 'registry.test/app',
  image: 'registry.test/app:v1',
  ruleName: 'check-sbom',
  attestations: [{ index: 0, type: 'sbom/cyclone-dx', digest, conditions: [{ all: [{ key: '{{ request.namespace }}', operator: 'Equals', value: 'prod' }] }] }],
  context: {
    request: {
      namespace: 'prod',
      object: { spec: { containers: [{ name: 'app', image: 'registry.test/app:v1', env: [{ name: 'DB_PASSWORD', value: 's3cr3t-db-password' }] }] } },
    },
    images: { containers: { app: { registry: 'registry.test' } } },
    unused: { token: 'not-referenced' },
  },
};

describe('the tier trusts not its bus', () => {
  let names: { subjectPrefix: string; queue: string };
  let rogue: NatsConnection;
  const workers: Worker[] = [];

  beforeEach(async () => {
    names = isolation();
    rogue = await connect({ servers: NATS_URL, name: 'rogue-without-tier-key' });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await rogue.close();
  });

  it('refuses a forged {"verified":true} from a subscriber without the key, and that subscriber reads no pod env', async () => {
    const seen: string[] = [];
    for (const subject of [Subjects.verify, Subjects.evaluate]) {
      rogue.subscribe(`${names.subjectPrefix}.${subject}`, {
        callback: (_error, message) => {
          seen.push(new TextDecoder().decode(message.data));
          const { id } = codec.decode(message.data);
          message.respond(codec.encode({ id, isDisposed: true, response: { ok: true, reply: { verified: true, digest, signatureDigest: digest, attestations: [{ index: 0, passed: true }] } } }));
        },
      });
    }
    await rogue.flush();
    const { port, link } = await startClient(names.subjectPrefix);
    try {
      const failure = await rejectionOf(port.verify(request, within(3_000)));
      expect(failure).toBeInstanceOf(JobFailure);
      expect(failure).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('is not sealed with the tier key') });
      await expect(port.evaluate(evaluateRequest, within(3_000))).rejects.toMatchObject({ code: 'INTERNAL' });
      // A forged error packet is refused too, its text unread.
    } finally {
      await link.close();
    }
    expect(seen).toHaveLength(2);
    for (const raw of seen) {
      for (const secret of ['s3cr3t-db-password', 'DB_PASSWORD', 'registry.test', 'PEM']) expect(raw).not.toContain(secret);
    }
  });

  it('a worker of another tier (another key) neither opens the job nor gets its answer taken', async () => {
    const otherTier = TierKeys.of(randomBytes(32));
    workers.push(await startWorker({ ...names, subjects: [Subjects.verify], handlers: { verify: async () => ({ verified: true, digest, signatureDigest: digest }) }, tierKeys: otherTier }));
    const { port, link } = await startClient(names.subjectPrefix);
    try {
      // The worker cannot open the job either: it answers an unsealed BAD_REQUEST, which the client refuses as unsealed.
      await expect(port.verify(request, within(3_000))).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('not sealed with the tier key') });
    } finally {
      await link.close();
    }
  });

  it('sends the evaluator only the context its conditions name, without env values', async () => {
    let received: EvaluateRequest | undefined;
    let context: JobContext | undefined;
    workers.push(
      await startWorker({
        ...names,
        subjects: [Subjects.evaluate],
        handlers: {
          evaluate: async (job, ctx) => {
            received = job;
            context = ctx;
            return { attestations: [{ index: 0, passed: true }] };
          },
        },
      }),
    );
    const { port, link } = await startClient(names.subjectPrefix);
    try {
      await port.evaluate(evaluateRequest, within(3_000, 'req-eval'));
    } finally {
      await link.close();
    }
    expect(received).toEqual(minimalEvaluateRequest(evaluateRequest));
    expect(Object.keys(received!.context)).toEqual(['request']);
    expect(JSON.stringify(received)).not.toContain('s3cr3t-db-password');
    expect(received!.context['request']).toMatchObject({ namespace: 'prod', object: { spec: { containers: [{ name: 'app', env: [{ name: 'DB_PASSWORD' }] }] } } });
    expect(context).toMatchObject({ requestId: 'req-eval', cluster: '' });
  });
});

describe('several clusters on one tier', () => {
  it("carries the gateway's CLUSTER_NAME (sealed) to the worker and takes replies on the cluster's own inbox prefix", async () => {
    const names = isolation();
    let context: JobContext | undefined;
    let replyTo = '';
    const worker = await startWorker({
      ...names,
      subjects: [Subjects.verify],
      handlers: {
        verify: async (_request, ctx) => {
          context = ctx;
          return { verified: true, digest, signatureDigest: digest };
        },
      },
    });
    const spy = await connect({ servers: NATS_URL });
    spy.subscribe(`${names.subjectPrefix}.${Subjects.verify}`, { callback: (_error, message) => void (replyTo = message.reply ?? '') });
    await spy.flush();
    const link = await NatsLink.connect({ url: NATS_URL, inboxPrefix: '_INBOX_east' });
    try {
      const port = new NatsJobsPort(link, { subjectPrefix: names.subjectPrefix, tierKeys: TIER_KEYS, cluster: 'east' });
      await expect(port.verify(request, within(3_000, 'req-east'))).resolves.toMatchObject({ verified: true });
      expect(context).toMatchObject({ requestId: 'req-east', cluster: 'east' });
      expect(replyTo.startsWith('_INBOX_east.')).toBe(true);
    } finally {
      await link.close();
      await spy.close();
      await worker.stop();
    }
  });
});

/** A verify handler answering after `delayMs` (never, for Infinity), naming its replica. */
function replica(name: string, delayMs = 0): { handlers: Pick<JobHandlers, 'verify'>; handled: () => number } {
  let handled = 0;
  return {
    handled: () => handled,
    handlers: {
      verify: async (): Promise<VerifyReply> => {
        handled++;
        if (delayMs === Infinity) await new Promise<never>(() => undefined);
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        return { verified: true, digest, signatureDigest: name };
      },
    },
  };
}

describe('the tier fails fast', () => {
  it('re-sends the jobs of a replica that died holding them to the survivor: none waits more than 3 s', async () => {
    const names = isolation();
    const a = replica('a', Infinity);
    const b = replica('b', 20);
    const wa = await startWorker({ ...names, subjects: [Subjects.verify], handlers: a.handlers });
    const wb = await startWorker({ ...names, subjects: [Subjects.verify], handlers: b.handlers });
    const { port, link } = await startClient(names.subjectPrefix);
    try {
      const started = Date.now();
      const timings: number[] = [];
      const jobs = Array.from({ length: 40 }, () => port.verify(request, within(20_000)).then((reply) => (timings.push(Date.now() - started), reply)));
      await until(() => a.handled() > 0 && a.handled() + b.handled() >= 40);
      // A crash: the connection goes without draining; the jobs it held are answered by nobody.
      await wa.server.unwrap<NatsConnection>().close();
      const replies = await Promise.all(jobs);
      expect(replies.every((reply) => reply.verified && reply.signatureDigest === 'b')).toBe(true);
      expect(a.handled()).toBeGreaterThan(0);
      expect(Math.max(...timings)).toBeLessThan(3_000);
    } finally {
      await link.close();
      await wa.stop().catch(() => undefined);
      await wb.stop();
    }
  });

  it('rejects pending jobs at once when the link drops', async () => {
    const names = isolation();
    const slow = await startWorker({ ...names, subjects: [Subjects.verify], handlers: replica('slow', 5_000).handlers });
    const url = new URL(NATS_URL.replace(/^nats:/, 'http:'));
    const relay = new CuttableRelay({ host: url.hostname, port: Number(url.port || 4222) });
    await relay.open();
    const { port, link } = await startClient(names.subjectPrefix, relay.url);
    try {
      const pending = rejectionOf(port.verify(request, within(10_000)));
      await new Promise((r) => setTimeout(r, 200));
      const cutAt = Date.now();
      await relay.cut();
      expect(await pending).toMatchObject({ code: 'TIER_UNAVAILABLE' });
      expect(Date.now() - cutAt).toBeLessThan(500);
    } finally {
      await link.close();
      await relay.cut();
      await slow.stop();
    }
  });

  describe('with NATS frozen (SIGSTOP)', () => {
    let nats: NatsServer;
    beforeAll(async () => {
      nats = await startNatsServer();
    });
    afterAll(async () => {
      await nats.stop();
    });

    it('fails a job within a few seconds (TIMEOUT or TIER_UNAVAILABLE), never at its 25 s deadline, and the client closes within its grace period', async () => {
      const names = isolation();
      const worker = await startWorker({ ...names, subjects: [Subjects.verify], handlers: replica('w', 10).handlers, url: nats.url });
      const { port, link } = await startClient(names.subjectPrefix, nats.url);
      try {
        await expect(port.verify(request, within(5_000))).resolves.toMatchObject({ verified: true });
        nats.freeze();
        const started = Date.now();
        const failure = await rejectionOf(port.verify(request, within(25_000)));
        expect(failure).toBeInstanceOf(JobFailure);
        expect(['TIMEOUT', 'TIER_UNAVAILABLE']).toContain((failure as JobFailure).code);
        expect(Date.now() - started).toBeLessThan(6_000); // two silences of 2 s (or the ping timeout), never the 25 s deadline
        const closing = Date.now();
        await link.close(1_000);
        expect(Date.now() - closing).toBeLessThan(2_000);
      } finally {
        nats.thaw();
        await link.close();
        await worker.stop();
      }
    });
  });
});
