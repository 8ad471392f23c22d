/**
 * Test support for the messaging specs (not exported): real NATS, a unique
 * subject prefix and queue group per test, workers started on Nest's NATS
 * transport exactly as the apps start them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { TierKeys, type Subject } from '@notary-gate/contracts';
import type { JobHandlers } from './job-handlers';
import { MessagingModule } from './messaging.module';
import { NatsJobsPort } from './nats-jobs-port';
import { NatsLink } from './nats-link';
import type { NatsSecurity } from './nats-security';
import { natsWorkerOptions, type JobsNatsServer } from './rpc/jobs-nats-server';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** The tier key of the messaging specs (one per test run). */
export const TIER_KEYS = TierKeys.of(randomBytes(32));

/** A prefix and queue group no other test (or parallel run) uses. */
export function isolation(): { subjectPrefix: string; queue: string } {
  const id = randomUUID();
  return { subjectPrefix: `test-${id}`, queue: `test-${id}` };
}

export interface Worker {
  app: INestMicroservice;
  server: JobsNatsServer;
  stop(): Promise<void>;
}

/** Starts a worker microservice serving `subjects` with `handlers`, as `apps/*` do. */
export async function startWorker(options: {
  subjectPrefix: string;
  queue: string;
  subjects: Subject[];
  handlers: Partial<JobHandlers>;
  drainTimeoutMs?: number;
  tierKeys?: TierKeys;
  url?: string;
  security?: NatsSecurity;
}): Promise<Worker> {
  const transport = natsWorkerOptions(options.url ?? NATS_URL, options.queue, {
    tierKeys: options.tierKeys ?? TIER_KEYS,
    ...(options.security ? { security: options.security } : {}),
    subjectPrefix: options.subjectPrefix,
    drainTimeoutMs: options.drainTimeoutMs ?? 2_000,
    reconnectTimeWaitMs: 100,
  });
  const app = await NestFactory.createMicroservice(
    MessagingModule.forWorker({ subjects: options.subjects, handlers: options.handlers }),
    { ...transport, logger: false },
  );
  await app.listen();
  let stopped = false;
  return {
    app,
    server: transport.strategy,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await app.close();
    },
  };
}

/** A client port on its own connection. */
export async function startClient(subjectPrefix: string, url = NATS_URL, tierKeys = TIER_KEYS): Promise<{ port: NatsJobsPort; link: NatsLink }> {
  const link = await NatsLink.connect({ url, name: 'messaging-spec', reconnectTimeWaitMs: 100 });
  return { port: new NatsJobsPort(link, { subjectPrefix, tierKeys }), link };
}

/** Job options with a deadline `ms` from now. */
export function within(ms: number, requestId: string = randomUUID()): { deadline: number; requestId: string } {
  return { deadline: Date.now() + ms, requestId };
}

/** Resolves when `condition` holds, polling; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A TCP relay to NATS that a test can cut and restore, to lose the connection on purpose. */
export class CuttableRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = tcpConnect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  /** Drops every connection and stops accepting new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
