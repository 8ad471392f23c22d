/**
 * The embedded transport behaves like the NATS one: same deadline semantics
 * (TIMEOUT, nothing started late, signal aborted) and the same error mapping
 * (JobFailure kept, anything else INTERNAL with its message).
 */
import { JobErrorCodes, JobFailure, type VerifyReply, type VerifyRequest } from '@notary-gate/contracts';
import { InProcessJobsPort } from './in-process-jobs-port';
import type { JobContext, JobHandlers } from './job-handlers';
import { rejectionOf, within } from './test-support';

const request: VerifyRequest = { artifact: `registry.test/app@sha256:${'c'.repeat(64)}`, trustAnchorsPem: 'PEM', maxSignatureAttempts: 10 };
const verified: VerifyReply = { verified: true, digest: `sha256:${'c'.repeat(64)}`, signatureDigest: `sha256:${'d'.repeat(64)}` };

function port(verify: JobHandlers['verify']): InProcessJobsPort {
  const fail = async (): Promise<never> => {
    throw new Error('not expected');
  };
  return new InProcessJobsPort({ discover: fail, verify, evaluate: fail });
}

describe('InProcessJobsPort', () => {
  it('returns the reply and hands the handler its job context', async () => {
    let seen: JobContext | undefined;
    const jobs = port(async (_request, context) => {
      seen = context;
      return verified;
    });
    const options = within(1_000, 'req-1');
    await expect(jobs.verify(request, options)).resolves.toEqual(verified);
    expect(seen).toMatchObject({ subject: 'notary.v1.verify', requestId: 'req-1', traceId: 'req-1', deadline: options.deadline });
    expect(seen?.signal.aborted).toBe(false);
  });

  it('keeps a JobFailure as thrown', async () => {
    const failure = new JobFailure(JobErrorCodes.registryUnavailable, 'registry.test: connect ECONNREFUSED');
    await expect(rejectionOf(port(async () => Promise.reject(failure)).verify(request, within(1_000)))).resolves.toBe(failure);
  });

  it('maps any other error to INTERNAL with its message, thrown or rejected, Error or not', async () => {
    const rejected = await rejectionOf(port(async () => Promise.reject(new RangeError('index out of range'))).verify(request, within(1_000)));
    expect(rejected).toBeInstanceOf(JobFailure);
    expect(rejected).toMatchObject({ code: 'INTERNAL', message: 'index out of range' });
    const thrown = await rejectionOf(
      port(() => {
        throw new Error('thrown synchronously');
      }).verify(request, within(1_000)),
    );
    expect(thrown).toMatchObject({ code: 'INTERNAL', message: 'thrown synchronously' });
    const odd = await rejectionOf(port(async () => Promise.reject({ weird: true })).verify(request, within(1_000)));
    expect(odd).toMatchObject({ code: 'INTERNAL', message: '{"weird":true}' });
  });

  it('does not start a job whose deadline has passed', async () => {
    let calls = 0;
    const jobs = port(async () => {
      calls++;
      return verified;
    });
    const failure = await rejectionOf(jobs.verify(request, { deadline: Date.now() - 10, requestId: 'late' }));
    expect(failure).toMatchObject({ code: 'TIMEOUT' });
    expect((failure as JobFailure).message).toMatch(/^the deadline of notary\.v1\.verify had passed \d+ ms before the job started$/);
    expect(calls).toBe(0);
  });

  it('fails with TIMEOUT at the deadline and aborts the handler signal', async () => {
    let signal: AbortSignal | undefined;
    const jobs = port((_request, context) => {
      signal = context.signal;
      return new Promise<never>(() => undefined);
    });
    const started = Date.now();
    const failure = await rejectionOf(jobs.verify(request, within(150)));
    const elapsed = Date.now() - started;
    expect(failure).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/^no reply on notary\.v1\.verify within 1(49|50) ms \(the job deadline\)$/) });
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(150 + 100);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(failure);
  });

  it('rejects incomplete handlers on construction', () => {
    expect(() => new InProcessJobsPort({ verify: async () => verified } as unknown as JobHandlers)).toThrow(
      new TypeError('InProcessJobsPort: handlers.discover is not a function'),
    );
  });
});
