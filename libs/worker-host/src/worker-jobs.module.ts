/**
 * The worker functions as a Nest module: the cache (Redis with REDIS_URL,
 * memory otherwise), registry access from the configuration, `createWorkers`
 * over both, and `JOB_HANDLERS` — timed into the service metrics and run
 * with the job's request id in the log context.
 *
 * The same module serves both wirings (DESIGN.md "one path, three wirings"):
 * a worker app mounts it under `MessagingModule.forWorker` (NATS handlers),
 * the embedded mode under `MessagingModule.forRoot` (in-process port).
 * Needs `ServiceModule` (logger, metrics) in the application.
 */
import { Inject, Injectable, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { CACHE_STORE, CacheModule, type CacheErrorHandler, type CacheModuleOptions, type ManagedCacheStore } from '@notary-gate/cache';
import { JOB_HANDLERS, type JobContext, type JobHandlers } from '@notary-gate/messaging';
import { JsonLogger, ServiceMetrics, instrumentJobHandlers, redisConnectionOf, requireTierKeys } from '@notary-gate/service';
import { createWorkers, type Workers } from '@notary-gate/workers';
import { serviceRegistryAccess, type ServiceRegistryAccess } from './registry-options';
import type { WorkerJobsConfig } from './worker-config';

export interface WorkerJobsModuleOptions {
  config: WorkerJobsConfig;
  /**
   * Count signature verifications on this side. Default true; the embedded
   * mode counts them once, here, and not again on the engine's port.
   */
  countVerifications?: boolean;
}

/** Injection token of the `Workers` (the three functions and their registry client). */
export const WORKERS = Symbol.for('notary-gate.worker-host.WORKERS');
const REGISTRY_ACCESS = Symbol('REGISTRY_ACCESS');

/** Closes the registry client, then the counting dispatcher under it, when the app stops. */
@Injectable()
class WorkersLifecycle implements OnModuleDestroy {
  constructor(
    @Inject(WORKERS) private readonly workers: Workers,
    @Inject(REGISTRY_ACCESS) private readonly access: ServiceRegistryAccess,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.workers.close();
    await this.access.close();
  }
}

@Module({})
export class WorkerJobsModule {
  static forRoot(options: WorkerJobsModuleOptions): DynamicModule {
    const { config } = options;
    // Refused at once (ConfigError) when Redis is shared without a tier key; memory may do without.
    const tierKeys = requireTierKeys({ tierKeyFile: config.tierKeyFile, natsUrl: undefined, redisUrl: config.redisUrl });
    const redis = config.redisUrl !== undefined ? { ...redisConnectionOf(config), commandTimeoutMs: config.redisCommandTimeoutMs } : {};
    return {
      module: WorkerJobsModule,
      imports: [
        CacheModule.forRootAsync({
          inject: [ServiceMetrics, JsonLogger],
          useFactory: (metrics: ServiceMetrics, logger: JsonLogger): CacheModuleOptions => ({
            ...(config.redisUrl !== undefined ? { redisUrl: config.redisUrl, redis } : {}),
            ...(config.cacheKeyPrefix !== undefined ? { keyPrefix: config.cacheKeyPrefix } : {}),
            maxMemoryBytes: config.memoryCacheBytes,
            metrics: metrics.cacheMetrics(),
            // The store swallows outages (no cache, never a failed job); say so in the logs, not once per command.
            onError: throttledCacheErrors(logger),
            ...(tierKeys ? { tierKeys } : {}),
            onRejected: (key: string, why: string) => logger.warn(`cache value refused and evicted: ${why}`, { context: 'Cache', key }),
          }),
        }),
      ],
      providers: [
        {
          provide: REGISTRY_ACCESS,
          inject: [ServiceMetrics, JsonLogger],
          useFactory: (metrics: ServiceMetrics, logger: JsonLogger) => serviceRegistryAccess(config, metrics, logger),
        },
        {
          provide: WORKERS,
          inject: [REGISTRY_ACCESS, CACHE_STORE],
          useFactory: (access: ServiceRegistryAccess, cache: ManagedCacheStore): Workers =>
            createWorkers({
              registry: access.options,
              cache,
              lifetimes: { tagTtlMs: config.tagTtlMs, referrersTtlMs: config.referrersTtlMs, contentTtlMs: config.contentTtlMs },
              verdictTtlMs: config.verdictTtlMs,
              revocation: config.revocationCheck,
              ...(tierKeys ? { tierKeys } : {}),
            }),
        },
        {
          provide: JOB_HANDLERS,
          inject: [WORKERS, ServiceMetrics, JsonLogger],
          useFactory: (workers: Workers, metrics: ServiceMetrics, logger: JsonLogger): JobHandlers =>
            instrumentJobHandlers(jobHandlersOf(workers, logger), metrics, { countVerifications: options.countVerifications ?? true }),
        },
        WorkersLifecycle,
      ],
      exports: [JOB_HANDLERS, WORKERS, CacheModule],
    };
  }
}

/**
 * The worker functions as `JobHandlers`: each job logs its end at debug, with its request id.
 * The id is passed as a field, not through an async context (AsyncLocalStorage): once used, an async
 * context puts a hook on every promise of the process, which in the embedded mode is every admission's.
 */
export function jobHandlersOf(workers: Pick<Workers, 'discover' | 'verify' | 'evaluate'>, logger: JsonLogger): JobHandlers {
  const traced =
    <Q, R>(run: (request: Q) => Promise<R>) =>
    async (request: Q, context: JobContext): Promise<R> => {
      const started = Date.now();
      const fields = () => ({ requestId: context.requestId, context: 'Jobs', subject: context.subject, traceId: context.traceId, ...clusterOf(context), durationMs: Date.now() - started });
      try {
        const reply = await run(request);
        logger.debug('job done', fields());
        return reply;
      } catch (error) {
        // The RPC filter logs the failure with its code; this line keeps the timing.
        logger.debug('job failed', fields());
        throw error;
      }
    };
  return {
    discover: traced((request) => workers.discover(request)),
    verify: traced((request) => workers.verify(request)),
    evaluate: traced((request) => workers.evaluate(request)),
  };
}

/** The sending gateway's CLUSTER_NAME as a log field, when it has one. */
function clusterOf(context: JobContext): { cluster?: string } {
  return context.cluster ? { cluster: context.cluster } : {};
}

/** How often an ongoing cache outage is logged (per operation); the error metric counts every one. */
export const CACHE_ERROR_LOG_INTERVAL_MS = 10_000;

/** A cache error handler logging at most one line per operation per interval, with the count it held back. */
export function throttledCacheErrors(logger: Pick<JsonLogger, 'warn'>, intervalMs = CACHE_ERROR_LOG_INTERVAL_MS, now: () => number = Date.now): CacheErrorHandler {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (error, operation) => {
    const seen = last.get(operation);
    if (seen && now() - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    last.set(operation, { at: now(), suppressed: 0 });
    logger.warn(`cache ${operation} failed (serving without the cache): ${error.message}`, {
      context: 'Cache',
      operation,
      ...(seen && seen.suppressed > 0 ? { suppressed: seen.suppressed } : {}),
    });
  };
}
