/**
 * `notary-gate serve`: the admission controller as a long-running process.
 *
 * - Embedded (no NATS_URL): the gateway and the three workers in this one
 *   process, jobs on the in-process transport, cache in memory (or Redis with
 *   REDIS_URL) — GatewayModule with `MessagingModule.forRoot` over the same
 *   WorkerJobsModule the worker apps mount on NATS: the same modules, other
 *   providers (DESIGN.md "Two ways to run, one code path").
 * - Distributed (NATS_URL): `--role gateway|discovery|verifier|evaluator`
 *   runs that one role, exactly as its app (apps/<role>/src/main.ts) does.
 *
 * Every flag sets the environment variable of the same meaning, and the
 * result is validated by the apps' own schemas (libs/service), all bad
 * variables listed at once. Runs until SIGTERM/SIGINT, then drains.
 */
import type { Command } from 'commander';
import { MessagingModule } from '@notary-gate/messaging';
import {
  ConfigError,
  HealthService,
  JsonLogger,
  ServiceMetrics,
  cacheVariables,
  commonVariables,
  env,
  loadConfig,
  mergeSchemas,
  natsClientOptions,
  processEnvironment,
  requireTierKeys,
  type ConfigProblem,
  type Environment,
} from '@notary-gate/service';
import { WORKER_ROLES, WorkerJobsModule, bootstrapWorker, loadWorkerConfig, untilShutdown, type WorkerHost } from '@notary-gate/worker-host';
import { bootstrapGateway, loadGatewayConfig, type GatewayHandle } from '../../../gateway/src';
import type { CliContext, OutputStream } from '../support/context';
import { UsageError } from '../support/errors';
import { collect } from '../support/key-value';

export const SERVE_ROLES = ['all', 'gateway', 'discovery', 'verifier', 'evaluator'] as const;
export type ServeRole = (typeof SERVE_ROLES)[number];

/** The variable of `--role` (the other flags map onto the apps' variables). */
export const serveVariables = {
  role: env.enum('NOTARY_GATE_ROLE', {
    doc: '`notary-gate serve`: the role to run — `all` (embedded, no NATS_URL) or, with NATS_URL, one of gateway, discovery, verifier, evaluator. Flag `--role`.',
    values: SERVE_ROLES,
  }),
};

export interface ServeFlags {
  role?: string;
  policies?: string;
  configmaps?: string;
  port?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureRegistry: string[];
  registryMirror?: string[];
  dockerConfig?: string;
  natsUrl?: string;
  redisUrl?: string;
  opsPort?: string;
  tierKey?: string;
  clusterName?: string;
}

/** Flag → the environment variable it sets. */
const FLAG_VARIABLES = {
  role: 'NOTARY_GATE_ROLE',
  policies: 'POLICY_DIR',
  configmaps: 'CONFIGMAP_DIR',
  port: 'PORT',
  tlsCert: 'TLS_CERT_FILE',
  tlsKey: 'TLS_KEY_FILE',
  dockerConfig: 'DOCKER_CONFIG_FILE',
  natsUrl: 'NATS_URL',
  redisUrl: 'REDIS_URL',
  opsPort: 'OPS_PORT',
  tierKey: 'TIER_KEY_FILE',
  clusterName: 'CLUSTER_NAME',
} as const satisfies Partial<Record<keyof ServeFlags, string>>;

export function registerServeCommand(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('Run the admission controller: all roles in-process (no NATS_URL), or one role over NATS')
    .option('--role <role>', 'with NATS_URL: gateway, discovery, verifier or evaluator; without: all (NOTARY_GATE_ROLE)')
    .option('--policies <dir>', 'Kyverno policy YAML directory, hot-reloaded (POLICY_DIR)')
    .option('--configmaps <dir>', 'ConfigMap manifests for policy `context` entries (CONFIGMAP_DIR)')
    .option('--port <n>', 'HTTPS port of the webhook (PORT, default 9443)')
    .option('--tls-cert <file>', 'PEM certificate, reloaded on change; without: self-signed (TLS_CERT_FILE)')
    .option('--tls-key <file>', 'PEM private key (TLS_KEY_FILE)')
    .option('--insecure-registry <host[:port]>', 'registry reached over plain HTTP; repeatable (INSECURE_REGISTRIES)', collect, [])
    .option('--registry-mirror <source=target>', 'serve a registry (prefix) from an OCI layout or another registry, e.g. ghcr.io=oci-layout:/bundle; repeatable (REGISTRY_MIRRORS)', collect, [])
    .option('--docker-config <file>', 'docker config.json with registry credentials (DOCKER_CONFIG_FILE; default $DOCKER_CONFIG/config.json)')
    .option('--nats-url <url>', 'NATS server(s): distributed mode (NATS_URL)')
    .option('--redis-url <url>', 'Redis for the shared cache (REDIS_URL; default in-memory)')
    .option('--ops-port <n>', 'plain-HTTP port of /healthz, /readyz, /metrics (OPS_PORT; default 9090 gateway/embedded, 9091 discovery, 9092 verifier, 9093 evaluator)')
    .option('--tier-key <file>', 'tier key file sealing jobs, replies and cache values; required with NATS or Redis (TIER_KEY_FILE)')
    .option('--cluster-name <name>', 'name of the cluster this gateway admits for, carried in its jobs (CLUSTER_NAME)')
    .action(async (flags: ServeFlags) => {
      const running = await startServe(flags, processEnvironment(), context.stdout);
      await untilShutdown(running, running.logger);
    });
}

/** A running `serve`: the gateway (roles all and gateway) and the workers (all, or the one role). */
export interface ServeHandle {
  readonly role: ServeRole;
  readonly gateway: GatewayHandle | undefined;
  readonly workers: WorkerHost[];
  readonly logger: JsonLogger;
  /** Graceful stop: the gateway first (no new admissions), then the workers drain. */
  close(): Promise<void>;
}

/** Starts what `serve` runs; the flags override the environment. Throws UsageError for bad flags or variables. */
export async function startServe(flags: ServeFlags, environment: Environment, stdout: OutputStream): Promise<ServeHandle> {
  const fromFlags = flagVariables(flags);
  const variables = { ...environment, ...fromFlags };
  // Problems with a value the user passed as a flag are reported under the flag's name.
  const configs = <A, B = never>(first: () => A, second?: () => B): [A, B] => loadAll(flagNames(fromFlags), first, second);
  const role = roleOf(variables, configs);
  // To the process's own stdout, logs go through JsonLogger's asynchronous destination; another sink (tests) gets each line.
  const output = stdout.fd !== undefined ? { fd: stdout.fd } : { write: (line: string): void => void stdout.write(`${line}\n`) };

  if (role === 'all') {
    const [config, jobsConfig] = configs(() => loadGatewayConfig(variables), () => loadConfig(mergeSchemas(commonVariables, cacheVariables), variables));
    // A shared Redis is untrusted: the embedded mode then needs the tier key to authenticate cache values.
    configs(() => requireTierKeys({ tierKeyFile: jobsConfig.tierKeyFile, natsUrl: undefined, redisUrl: jobsConfig.redisUrl }));
    const cluster = config.clusterName ? { cluster: config.clusterName } : {};
    const logger = new JsonLogger({ service: 'embedded', level: config.logLevel, fields: cluster, ...output });
    // One metrics registry for the process; verifications are counted once, by the workers' side.
    const metrics = new ServiceMetrics({ service: 'embedded', ...cluster });
    const gateway = await bootstrapGateway(config, {
      logger,
      metrics,
      health: new HealthService('embedded'),
      countVerifications: false,
      messaging: MessagingModule.forRoot({ imports: [WorkerJobsModule.forRoot({ config: jobsConfig })] }),
      opsServer: true,
    });
    logger.info('notary-gate serve: embedded mode (in-process transport)', { url: gateway.url, cache: jobsConfig.redisUrl ? 'redis' : 'memory' });
    return handle(role, logger, gateway, []);
  }

  if (role === 'gateway') {
    const [config] = configs(() => loadGatewayConfig(variables, { requireNats: true }));
    const [messaging] = configs(() => natsClientOptions(config, 'notary-gate-gateway'));
    const logger = new JsonLogger({ service: 'gateway', level: config.logLevel, fields: config.clusterName ? { cluster: config.clusterName } : {}, ...output });
    const gateway = await bootstrapGateway(config, { logger, messaging: MessagingModule.forRoot(messaging), opsServer: true });
    return handle(role, logger, gateway, []);
  }

  const [config] = configs(() => loadWorkerConfig(variables));
  const worker = await bootstrapWorker(role, config, { logger: new JsonLogger({ service: WORKER_ROLES[role].service, level: config.logLevel, ...output }) });
  return handle(role, worker.logger, undefined, [worker]);
}

function flagVariables(flags: ServeFlags): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const value = flags[flag as keyof typeof FLAG_VARIABLES];
    if (value !== undefined) variables[variable] = value;
  }
  if (flags.insecureRegistry.length > 0) variables['INSECURE_REGISTRIES'] = flags.insecureRegistry.join(',');
  if (flags.registryMirror !== undefined && flags.registryMirror.length > 0) variables['REGISTRY_MIRRORS'] = flags.registryMirror.join(',');
  return variables;
}

/** The role: `--role`/NOTARY_GATE_ROLE; `all` without NATS, and required with it (one process, one role). */
function roleOf(variables: Environment, configs: <A>(first: () => A) => [A, never]): ServeRole {
  const [{ role }] = configs(() => loadConfig(serveVariables, variables));
  const nats = (variables['NATS_URL'] ?? '').trim() !== '';
  if (nats && (role === undefined || role === 'all')) {
    throw new UsageError('with NATS_URL, serve runs one role: give --role gateway, discovery, verifier or evaluator (without NATS_URL it runs all of them in-process)');
  }
  if (!nats && role !== undefined && role !== 'all') {
    throw new UsageError(`--role ${role} needs NATS_URL (--nats-url): the roles of one deployment meet over NATS; without it, serve runs all roles in-process`);
  }
  return role ?? 'all';
}

/** `--port` for PORT, … : the flags behind the variables they set. */
function flagNames(fromFlags: Record<string, string>): Map<string, string> {
  const names = new Map<string, string>();
  const all: Record<string, string> = { ...FLAG_VARIABLES, insecureRegistry: 'INSECURE_REGISTRIES', registryMirror: 'REGISTRY_MIRRORS' };
  for (const [flag, variable] of Object.entries(all)) {
    if (variable in fromFlags) names.set(variable, `--${flag.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`);
  }
  return names;
}

/** Runs the loaders and reports every problem of all of them at once, as one usage error naming the flag or variable at fault. */
function loadAll<A, B = never>(flagged: Map<string, string>, first: () => A, second?: () => B): [A, B] {
  const problems: ConfigProblem[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) {
        if (!problems.some((known) => known.variable === problem.variable && known.message === problem.message)) problems.push(problem);
      }
      return undefined;
    }
  };
  const a = attempt(first);
  const b = second ? attempt(second) : undefined;
  if (problems.length > 0) {
    const error = new ConfigError(problems);
    const listed = problems.map((problem) => `${flagged.get(problem.variable) ?? problem.variable}: ${problem.message}`).join('; ');
    throw new UsageError(`invalid configuration: ${listed}`, { cause: error });
  }
  return [a as A, b as B];
}

function handle(role: ServeRole, logger: JsonLogger, gateway: GatewayHandle | undefined, workers: WorkerHost[]): ServeHandle {
  let closing: Promise<void> | undefined;
  return {
    role,
    gateway,
    workers,
    logger,
    close: () =>
      (closing ??= (async () => {
        await gateway?.close();
        await Promise.all(workers.map((worker) => worker.close()));
      })()),
  };
}
