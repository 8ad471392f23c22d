/**
 * The service platform as one global Nest module: the JSON logger, the
 * metrics registry and the health checks every app shares. Readiness checks
 * for NATS and the cache are registered from whatever MessagingModule and
 * CacheModule the app imported; apps add their own (`HealthService.register`).
 */
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CACHE_STORE, type ManagedCacheStore } from '@notary-gate/cache';
import { MessagingHealth } from '@notary-gate/messaging';
import type { LogLevel } from './config/common';
import { HealthService, cacheCheck, messagingCheck } from './health/health.service';
import { OpsController } from './http/ops.controller';
import { JsonLogger } from './logging/json-logger';
import { ServiceMetrics } from './metrics/service-metrics';

export interface ServiceModuleOptions {
  /** `service` in logs, metrics and health bodies. */
  service: string;
  logLevel?: LogLevel;
  /** Share instances across apps of one process (the embedded mode) or with code outside Nest. */
  logger?: JsonLogger;
  metrics?: ServiceMetrics;
  health?: HealthService;
  /** Serve GET /healthz, /readyz and /metrics on this app's HTTP server. Default false (workers use `startOpsServer`). */
  opsController?: boolean;
  /**
   * Readiness checks registered at bootstrap from the app's providers:
   * `nats` from MessagingHealth (leave false for the in-process transport),
   * `cache` from CACHE_STORE (named `redis` with Redis). Defaults: true, true.
   * A non-critical check is reported in /readyz but does not make it fail.
   */
  checks?: { nats?: boolean; natsCritical?: boolean; cache?: boolean; cacheCritical?: boolean };
}

const SERVICE_MODULE_OPTIONS = Symbol('SERVICE_MODULE_OPTIONS');

@Injectable()
class PlatformChecks implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly health: HealthService,
    @Inject(SERVICE_MODULE_OPTIONS) private readonly options: ServiceModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    const checks = this.options.checks ?? {};
    const messaging = (checks.nats ?? true) ? this.find<MessagingHealth>(MessagingHealth) : undefined;
    if (messaging && !this.health.has('nats')) this.health.register(messagingCheck(messaging, 'nats', { critical: checks.natsCritical ?? true }));
    const store = (checks.cache ?? true) ? this.find<ManagedCacheStore>(CACHE_STORE) : undefined;
    if (store) this.health.register(cacheCheck(store, { critical: checks.cacheCritical ?? true }));
  }

  private find<T>(token: unknown): T | undefined {
    try {
      return this.moduleRef.get<T>(token as symbol, { strict: false });
    } catch {
      return undefined; // the app does not use that part
    }
  }
}

@Module({})
export class ServiceModule {
  static forRoot(options: ServiceModuleOptions): DynamicModule {
    if (typeof options?.service !== 'string' || options.service === '') throw new TypeError('ServiceModule.forRoot: service is required');
    const logger = options.logger ?? new JsonLogger({ service: options.service, level: options.logLevel ?? 'info' });
    const metrics = options.metrics ?? new ServiceMetrics({ service: options.service });
    const health = options.health ?? new HealthService(options.service);
    return {
      module: ServiceModule,
      global: true,
      controllers: options.opsController ? [OpsController] : [],
      providers: [
        { provide: SERVICE_MODULE_OPTIONS, useValue: options },
        { provide: JsonLogger, useValue: logger },
        { provide: ServiceMetrics, useValue: metrics },
        { provide: HealthService, useValue: health },
        PlatformChecks,
      ],
      exports: [JsonLogger, ServiceMetrics, HealthService],
    };
  }
}
