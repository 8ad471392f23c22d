/**
 * Starts one worker role: a Nest microservice on the NATS transport (queue
 * group of the role, so replicas share the load), its ops server
 * (`/healthz`, `/readyz` with NATS and Redis, `/metrics`), JSON logs.
 * `close()` drains: the subscription stops, the jobs already taken are
 * answered (libs/messaging JobsNatsServer), then connections close.
 */
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { natsWorkerOptions, type JobsNatsServer } from '@notary-gate/messaging';
import { HealthService, JsonLogger, ServiceMetrics, checkedNatsSecurity, requireTierKeys, startOpsServer, type OpsServer } from '@notary-gate/service';
import type { WorkerConfig } from './worker-config';
import { WorkerHostModule } from './worker-host.module';
import { WORKER_ROLES, type WorkerRole } from './worker-roles';

export interface WorkerHostOptions {
  /** Share or capture logs (tests); default a JsonLogger on stdout at LOG_LEVEL. */
  logger?: JsonLogger;
  /** Default: a registry of this worker's own. */
  metrics?: ServiceMetrics;
  /** Queue group override (default the role's `QueueGroups` entry). */
  queue?: string;
}

export interface WorkerHost {
  readonly role: WorkerRole;
  readonly service: string;
  readonly app: INestMicroservice;
  /** The NATS transport (subscribed subjects, connection state). */
  readonly server: JobsNatsServer;
  readonly ops: OpsServer;
  readonly logger: JsonLogger;
  readonly metrics: ServiceMetrics;
  readonly health: HealthService;
  /** Graceful stop: drain NATS, answer the jobs held, close the cache and registry connections, then the ops server. Idempotent. */
  close(): Promise<void>;
}

export async function bootstrapWorker(role: WorkerRole, config: WorkerConfig, options: WorkerHostOptions = {}): Promise<WorkerHost> {
  const spec = WORKER_ROLES[role];
  const logger = options.logger ?? new JsonLogger({ service: spec.service, level: config.logLevel });
  const metrics = options.metrics ?? new ServiceMetrics({ service: spec.service });
  const health = new HealthService(spec.service);
  const transport = natsWorkerOptions(config.natsUrl, options.queue ?? spec.queue, {
    tierKeys: requireTierKeys(config)!,
    security: checkedNatsSecurity(config),
    pingIntervalMs: config.natsPingIntervalMs,
    ...(config.subjectPrefix !== undefined ? { subjectPrefix: config.subjectPrefix } : {}),
    name: spec.service,
    drainTimeoutMs: config.drainTimeoutMs,
  });
  const server = transport.strategy;
  health.register({ name: 'nats', check: () => ({ ok: server.isConnected(), detail: server.describeStatus() }) });

  const app = await NestFactory.createMicroservice(WorkerHostModule.forRole(role, config, { logger, metrics, health }), {
    ...transport,
    logger,
    // Boot errors are thrown to the caller (and logged by main), not turned into process.exit by Nest.
    abortOnError: false,
  });
  let ops: OpsServer | undefined;
  try {
    // The ops port first: while NATS cannot be reached (retried with backoff), /readyz says why.
    ops = await startOpsServer({ port: config.opsPort ?? spec.opsPort, host: config.opsHost, health, metrics });
    await app.listen();
  } catch (error) {
    await app.close().catch(() => undefined);
    await ops?.close();
    throw error;
  }
  logger.info(`${spec.service} serving ${server.subscribedSubjects().join(', ')} in queue group ${options.queue ?? spec.queue}`, {
    context: 'Worker',
    ops: ops.url,
    cache: config.redisUrl !== undefined ? 'redis' : 'memory',
  });

  let closing: Promise<void> | undefined;
  const opsServer = ops;
  return {
    role,
    service: spec.service,
    app,
    server,
    ops: opsServer,
    logger,
    metrics,
    health,
    close: () =>
      (closing ??= (async () => {
        logger.info(`${spec.service} stopping: draining jobs`, { context: 'Worker' });
        try {
          await app.close();
        } finally {
          await opsServer.close();
        }
        logger.info(`${spec.service} stopped`, { context: 'Worker' });
      })()),
  };
}
