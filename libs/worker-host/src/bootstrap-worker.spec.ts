/**
 * A worker role as its app starts it: real NATS (a unique subject prefix per
 * test), real Redis (a unique key prefix), a real registry; the job sent by
 * the engine's NATS port, the ops endpoints read over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobErrorCodes, QueueGroups, Subjects, TierKeys } from '@notary-gate/contracts';
import { NatsJobsPort, NatsLink } from '@notary-gate/messaging';
import { ConfigError, JsonLogger } from '@notary-gate/service';
import { pushImage } from '../../../test/e2e/cli/images';
import { startRegistry, type TestRegistry } from '../../../test/support/registry';
import { bootstrapWorker, type WorkerHost } from './bootstrap-worker';
import { dockerConfigPathOf } from './registry-options';
import { loadWorkerConfig } from './worker-config';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

let registry: TestRegistry;
let work: string;
let tierKeyFile: string;
const tierKey = TierKeys.generate();

beforeAll(async () => {
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'ng-worker-host-'));
  tierKeyFile = join(work, 'tier.key');
  writeFileSync(tierKeyFile, `${tierKey}\n`);
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function environment(extra: Record<string, string> = {}): Record<string, string> {
  const id = randomUUID();
  return {
    NATS_URL,
    REDIS_URL,
    NATS_SUBJECT_PREFIX: `test-${id}`,
    CACHE_KEY_PREFIX: `test-${id}:`,
    INSECURE_REGISTRIES: registry.host,
    DOCKER_CONFIG: work, // a directory without config.json: anonymous access
    OPS_PORT: '0',
    OPS_HOST: '127.0.0.1',
    TIER_KEY_FILE: tierKeyFile,
    ...extra,
  };
}

function capture(): { logger: JsonLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: new JsonLogger({ service: 'spec', level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}

/** The value of the sample of `name` carrying all of `labels` (in any order), or undefined. */
function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...match[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
}

async function client(prefix: string): Promise<{ port: NatsJobsPort; link: NatsLink }> {
  const link = await NatsLink.connect({ url: NATS_URL, name: 'worker-host-spec' });
  return { port: new NatsJobsPort(link, { subjectPrefix: prefix, tierKeys: TierKeys.parse(tierKey) }), link };
}

describe('loadWorkerConfig', () => {
  it('lists every bad variable at once, NATS_URL required', () => {
    let error: unknown;
    try {
      loadWorkerConfig({ REDIS_URL: 'http://nope', OPS_PORT: 'ninety', INSECURE_REGISTRIES: 'a b', CACHE_TAG_TTL: 'soon' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.variable).sort()).toEqual(
      ['CACHE_TAG_TTL', 'INSECURE_REGISTRIES', 'NATS_URL', 'OPS_PORT', 'REDIS_URL', 'TIER_KEY_FILE'].sort(),
    );
  });

  it('defaults what it can and resolves the docker config file as docker does', () => {
    const config = loadWorkerConfig({ NATS_URL, DOCKER_CONFIG: '/etc/docker-cfg', TIER_KEY_FILE: tierKeyFile });
    expect(config.opsPort).toBeUndefined(); // the role's own default: 9091, 9092, 9093
    expect(config).toMatchObject({ logLevel: 'info', drainTimeoutMs: 10_000, insecureRegistries: [], tagTtlMs: 60_000 });
    expect(dockerConfigPathOf(config)).toBe('/etc/docker-cfg/config.json');
    const file = join(work, 'auth.json');
    writeFileSync(file, '{"auths":{}}');
    expect(dockerConfigPathOf(loadWorkerConfig({ NATS_URL, DOCKER_CONFIG_FILE: file, TIER_KEY_FILE: tierKeyFile }))).toBe(file);
  });
});

describe('bootstrapWorker', () => {
  let host: WorkerHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('serves its subject in its queue group, with readiness, metrics and request ids in the logs', async () => {
    const env = environment();
    const { logger, lines } = capture();
    host = await bootstrapWorker('discovery', loadWorkerConfig(env), { logger });
    expect(host.server.subscribedSubjects()).toEqual([`${env['NATS_SUBJECT_PREFIX']}.${Subjects.discover}`]);
    expect(lines).toContainEqual(expect.objectContaining({ msg: expect.stringContaining(`queue group ${QueueGroups.discovery}`) }));

    const descriptor = await pushImage(registry.host, 'worker-host/app', 'v1');
    const { port, link } = await client(env['NATS_SUBJECT_PREFIX']!);
    try {
      const reply = await port.discover({ image: `${registry.host}/worker-host/app:v1` }, { deadline: Date.now() + 5_000, requestId: 'req-discover-1' });
      expect(reply.descriptor.digest).toBe(descriptor.digest);
      // An unknown tag is a decision (NOT_FOUND), and its code crosses the wire intact.
      await expect(port.discover({ image: `${registry.host}/worker-host/app:nope` }, { deadline: Date.now() + 5_000, requestId: 'req-discover-2' })).rejects.toMatchObject({
        code: JobErrorCodes.notFound,
      });
    } finally {
      await link.close();
    }
    expect(lines).toContainEqual(expect.objectContaining({ level: 'debug', msg: 'job done', requestId: 'req-discover-1' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'debug', msg: 'job failed', requestId: 'req-discover-2' }));

    const ready = await fetch(`${host.ops.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { name: string; ok: boolean }[] }).checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'nats', ok: true }), expect.objectContaining({ name: 'redis', ok: true })]),
    );
    expect((await fetch(`${host.ops.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${host.ops.url}/metrics`)).text();
    expect(sample(metrics, 'notary_gate_job_handler_duration_seconds_count', { subject: Subjects.discover, outcome: 'ok', service: 'discovery' })).toBe(1);
    expect(sample(metrics, 'notary_gate_job_handler_duration_seconds_count', { subject: Subjects.discover, outcome: 'NOT_FOUND' })).toBe(1);
    expect(sample(metrics, 'notary_gate_registry_requests_total', { registry: registry.host, method: 'HEAD', status: '200' })).toBe(1);
    expect(sample(metrics, 'notary_gate_registry_requests_total', { registry: registry.host, method: 'HEAD', status: '404' })).toBe(1);
    expect(sample(metrics, 'notary_gate_cache_requests_total', { kind: 'tag', result: 'miss' })).toBe(2);

    await host.close();
    expect(host.server.isConnected()).toBe(false);
    await expect(fetch(`${host.ops.url}/healthz`)).rejects.toThrow();
  });

  it('reports Redis unreachable in /readyz and still answers jobs (no cache)', async () => {
    const env = environment({ REDIS_URL: 'redis://127.0.0.1:1' });
    host = await bootstrapWorker('discovery', loadWorkerConfig(env), { logger: capture().logger });
    const descriptor = await pushImage(registry.host, 'worker-host/app', 'v2');
    const { port, link } = await client(env['NATS_SUBJECT_PREFIX']!);
    try {
      const reply = await port.discover({ image: `${registry.host}/worker-host/app:v2` }, { deadline: Date.now() + 5_000, requestId: 'r' });
      expect(reply.descriptor.digest).toBe(descriptor.digest);
    } finally {
      await link.close();
    }
    const ready = await fetch(`${host.ops.url}/readyz`);
    expect(ready.status).toBe(200); // degraded (no cache), still ready: a Redis outage only costs the cache
    expect(((await ready.json()) as { checks: unknown[] }).checks).toContainEqual(expect.objectContaining({ name: 'redis', ok: false, critical: false }));
  });
});
