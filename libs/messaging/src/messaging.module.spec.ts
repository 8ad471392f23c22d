/**
 * The module's wirings: JOBS_PORT over NATS or in-process from the same
 * options shape, readiness for /readyz, and a hand-written worker module
 * using `@JobHandler` on Nest's NATS transport.
 */
import { Controller, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { JobErrorCodes, JobFailure, Subjects, type DiscoverRequest, type JobsPort } from '@notary-gate/contracts';
import { InProcessJobsPort } from './in-process-jobs-port';
import type { JobContext, JobHandlers } from './job-handlers';
import { MessagingHealth } from './messaging-health';
import { MessagingModule } from './messaging.module';
import { NatsJobsPort } from './nats-jobs-port';
import { JobCtx } from './rpc/job-context';
import { JobHandler } from './rpc/job-handler.decorator';
import { natsWorkerOptions } from './rpc/jobs-nats-server';
import { isolation, NATS_URL, rejectionOf, startWorker, TIER_KEYS, within } from './test-support';
import { JOB_HANDLERS, JOBS_PORT } from './tokens';

const discovered = {
  repository: 'registry.test/app',
  descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'e'.repeat(64)}`, size: 10 },
  referrers: {},
};
const handlers: JobHandlers = {
  discover: async () => discovered,
  verify: async () => ({ verified: false, digest: 'sha256:x', code: 'ERR_NO_SIGNATURE', message: 'no signature' }),
  evaluate: async () => ({ attestations: [] }),
};

async function context(module: ReturnType<typeof MessagingModule.forRoot>): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(module, { logger: false, abortOnError: false });
}

describe('MessagingModule.forRoot', () => {
  it('with natsUrl: JOBS_PORT talks to the workers over NATS; readiness follows the connection', async () => {
    const names = isolation();
    const worker = await startWorker({ ...names, subjects: [Subjects.discover], handlers });
    const app = await context(MessagingModule.forRoot({ natsUrl: NATS_URL, subjectPrefix: names.subjectPrefix, connectionName: 'spec', tierKeys: TIER_KEYS }));
    try {
      const port = app.get<JobsPort>(JOBS_PORT);
      expect(port).toBeInstanceOf(NatsJobsPort);
      await expect(port.discover({ image: 'registry.test/app:1' }, within(2_000))).resolves.toEqual(discovered);
      const health = app.get(MessagingHealth);
      expect(health.isConnected()).toBe(true);
      await app.close();
      expect(health.isConnected()).toBe(false);
    } finally {
      await app.close();
      await worker.stop();
    }
  });

  it('starts with NATS unreachable: unready with the cause (no credentials shown), jobs refused at once, retrying', async () => {
    const app = await context(MessagingModule.forRoot({ natsUrl: 'nats://gateway:s3cret@127.0.0.1:1', tierKeys: TIER_KEYS }));
    try {
      await new Promise((r) => setTimeout(r, 300));
      const health = await app.get(MessagingHealth).check!();
      expect(health).toEqual({ ok: false, detail: 'cannot connect to NATS at nats://127.0.0.1:1: connection refused' });
      const started = Date.now();
      await expect(app.get<JobsPort>(JOBS_PORT).verify({ artifact: 'r/a@sha256:x', trustAnchorsPem: '', maxSignatureAttempts: 1 }, within(5_000))).rejects.toMatchObject({
        code: 'TIER_UNAVAILABLE',
        message: expect.stringContaining('cannot connect to NATS at nats://127.0.0.1:1: connection refused'),
      });
      expect(Date.now() - started).toBeLessThan(100);
    } finally {
      await app.close();
    }
  });

  it('without natsUrl: JOBS_PORT runs the handlers in-process, always ready', async () => {
    const app = await context(MessagingModule.forRoot({ handlers }));
    const port = app.get<JobsPort>(JOBS_PORT);
    expect(port).toBeInstanceOf(InProcessJobsPort);
    await expect(port.discover({ image: 'registry.test/app:1' }, within(1_000))).resolves.toEqual(discovered);
    expect(app.get(MessagingHealth).isConnected()).toBe(true);
    await app.close();
  });

  it('without natsUrl: takes JOB_HANDLERS from an imported module', async () => {
    @Module({ providers: [{ provide: JOB_HANDLERS, useValue: handlers }], exports: [JOB_HANDLERS] })
    class WorkersModule {}
    const app = await context(MessagingModule.forRoot({ imports: [WorkersModule] }));
    await expect(app.get<JobsPort>(JOBS_PORT).evaluate({ repository: 'r', image: 'r:1', attestations: [], context: {}, ruleName: 'r' }, within(1_000))).resolves.toEqual({
      attestations: [],
    });
    await app.close();
  });

  it('refuses options it cannot wire', () => {
    expect(() => MessagingModule.forRoot({})).toThrow(TypeError);
    expect(() => MessagingModule.forRoot({ natsUrl: NATS_URL, subjectPrefix: 'bad prefix', tierKeys: TIER_KEYS })).toThrow(TypeError);
    expect(() => MessagingModule.forWorker({ subjects: [] })).toThrow(TypeError);
    expect(() => MessagingModule.forWorker({ subjects: ['notary.v9.nope' as never], handlers })).toThrow(/unknown subject/);
    expect(() => MessagingModule.forWorker({ subjects: [Subjects.verify], handlers: { discover: handlers.discover } })).toThrow(
      'MessagingModule.forWorker: handlers.verify is required to serve notary.v1.verify',
    );
  });
});

describe('@JobHandler on Nest NATS transport', () => {
  it('carries a JobFailure thrown in a hand-written handler to the client, with the request id in the handler', async () => {
    const seen: string[] = [];
    @Controller()
    class LookupController {
      @JobHandler(Subjects.discover)
      discover(@Payload() request: DiscoverRequest, @JobCtx() job: JobContext): never {
        seen.push(job.requestId);
        throw new JobFailure(JobErrorCodes.notFound, `${request.image}: manifest unknown`);
      }
    }
    @Module({ controllers: [LookupController] })
    class LookupModule {}

    const names = isolation();
    const transport = natsWorkerOptions(NATS_URL, names.queue, { subjectPrefix: names.subjectPrefix, tierKeys: TIER_KEYS });
    const worker = await NestFactory.createMicroservice(LookupModule, { ...transport, logger: false });
    await worker.listen();
    const app = await context(MessagingModule.forRoot({ natsUrl: NATS_URL, subjectPrefix: names.subjectPrefix, tierKeys: TIER_KEYS }));
    try {
      const failure = await rejectionOf(app.get<JobsPort>(JOBS_PORT).discover({ image: 'registry.test/app:gone' }, within(2_000, 'req-404')));
      expect(failure).toBeInstanceOf(JobFailure);
      expect(failure).toMatchObject({ code: 'NOT_FOUND', message: 'registry.test/app:gone: manifest unknown' });
      expect(seen).toEqual(['req-404']);
    } finally {
      await app.close();
      await worker.close();
    }
  });
});

const never = (): Promise<never> => Promise.reject(new Error('a probe runs no job'));

describe('MessagingHealth over NATS (the gateway /readyz)', () => {
  it('names each subject no worker serves, and is ok once a worker serves them all', async () => {
    const names = isolation();
    const app = await context(MessagingModule.forRoot({ natsUrl: NATS_URL, subjectPrefix: names.subjectPrefix, tierKeys: TIER_KEYS }));
    try {
      const health = app.get(MessagingHealth);
      const before = await health.check!();
      expect(before.ok).toBe(false);
      expect(before.detail).toBe(
        [
          `no discovery worker serving ${names.subjectPrefix}.notary.v1.discover`,
          `no signature-verifier worker serving ${names.subjectPrefix}.notary.v1.verify`,
          `no attestation-evaluator worker serving ${names.subjectPrefix}.notary.v1.evaluate`,
        ].join('; '),
      );
      const worker = await startWorker({ ...names, subjects: [Subjects.discover, Subjects.verify, Subjects.evaluate], handlers: { discover: never, verify: never, evaluate: never } });
      try {
        await new Promise((r) => setTimeout(r, 2_100)); // past the probe's reuse window
        expect(await health.check!()).toEqual({ ok: true, detail: 'connected; a worker serves every job subject' });
      } finally {
        await worker.stop();
      }
    } finally {
      await app.close();
    }
  });
});
