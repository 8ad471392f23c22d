// libs/worker-host — hosting the worker functions in a Nest process: the three worker roles over NATS
// (queue groups, ops server, JSON logs, metrics), and the same worker module for the embedded mode.
export { WORKER_ROLES, isWorkerRole, type WorkerRole, type WorkerRoleSpec } from './worker-roles';
export { loadWorkerConfig, workerVariables, type WorkerConfig, type WorkerJobsConfig } from './worker-config';
export { dockerConfigPathOf, serviceRegistryAccess, type ServiceRegistryAccess } from './registry-options';
export { CACHE_ERROR_LOG_INTERVAL_MS, WORKERS, WorkerJobsModule, jobHandlersOf, throttledCacheErrors, type WorkerJobsModuleOptions } from './worker-jobs.module';
export { WorkerHostModule, type WorkerPlatform } from './worker-host.module';
export { bootstrapWorker, type WorkerHost, type WorkerHostOptions } from './bootstrap-worker';
export { untilShutdown, type ShutdownLogger, type Stoppable } from './shutdown';
export { mainOfWorker, runWorker } from './run-worker';
