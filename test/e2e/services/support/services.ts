/**
 * Starts notary-gate's processes in the test process, exactly as
 * `notary-gate serve` starts them (the command's own `startServe`): the HTTPS
 * gateway on NATS, workers on NATS with Redis, or everything embedded.
 * Each suite gets its own NATS subject prefix and Redis key prefix, so
 * suites running in parallel never see each other's jobs or cache entries.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerHost, WorkerRole } from '@notary-gate/worker-host';
import { startServe, type ServeFlags, type ServeHandle } from '../../../../apps/cli/src/commands/serve';
import type { SeedWorld } from './seed-world';

export const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface Isolation {
  /** NATS subject prefix shared by this suite's gateway and workers. */
  subjectPrefix: string;
  /** Redis key prefix of this suite's workers. */
  keyPrefix: string;
}

export function isolation(): Isolation {
  const id = randomUUID();
  return { subjectPrefix: `e2e-${id}`, keyPrefix: `e2e-${id}:` };
}

/** Every log line of the processes a suite started (JSON objects), for assertions and post-mortems. */
export class LogSink {
  readonly lines: Record<string, unknown>[] = [];
  write(text: string): void {
    for (const line of text.split('\n')) if (line.trim() !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
}

/** A DOCKER_CONFIG directory that does not exist: anonymous registry access, whatever the machine's ~/.docker holds. */
const NO_DOCKER_CONFIG = join(tmpdir(), 'notary-gate-e2e-no-docker-config');

/** The tier key shared by every process of the test run (issue 9: NATS and Redis need one). */
export const TIER_KEY_FILE = join(mkdtempSync(join(tmpdir(), 'notary-gate-e2e-tier-')), 'tier.key');
writeFileSync(TIER_KEY_FILE, `${randomBytes(32).toString('base64')}\n`);

/** The environment common to every process of a suite (flags add the rest, as on a command line). */
export function suiteEnvironment(world: SeedWorld, names: Isolation, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NATS_SUBJECT_PREFIX: names.subjectPrefix,
    CACHE_KEY_PREFIX: names.keyPrefix,
    DOCKER_CONFIG: NO_DOCKER_CONFIG,
    HOST: '127.0.0.1',
    OPS_HOST: '127.0.0.1',
    OPS_PORT: '0',
    LOG_LEVEL: 'info',
    WORKER_DRAIN_TIMEOUT: '5s',
    // Nothing missed by the file watcher needs a rescan in a test.
    RESCAN_INTERVAL: '0s',
    TIER_KEY_FILE,
    // These suites watch the tier itself (its jobs, caches and replicas): the gateway asks it every time.
    GATEWAY_CACHE_TTL: '0s',
    ...extra,
  };
}

export interface GatewayOptions {
  policyDir: string;
  /** Default the world's ConfigMap directory; `null` for none. */
  configMapDir?: string | null;
  /** Run everything embedded (no NATS, no Redis) instead of the NATS gateway. */
  embedded?: boolean;
  env?: Record<string, string>;
}

export async function startGateway(world: SeedWorld, names: Isolation, sink: LogSink, options: GatewayOptions): Promise<ServeHandle & { url: string }> {
  const configMapDir = options.configMapDir === undefined ? world.configMapDir : options.configMapDir;
  const flags: ServeFlags = {
    policies: options.policyDir,
    ...(configMapDir !== null ? { configmaps: configMapDir } : {}),
    port: '0',
    insecureRegistry: options.embedded ? [world.registry.host] : [],
    ...(options.embedded ? {} : { role: 'gateway', natsUrl: NATS_URL }),
  };
  const served = await startServe(flags, suiteEnvironment(world, names, options.env), sink);
  return Object.assign(served, { url: served.gateway!.url });
}

export interface WorkerOptions {
  /** Default the shared Redis. */
  redisUrl?: string;
  env?: Record<string, string>;
}

export async function startWorker(role: WorkerRole, world: SeedWorld, names: Isolation, sink: LogSink, options: WorkerOptions = {}): Promise<WorkerHost> {
  const flags: ServeFlags = { role, natsUrl: NATS_URL, redisUrl: options.redisUrl ?? REDIS_URL, insecureRegistry: [world.registry.host] };
  const served = await startServe(flags, suiteEnvironment(world, names, options.env), sink);
  return served.workers[0]!;
}

/** One replica of each worker role. */
export async function startWorkerTier(world: SeedWorld, names: Isolation, sink: LogSink, options: WorkerOptions = {}): Promise<WorkerHost[]> {
  return Promise.all((['discovery', 'verifier', 'evaluator'] as const).map((role) => startWorker(role, world, names, sink, options)));
}

/** Closes whatever was started, in order, ignoring what is already closed. */
export async function closeAll(...things: ({ close(): Promise<void> } | undefined)[]): Promise<void> {
  for (const thing of things) await thing?.close();
}

/** The sum of the Prometheus samples of `name` carrying all of `labels` (any label order), 0 when absent. */
export async function metricValue(metrics: { render(): Promise<string> }, name: string, labels: Record<string, string> = {}): Promise<number> {
  let total = 0;
  for (const line of (await metrics.render()).split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) total += Number(match[3]);
  }
  return total;
}
