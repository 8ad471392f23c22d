// libs/service — the service platform shared by every app: configuration from the environment,
// JSON logs, Prometheus metrics, health checks and the ops HTTP endpoints (Nest and plain Node).

// [config]
export {
  ConfigError,
  env,
  loadConfig,
  mergeSchemas,
  type ConfigOf,
  type ConfigProblem,
  type ConfigSchema,
  type Environment,
  type Variable,
  type VariableBuilder,
  type VariableKind,
} from './config/schema';
export { LOG_LEVELS, cacheVariables, commonVariables, type CacheConfig, type CommonConfig, type LogLevel } from './config/common';
export { renderConfigTable, type DocumentedSchema } from './config/docs';
export { processEnvironment } from './config/process-env';
export { checkedNatsSecurity, natsClientOptions, natsSecurityOf, redisConnectionOf, requireTierKeys, tierKeyProblem, tierKeysOf } from './config/tier';

// [logging]
export { JsonLogger, nestLogLevels, type JsonLoggerOptions, type LogFields } from './logging/json-logger';
export { REDACTED, errorFields, isSecretKey, redact, redactText } from './logging/redact';

// [metrics]
export { ServiceMetrics, type AdmissionResult, type ServiceMetricsOptions, type VerificationOutcome } from './metrics/service-metrics';
export { instrumentJobHandlers, instrumentJobsPort, type InstrumentOptions } from './metrics/instrument-jobs';
export { countingRegistryDispatcher, registryMetricsInterceptor, type RegistryAgentOptions } from './metrics/registry-metrics';

// [health]
export {
  CHECK_TIMEOUT_MS,
  HealthService,
  cacheCheck,
  messagingCheck,
  type CheckReport,
  type CheckResult,
  type LivenessReport,
  type ReadinessCheck,
  type ReadinessReport,
} from './health/health.service';

// [http]
export { OPS_PATHS, opsRequestHandler, opsResponse, type OpsEndpoints, type OpsPath, type OpsResponse } from './http/ops-handler';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './http/ops-server';
export { OpsController } from './http/ops.controller';

// [nest]
export { ServiceModule, type ServiceModuleOptions } from './service.module';
