/**
 * The NATS jobs port against real NATS and workers on Nest's NATS transport:
 * replies, JobFailures and plain errors crossing the wire, no responders,
 * timeouts, the deadline header, and request ids in the handler.
 */
import { randomUUID } from 'node:crypto';
import {
  Headers,
  JobErrorCodes,
  JobFailure,
  Subjects,
  type DiscoverReply,
  type EvaluateReply,
  type VerifyReply,
} from '@notary-gate/contracts';
import { headers as natsHeaders, JSONCodec } from 'nats';
import type { JobContext, JobHandlers } from './job-handlers';
import type { NatsJobsPort } from './nats-jobs-port';
import type { NatsLink } from './nats-link';
import { isolation, rejectionOf, startClient, startWorker, until, within, type Worker } from './test-support';

const ALL = [Subjects.discover, Subjects.verify, Subjects.evaluate];
const digest = `sha256:${'a'.repeat(64)}`;

const discoverReply: DiscoverReply = {
  repository: 'registry.test/app',
  descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 321 },
  referrers: { 'application/vnd.cncf.notary.signature': [] },
};
const deniedVerify: VerifyReply = {
  verified: false,
  digest,
  code: 'ERR_NO_SIGNATURE',
  message: `no signature is associated with "registry.test/app@${digest}", make sure the image was signed successfully`,
};
const evaluateReply: EvaluateReply = { attestations: [{ index: 0, passed: true }] };

describe('NatsJobsPort ↔ Nest NATS workers', () => {
  let names: { subjectPrefix: string; queue: string };
  let client: { port: NatsJobsPort; link: NatsLink };
  const workers: Worker[] = [];

  async function worker(handlers: Partial<JobHandlers>): Promise<Worker> {
    const w = await startWorker({ ...names, subjects: ALL, handlers: { ...unused(), ...handlers } });
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

  it('round-trips each subject, a negative verdict being a normal reply', async () => {
    const seen: string[] = [];
    await worker({
      discover: async (request) => {
        seen.push(request.image);
        return discoverReply;
      },
      verify: async (request) => {
        seen.push(request.artifact);
        return deniedVerify;
      },
      evaluate: async (request) => {
        seen.push(request.repository);
        return evaluateReply;
      },
    });
    const options = within(5_000);
    await expect(client.port.discover({ image: 'registry.test/app:1' }, options)).resolves.toEqual(discoverReply);
    await expect(
      client.port.verify({ artifact: `registry.test/app@${digest}`, trustAnchorsPem: 'PEM', maxSignatureAttempts: 10 }, options),
    ).resolves.toEqual(deniedVerify);
    await expect(
      client.port.evaluate({ repository: 'registry.test/app', image: 'registry.test/app:1', attestations: [], context: {}, ruleName: 'r' }, options),
    ).resolves.toEqual(evaluateReply);
    expect(seen).toEqual(['registry.test/app:1', `registry.test/app@${digest}`, 'registry.test/app']);
  });

  it('carries a JobFailure across the wire with the same code and message', async () => {
    await worker({
      discover: async () => {
        throw new JobFailure(JobErrorCodes.notFound, 'tag registry.test/app:missing not found');
      },
      verify: async () => {
        throw new JobFailure(JobErrorCodes.registryUnavailable, 'registry.test answered 503 after 3 attempts');
      },
    });
    const notFound = await rejectionOf(client.port.discover({ image: 'registry.test/app:missing' }, within(5_000)));
    expect(notFound).toBeInstanceOf(JobFailure);
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', message: 'tag registry.test/app:missing not found' });
    const outage = await rejectionOf(verifyJob(client.port, within(5_000)));
    expect(outage).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', message: 'registry.test answered 503 after 3 attempts' });
  });

  it('reports any other error as INTERNAL with its own message, never "Internal server error"', async () => {
    await worker({
      verify: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'digest')");
      },
      evaluate: () => {
        throw new Error('synchronous bug'); // thrown before any promise exists
      },
    });
    const bug = await rejectionOf(verifyJob(client.port, within(5_000)));
    expect(bug).toBeInstanceOf(JobFailure);
    expect(bug).toMatchObject({ code: 'INTERNAL', message: "Cannot read properties of undefined (reading 'digest')" });
    const sync = await rejectionOf(
      client.port.evaluate({ repository: 'r', image: 'r:1', attestations: [], context: {}, ruleName: 'r' }, within(5_000)),
    );
    expect(sync).toMatchObject({ code: 'INTERNAL', message: 'synchronous bug' });
  });

  it('fails fast with TIER_UNAVAILABLE when no worker subscribes', async () => {
    const started = Date.now();
    const failure = await rejectionOf(verifyJob(client.port, within(5_000)));
    expect(failure).toMatchObject({
      code: 'TIER_UNAVAILABLE',
      message: `no signature-verifier worker is running for ${names.subjectPrefix}.notary.v1.verify`,
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('times out at the deadline when the worker never answers, and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    await worker({
      verify: (_request, context) => {
        signal = context.signal;
        return new Promise<never>(() => undefined);
      },
    });
    const started = Date.now();
    const failure = await rejectionOf(verifyJob(client.port, within(400)));
    const elapsed = Date.now() - started;
    expect(failure).toMatchObject({ code: 'TIMEOUT' });
    expect((failure as JobFailure).message).toMatch(
      new RegExp(`^no reply on ${names.subjectPrefix}\\.notary\\.v1\\.verify within (399|400) ms \\(the job deadline\\)$`),
    );
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(400 + 250);
    // The worker's own timer runs to the same deadline; it fires within moments of the client's.
    await until(() => signal?.aborted === true, 200);
    expect(signal?.reason).toMatchObject({ code: 'TIMEOUT' });
  });

  it('does not send a job whose deadline has already passed', async () => {
    let calls = 0;
    await worker({
      verify: async () => {
        calls++;
        return deniedVerify;
      },
    });
    const failure = await rejectionOf(verifyJob(client.port, { deadline: Date.now() - 50, requestId: 'late' }));
    expect(failure).toMatchObject({ code: 'TIMEOUT' });
    expect((failure as JobFailure).message).toMatch(/deadline of .*notary\.v1\.verify had passed \d+ ms before the job started/);
    await client.link.connection.flush();
    expect(calls).toBe(0);
  });

  it('has the worker refuse, without running it, a job that is not sealed with the tier key', async () => {
    let calls = 0;
    await worker({
      verify: async () => {
        calls++;
        return deniedVerify;
      },
    });
    const h = natsHeaders();
    h.set(Headers.requestId, 'raw');
    h.set(Headers.deadline, String(Date.now() + 2_000));
    const codec = JSONCodec();
    const body = codec.encode({ id: randomUUID(), pattern: 'x', data: { artifact: 'a@b', trustAnchorsPem: '', maxSignatureAttempts: 1 } });
    const reply = await client.link.connection.request(`${names.subjectPrefix}.${Subjects.verify}`, body, { timeout: 2_000, headers: h });
    expect((codec.decode(reply.data) as { response: unknown }).response).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: `job on ${names.subjectPrefix}.${Subjects.verify} refused: it is not sealed with the tier key` },
    });
    expect(calls).toBe(0);
  });

  it('hands the request id, trace id and deadline from the headers to the handler', async () => {
    const contexts: JobContext[] = [];
    await worker({
      discover: async (_request, context) => {
        contexts.push(context);
        return discoverReply;
      },
    });
    const deadline = Date.now() + 5_000;
    await client.port.discover({ image: 'registry.test/app:1' }, { deadline, requestId: 'req-42', traceId: 'trace-7' });
    await client.port.discover({ image: 'registry.test/app:1' }, { deadline, requestId: 'req-43' });
    expect(contexts.map(({ subject, requestId, traceId, deadline: d }) => ({ subject, requestId, traceId, deadline: d }))).toEqual([
      { subject: `${names.subjectPrefix}.notary.v1.discover`, requestId: 'req-42', traceId: 'trace-7', deadline },
      { subject: `${names.subjectPrefix}.notary.v1.discover`, requestId: 'req-43', traceId: 'req-43', deadline },
    ]);
  });

  it('reports TIER_UNAVAILABLE once its connection is closed', async () => {
    await client.link.close();
    const failure = await rejectionOf(verifyJob(client.port, within(5_000)));
    expect(failure).toMatchObject({ code: 'TIER_UNAVAILABLE', message: expect.stringContaining('the NATS connection is closed') });
  });
});

function verifyJob(port: NatsJobsPort, options: { deadline: number; requestId: string }): Promise<VerifyReply> {
  return port.verify({ artifact: `registry.test/app@${digest}`, trustAnchorsPem: 'PEM', maxSignatureAttempts: 10 }, options);
}

/** Handlers a test does not expect to be called. */
function unused(): JobHandlers {
  const fail = async (): Promise<never> => {
    throw new Error('handler not expected in this test');
  };
  return { discover: fail, verify: fail, evaluate: fail };
}
