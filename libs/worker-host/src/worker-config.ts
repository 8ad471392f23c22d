/**
 * A worker's environment (STYLE.md §10): the common variables and the cache
 * lifetimes of libs/service, with NATS_URL required — a worker without NATS
 * has nobody to serve — and how long a stopping worker waits for its jobs.
 */
import { cacheVariables, commonVariables, env, loadConfig, mergeSchemas, type ConfigOf, type Environment } from '@notary-gate/service';

export const workerVariables = {
  ...mergeSchemas(commonVariables, cacheVariables),
  natsUrl: env.url('NATS_URL', {
    doc: 'NATS server(s), comma-separated. Required by the worker apps (discovery, signature-verifier, attestation-evaluator).',
    protocols: ['nats:', 'tls:', 'ws:', 'wss:'],
    required: true,
  }),
  drainTimeoutMs: env.duration('WORKER_DRAIN_TIMEOUT', {
    doc: 'On SIGTERM a worker stops taking jobs and waits this long (never past their deadlines) for the jobs it holds to be answered.',
    default: 10_000,
    min: 0,
  }),
};

export type WorkerConfig = ConfigOf<typeof workerVariables>;

/** Validates a worker's environment; every bad variable is listed in one `ConfigError`. */
export function loadWorkerConfig(source: Environment): WorkerConfig {
  return loadConfig(workerVariables, source);
}

/**
 * What the worker functions need, whichever process hosts them (a worker app
 * or the embedded mode): the cache and registry parts of the configuration.
 */
export type WorkerJobsConfig = Pick<
  WorkerConfig,
  | 'redisUrl'
  | 'cacheKeyPrefix'
  | 'memoryCacheBytes'
  | 'tagTtlMs'
  | 'referrersTtlMs'
  | 'contentTtlMs'
  | 'verdictTtlMs'
  | 'revocationCheck'
  | 'insecureRegistries'
  | 'registryMirrors'
  | 'dockerConfig'
  | 'dockerConfigFile'
  | 'registryTimeoutMs'
>;
