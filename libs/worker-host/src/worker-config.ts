/**
 * A worker's environment (STYLE.md §10): the common variables and the cache
 * lifetimes of libs/service, with NATS_URL required — a worker without NATS
 * has nobody to serve — and how long a stopping worker waits for its jobs.
 */
import { ConfigError, cacheVariables, commonVariables, env, loadConfig, mergeSchemas, tierKeyProblem, type ConfigOf, type ConfigProblem, type Environment } from '@notary-gate/service';

export const workerVariables = {
  ...mergeSchemas(commonVariables, cacheVariables),
  natsUrl: env.url('NATS_URL', {
    doc: 'NATS server(s), comma-separated. Required by the worker apps (discovery, signature-verifier, attestation-evaluator).',
    protocols: ['nats:', 'tls:', 'ws:', 'wss:'],
    required: true,
  }),
  opsPort: env.int('OPS_PORT', {
    doc: 'HTTP port serving /healthz, /readyz and /metrics (plain HTTP, for probes and Prometheus); 0 picks a free port. Default per role, so all run on one host: gateway 9090, discovery 9091, signature-verifier 9092, attestation-evaluator 9093. `serve` flag `--ops-port`.',
    min: 0,
    max: 65535,
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
  const problems: ConfigProblem[] = [];
  let config: WorkerConfig | undefined;
  try {
    config = loadConfig(workerVariables, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // A worker takes its jobs from NATS: it refuses to start without the key that seals them.
  const set = (name: string): string | undefined => ((source[name] ?? '').trim() === '' ? undefined : 'set');
  if (!problems.some((problem) => problem.variable === 'TIER_KEY_FILE')) {
    const missing = tierKeyProblem({ tierKeyFile: set('TIER_KEY_FILE'), natsUrl: set('NATS_URL') ?? 'required', redisUrl: set('REDIS_URL') });
    if (missing) problems.push(missing);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config!;
}

/**
 * What the worker functions need, whichever process hosts them (a worker app
 * or the embedded mode): the cache and registry parts of the configuration.
 */
export type WorkerJobsConfig = Pick<
  WorkerConfig,
  | 'redisUrl'
  | 'redisCommandTimeoutMs'
  | 'tierKeyFile'
  | 'redisTlsCaFile'
  | 'redisTlsCertFile'
  | 'redisTlsKeyFile'
  | 'redisUsername'
  | 'redisPasswordFile'
  | 'redisSentinels'
  | 'redisSentinelName'
  | 'redisCluster'
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
