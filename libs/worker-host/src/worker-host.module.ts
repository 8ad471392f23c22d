/**
 * A worker app's root module: the service platform (JSON logger, metrics,
 * health) and the NATS handler of its one subject around the worker
 * functions (WorkerJobsModule).
 */
import { Module, type DynamicModule } from '@nestjs/common';
import { MessagingModule } from '@notary-gate/messaging';
import { ServiceModule, type HealthService, type JsonLogger, type ServiceMetrics } from '@notary-gate/service';
import type { WorkerJobsConfig } from './worker-config';
import { WorkerJobsModule } from './worker-jobs.module';
import { WORKER_ROLES, type WorkerRole } from './worker-roles';

/** The platform objects, created by the bootstrap so the ops server (outside Nest) shares them. */
export interface WorkerPlatform {
  logger: JsonLogger;
  metrics: ServiceMetrics;
  health: HealthService;
}

@Module({})
export class WorkerHostModule {
  static forRole(role: WorkerRole, config: WorkerJobsConfig, platform: WorkerPlatform): DynamicModule {
    const spec = WORKER_ROLES[role];
    return {
      module: WorkerHostModule,
      imports: [
        // `nats` readiness comes from the worker's NATS server (bootstrap); `redis` from the cache store, here.
        ServiceModule.forRoot({ service: spec.service, ...platform, checks: { nats: false, cache: true, cacheCritical: false } }),
        MessagingModule.forWorker({ subjects: [spec.subject], imports: [WorkerJobsModule.forRoot({ config })] }),
      ],
    };
  }
}
