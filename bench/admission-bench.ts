/**
 * `npm run bench:admission` (after `npm run build`): admissions end to end on
 * this machine, every scenario measured side by side in one run and stated as
 * a share of a bare responder's throughput — a ratio, since absolute rates
 * depend on the machine. A real registry (Debian's docker-registry on
 * loopback) holds seed-shaped images signed by our signer; the policy is the
 * seed's notary policy (check-image-notary):
 *
 *   bare         a bare Node HTTPS server that parses the AdmissionReview and answers allowed + patch (the floor)
 *   embedded     `notary-gate serve` (gateway + workers in one process), AdmissionReviews over keep-alive HTTPS
 *   distributed  `serve --role gateway|discovery|verifier|evaluator` as four processes over NATS, cache in Redis,
 *                the tier key in place (jobs and replies sealed, cache values authenticated)
 *   engine       (optional) evaluateAdmission over createWorkers(...).port(), in-memory cache, in this process
 *   attestation  (optional) embedded, with the seed's SBOM license policy (check-image-sbom-license)
 *
 * Warm: one signed image, its verdict and content cached, 20 keep-alive HTTPS
 * connections in a closed loop for a fixed time; reported as admissions/s,
 * the share of the bare responder's, p50/p99 at the client, the server's peak
 * RSS, and registry requests per admission (the registry's own access log).
 * Cold: every admission a distinct, never-seen signed image (the full
 * registry path), c=1 and c=16; and 200 concurrent admissions of one uncached
 * image through the distributed tier (coalescing). Ends with the targets
 * (issue 11) and whether each is met.
 *
 * Options:
 *   --quick                  shorter runs
 *   --warm-only              only the warm runs (no cold runs, no burst), e.g. with --profile
 *   --scenarios a,b,...      a subset (default bare,embedded,distributed; bare is always run)
 *   --profile [dir]          write a CPU profile of each server over its warm window (<dir>/admission-<scenario>.cpuprofile)
 * Environment: NATS_URL (default nats://127.0.0.1:4222), REDIS_URL (default redis://127.0.0.1:6379).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { MemoryCacheStore } from '@notary-gate/cache';
import { evaluateAdmission, type ConfigMapSource } from '@notary-gate/engine';
import { RegistryClient } from '@notary-gate/oci';
import { parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import { createWorkers } from '@notary-gate/workers';
import { selfSignedCertificate } from '../apps/gateway/src/tls/tls-material';
import { configMapsFromYaml, podRequest } from './support/admission';
import { pushSignedImages } from './support/bench-images';
import { childProfiler, ownProfiler, type Profiler } from './support/cpu-profile';
import { formatTable, runFor, runLoad, summarize, type LoadSummary } from './support/load';
import { cpuMs, sampleResident } from './support/process-stats';
import { freePort, startRegistry, type LocalRegistry } from './support/registry';
import { ReviewPool } from './support/review-pool';
import { buildSeedImages, type SeedImages } from './support/seed-images';
import { spawnServe, type ServeProcess } from './support/serve-process';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SCENARIOS = ['bare', 'engine', 'embedded', 'attestation', 'distributed'] as const;
type Scenario = (typeof SCENARIOS)[number];
const DEFAULT_SCENARIOS: Scenario[] = ['bare', 'embedded', 'distributed'];
type Cache = 'cold' | 'warm';

const QUICK = process.argv.includes('--quick');
/** Only the warm runs (profiling): no cold runs, no burst. */
const WARM_ONLY = process.argv.includes('--warm-only');
/** Warm runs: this many keep-alive connections, closed loop, for this long after an untimed warm-up of the same shape. */
const WARM_CONNECTIONS = 20;
const WARM_MS = QUICK ? 3_000 : 8_000;
const WARMUP_MS = QUICK ? 1_500 : 3_000;
/** Warm runs are taken in this many rounds, the scenarios taking turns. */
const ROUNDS = 4;
/** Cold runs: admissions per concurrency (each a distinct signed image, built before measuring). */
const COLD_COUNT: Record<number, number> = QUICK ? { 1: 20, 16: 48 } : { 1: 50, 16: 160 };
const BURST = 200;
/** Discarded cold admissions before measuring (JIT of the registry path, connection set-up). */
const JIT_IMAGES = 5;

/** The cold concurrencies each scenario runs (every scenario but bare also runs warm). */
const COLD_PLAN: Record<Scenario, number[]> = { bare: [], engine: [1], embedded: [1, 16], attestation: [1], distributed: [1, 16] };

/**
 * Issue 11's targets, warm, 20 connections, side by side with the bare responder. "Today" is what the
 * gateway did before issue 11 (this machine, this benchmark, 2026-12-06): a cold admission of one signed
 * image costs 4 registry requests, and the burst of one uncached image across a gateway costs one cold admission's.
 */
const TARGETS = {
  embedded: { share: 0.35, p99Ms: 10 },
  distributed: { share: 0.2, p99Ms: 10 },
  gatewayRssBytes: 200 * 1024 * 1024,
  coldRegistryRequests: 4,
} as const;

interface Target {
  /** Throws unless the admission is allowed. */
  admit(image: string, uid: string): Promise<void>;
  /** The server process, for RSS and profiles (none for the in-process engine). */
  readonly process?: { pid: number; inspectPort?: number };
  close(): Promise<void>;
}

interface Row {
  scenario: Scenario;
  cache: Cache;
  summary: LoadSummary;
  registryRequestsPerAdmission: number;
  /** Peak RSS of the server process over the run (bytes). */
  rssBytes: number | undefined;
  /** CPU time the server process used per admission over the run (ms), whatever else the machine was running. */
  cpuMsPerAdmission: number | undefined;
}

interface World {
  registry: LocalRegistry;
  seed: SeedImages;
  work: string;
  /** `<registry>/kyverno/test-verify-image:<tag>` */
  image(tag: string): string;
  /** The cold images of a scenario's runs (and its JIT warm-up), the warm image, by scenario. */
  tags: Record<Scenario, { jit: string[]; cold: Record<number, string[]>; warm: string }>;
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  if (index < 0) return undefined;
  const value = process.argv[index + 1];
  return value === undefined || value.startsWith('--') ? '' : value;
}

function selectedScenarios(): Scenario[] {
  const value = option('--scenarios');
  const names = value === undefined ? DEFAULT_SCENARIOS : value.split(',').filter(Boolean);
  for (const name of names) if (!SCENARIOS.includes(name as Scenario)) throw new Error(`--scenarios: unknown scenario ${name} (${SCENARIOS.join(', ')})`);
  // The floor is always measured: every other figure is a share of it.
  return SCENARIOS.filter((scenario) => scenario === 'bare' || names.includes(scenario));
}

const PROFILE_DIR = ((value) => (value === undefined ? undefined : resolve(value || '.')))(option('--profile'));

async function buildWorld(scenarios: Scenario[]): Promise<World> {
  const registry = await startRegistry();
  const client = new RegistryClient({ insecureRegistries: [registry.host] });
  try {
    const seed = await buildSeedImages(registry.host, client);
    const repository = client.repository(seed.repository);
    const tags = {} as World['tags'];
    let built = 0;
    const started = performance.now();
    for (const scenario of scenarios) {
      if (scenario === 'bare') {
        tags.bare = { jit: [], cold: {}, warm: 'signed' };
        continue;
      }
      const cold: Record<number, string[]> = {};
      for (const concurrency of COLD_PLAN[scenario]) cold[concurrency] = Array.from({ length: COLD_COUNT[concurrency]! }, (_, index) => `${scenario}-c${concurrency}-${index}`);
      const jit = Array.from({ length: JIT_IMAGES }, (_, index) => `${scenario}-jit-${index}`);
      const warm = `${scenario}-warm`;
      const all = [...jit, ...Object.values(cold).flat(), warm, ...(scenario === 'distributed' ? ['distributed-burst'] : [])];
      // The attestation scenario's images carry a signed SBOM (GPL-3.0: the policy passes); the others a signature only.
      await pushSignedImages(repository, seed.certA, all, scenario === 'attestation' ? { sbomLicense: 'GPL-3.0' } : {});
      built += all.length;
      tags[scenario] = { jit, cold, warm };
    }
    console.log(`built ${built} signed images (+ the seed's) in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    const work = mkdtempSync(join(tmpdir(), 'ng-admission-bench-'));
    return { registry, seed, work, image: (tag) => `${seed.repository}:${tag}`, tags };
  } catch (error) {
    await registry.stop();
    throw error;
  } finally {
    await client.close();
  }
}

/** The registry's request count once its access log has caught up (it arrives on a pipe, a little after the answers). */
async function settledRequestCount(registry: LocalRegistry): Promise<number> {
  let count = registry.requests().length;
  for (;;) {
    await new Promise((wake) => setTimeout(wake, 150));
    const now = registry.requests().length;
    if (now === count) return count;
    count = now;
  }
}

function report(row: Row): Row {
  const { summary } = row;
  console.log(
    `  ${row.scenario} ${row.cache} c=${summary.concurrency}: ${summary.perSecond.toFixed(0)}/s, p50 ${summary.p50.toFixed(2)} ms, p99 ${summary.p99.toFixed(2)} ms` +
      (summary.failures ? `, ${summary.failures} FAILED: ${summary.firstFailure}` : ''),
  );
  return row;
}

async function measureCold(world: World, target: Target, scenario: Scenario, concurrency: number): Promise<Row> {
  const images = world.tags[scenario].cold[concurrency]!.map(world.image);
  world.registry.clearRequests();
  const rss = target.process ? sampleResident(target.process.pid) : undefined;
  const cpu = cpuMeter(target);
  const result = await runLoad(images.length, concurrency, (index) => target.admit(images[index]!, `${scenario}-cold-${concurrency}-${index}`));
  const rssBytes = rss?.stop();
  const cpuMsPerAdmission = cpu(result.count);
  const requests = await settledRequestCount(world.registry);
  return report({ scenario, cache: 'cold', summary: summarize(result), registryRequestsPerAdmission: requests / images.length, rssBytes, cpuMsPerAdmission });
}

/**
 * The warm runs of every scenario, side by side: each target primed, then ROUNDS rounds in which every
 * scenario runs WARM_MS / ROUNDS in turn (the order rotating), so that whatever else the machine runs
 * weighs on all of them alike; each scenario's figures are over all its rounds.
 */
async function measureWarm(world: World, targets: [Scenario, Target][]): Promise<Row[]> {
  const imageOf = (scenario: Scenario) => world.image(world.tags[scenario].warm);
  // Fill the caches and open the connections (untimed), inside the 1 min tag/referrer lifetime of the run.
  for (const [scenario, target] of targets) await runFor(WARMUP_MS, WARM_CONNECTIONS, (index) => target.admit(imageOf(scenario), `prime-${scenario}-${index}`));
  const profilers = new Map<Scenario, Profiler>();
  if (PROFILE_DIR) for (const [scenario, target] of targets) if (scenario !== 'bare') { const profiler = await profilerFor(target); if (profiler) profilers.set(scenario, profiler); }
  const totals = new Map<Scenario, { latenciesMs: number[]; wallMs: number; failures: number; firstFailure: string | undefined; cpuMs: number | undefined; rssBytes: number | undefined; requests: number }>();
  for (const [scenario] of targets) totals.set(scenario, { latenciesMs: [], wallMs: 0, failures: 0, firstFailure: undefined, cpuMs: 0, rssBytes: undefined, requests: 0 });
  for (const profiler of profilers.values()) await profiler.start();
  for (let round = 0; round < ROUNDS; round++) {
    for (let turn = 0; turn < targets.length; turn++) {
      const [scenario, target] = targets[(turn + round) % targets.length]!;
      const total = totals.get(scenario)!;
      world.registry.clearRequests();
      const rss = target.process ? sampleResident(target.process.pid) : undefined;
      const cpu = cpuMeter(target);
      const result = await runFor(WARM_MS / ROUNDS, WARM_CONNECTIONS, (index) => target.admit(imageOf(scenario), `${scenario}-warm-${round}-${index}`));
      const peak = rss?.stop();
      const used = cpu(1);
      total.latenciesMs.push(...result.latenciesMs);
      total.wallMs += result.wallMs;
      total.failures += result.failures;
      total.firstFailure ??= result.firstFailure;
      total.cpuMs = total.cpuMs === undefined || used === undefined ? undefined : total.cpuMs + used;
      if (peak !== undefined) total.rssBytes = Math.max(total.rssBytes ?? 0, peak);
      total.requests += await settledRequestCount(world.registry);
    }
  }
  for (const [scenario, profiler] of profilers) {
    const file = join(PROFILE_DIR!, `admission-${scenario}.cpuprofile`);
    await profiler.stop(file);
    await profiler.close();
    console.log(`  CPU profile of ${scenario}'s warm rounds: ${file}`);
  }
  return targets.map(([scenario, target]) => {
    const total = totals.get(scenario)!;
    const count = total.latenciesMs.length;
    const summary = summarize({ count, concurrency: WARM_CONNECTIONS, wallMs: total.wallMs, latenciesMs: total.latenciesMs, failures: total.failures, firstFailure: total.firstFailure });
    return report({
      scenario,
      cache: 'warm',
      summary,
      registryRequestsPerAdmission: total.requests / count,
      rssBytes: total.rssBytes,
      cpuMsPerAdmission: target.process && total.cpuMs !== undefined ? total.cpuMs / count : undefined,
    });
  });
}

/** Starts counting the server's CPU time; the returned function gives ms per admission for `count` admissions. */
function cpuMeter(target: Target): (count: number) => number | undefined {
  const pid = target.process?.pid;
  const start = pid === undefined ? undefined : cpuMs(pid);
  return (count) => {
    const end = pid === undefined ? undefined : cpuMs(pid);
    return start === undefined || end === undefined || count === 0 ? undefined : (end - start) / count;
  };
}

async function profilerFor(target: Target): Promise<Profiler | undefined> {
  if (!target.process) return ownProfiler();
  return target.process.inspectPort === undefined ? undefined : childProfiler(target.process.inspectPort);
}

/** The cold runs of a scenario (after a few untimed cold admissions: JIT of the registry path). */
async function runCold(world: World, scenario: Scenario, target: Target): Promise<Row[]> {
  for (const [index, tag] of world.tags[scenario].jit.entries()) await target.admit(world.image(tag), `jit-${scenario}-${index}`);
  const rows: Row[] = [];
  for (const concurrency of COLD_PLAN[scenario]) rows.push(await measureCold(world, target, scenario, concurrency));
  return rows;
}

// ---- targets -------------------------------------------------------------------------------------------------

const policiesOf = (world: World, file: string): Policy[] => parsePolicyDocuments(world.seed.policies[file]!, file).policies;

/** The engine in this process: evaluateAdmission over the worker functions' in-process port, in-memory cache. */
function engineTarget(world: World): Target {
  const client = new RegistryClient({ insecureRegistries: [world.registry.host] });
  const workers = createWorkers({ registry: client, cache: new MemoryCacheStore() });
  const jobs = workers.port();
  const policies = policiesOf(world, 'check-image-notary.yaml');
  const configMaps: ConfigMapSource = configMapsFromYaml(world.seed.configMapYaml);
  return {
    admit: async (image, uid) => {
      const verdict = await evaluateAdmission(podRequest(image, { uid }), policies, { jobs, configMaps });
      if (!verdict.allowed) throw new Error(`denied: ${verdict.message}`);
    },
    // Closes the registry client too.
    close: () => workers.close(),
  };
}

/** The bare responder in its own process, with a self-signed certificate of the gateway's kind (ECDSA P-256). */
async function bareTarget(world: World): Promise<Target> {
  const tls = await selfSignedCertificate();
  const certFile = join(world.work, 'bare-cert.pem');
  const keyFile = join(world.work, 'bare-key.pem');
  writeFileSync(certFile, tls.cert);
  writeFileSync(keyFile, tls.key);
  const child = spawn(process.execPath, [join(__dirname, 'support', 'bare-responder.js'), certFile, keyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolvePort, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /"port":(\d+)/.exec(output);
      if (match) resolvePort(Number(match[1]));
    });
    child.once('exit', (status) => reject(new Error(`bare responder exited with status ${status}`)));
  });
  const pool = new ReviewPool(`https://127.0.0.1:${port}`, WARM_CONNECTIONS);
  const exited = new Promise((done) => child.once('exit', done));
  return {
    admit: async (image, uid) => {
      const response = await pool.mutate(podRequest(image, { uid }));
      if (!response.allowed) throw new Error('bare responder denied');
    },
    process: { pid: child.pid ?? 0 },
    close: async () => {
      await pool.close();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The environment every served process of the bench shares (flags add the rest, as on a command line). */
function serveEnvironment(world: World, extra: Record<string, string> = {}): Record<string, string> {
  return {
    // Anonymous registry access whatever the machine's ~/.docker holds.
    DOCKER_CONFIG: join(world.work, 'no-docker-config'),
    HOST: '127.0.0.1',
    OPS_HOST: '127.0.0.1',
    OPS_PORT: '0',
    LOG_LEVEL: 'info',
    RESCAN_INTERVAL: '0s',
    ...extra,
  };
}

function directoryWith(world: World, name: string, files: Record<string, string>): string {
  const directory = join(world.work, name);
  mkdirSync(directory, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(directory, file), text);
  return directory;
}

/** Node options of a served process: an inspector port when profiling. */
async function inspectorArgs(): Promise<{ nodeArgs: string[]; inspectPort?: number }> {
  if (!PROFILE_DIR) return { nodeArgs: [] };
  const inspectPort = await freePort();
  return { nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`], inspectPort };
}

/** A gateway process answering AdmissionReviews over HTTPS, driven through one keep-alive pool. */
async function gatewayTarget(gateway: ServeProcess, port: number, connections: number, others: ServeProcess[] = [], inspectPort?: number): Promise<Target> {
  const stopAll = () => Promise.all([gateway, ...others].map((process) => process.stop()));
  try {
    await gateway.waitForLog((line) => line['msg'] === 'gateway listening');
    await untilReady(`https://127.0.0.1:${port}/readyz`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const pool = new ReviewPool(`https://127.0.0.1:${port}`, connections);
  return {
    admit: async (image, uid) => {
      const response = await pool.mutate(podRequest(image, { uid }));
      if (!response.allowed) throw new Error(`denied: ${response.status?.message ?? JSON.stringify(response)}`);
    },
    process: { pid: gateway.pid, ...(inspectPort === undefined ? {} : { inspectPort }) },
    close: async () => {
      await pool.close();
      await stopAll();
    },
  };
}

async function untilReady(url: string): Promise<void> {
  const agent = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const until = Date.now() + 30_000;
    for (;;) {
      const status = await request(url, { dispatcher: agent }).then(
        async (answer) => (await answer.body.dump(), answer.statusCode),
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > until) throw new Error(`${url} not ready within 30s (last status ${status})`);
      await new Promise((wake) => setTimeout(wake, 100));
    }
  } finally {
    await agent.close();
  }
}

/** `notary-gate serve` embedded: gateway and workers in one process, in-process jobs, memory cache. */
async function embeddedTarget(world: World, scenario: Scenario, policyFile: string): Promise<Target> {
  const port = await freePort();
  const { nodeArgs, inspectPort } = await inspectorArgs();
  const gateway = spawnServe(
    scenario,
    [
      '--policies', directoryWith(world, `${scenario}-policies`, { [policyFile]: world.seed.policies[policyFile]! }),
      '--configmaps', directoryWith(world, `${scenario}-configmaps`, { 'keys.yaml': world.seed.configMapYaml }),
      '--port', String(port),
      '--insecure-registry', world.registry.host,
    ],
    serveEnvironment(world),
    world.work,
    { nodeArgs },
  );
  return gatewayTarget(gateway, port, Math.max(WARM_CONNECTIONS, ...COLD_PLAN[scenario]), [], inspectPort);
}

/**
 * Four processes over the real NATS (own subject prefix) and Redis (own key prefix), sharing a tier key
 * (TIER_KEY_FILE): jobs and replies sealed, cache values authenticated — inside the measured path.
 */
async function distributedTarget(world: World, names: { subjectPrefix: string; keyPrefix: string }): Promise<Target> {
  const tierKeyFile = join(world.work, 'tier.key');
  writeFileSync(tierKeyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  const environment = serveEnvironment(world, { NATS_SUBJECT_PREFIX: names.subjectPrefix, CACHE_KEY_PREFIX: names.keyPrefix, TIER_KEY_FILE: tierKeyFile });
  const workers = (['discovery', 'verifier', 'evaluator'] as const).map((role) =>
    spawnServe(`distributed-${role}`, ['--role', role, '--nats-url', NATS_URL, '--redis-url', REDIS_URL, '--insecure-registry', world.registry.host], environment, world.work),
  );
  const port = await freePort();
  const { nodeArgs, inspectPort } = await inspectorArgs();
  const gateway = spawnServe(
    'distributed-gateway',
    [
      '--role', 'gateway',
      '--nats-url', NATS_URL,
      '--policies', directoryWith(world, 'distributed-policies', { 'check-image-notary.yaml': world.seed.policies['check-image-notary.yaml']! }),
      '--port', String(port),
    ],
    environment,
    world.work,
    { nodeArgs },
  );
  try {
    await Promise.all(workers.map((worker) => worker.waitForLog((line) => typeof line['msg'] === 'string' && line['msg'].includes(' serving '))));
  } catch (error) {
    await Promise.all([gateway, ...workers].map((process) => process.stop()));
    throw error;
  }
  return gatewayTarget(gateway, port, BURST, workers, inspectPort);
}

/** 200 concurrent admissions of one never-seen image: the registry requests they cause, against one cold admission's. */
async function burst(world: World, target: Target): Promise<{ requests: number; summary: LoadSummary }> {
  world.registry.clearRequests();
  const image = world.image('distributed-burst');
  const result = await runLoad(BURST, BURST, (index) => target.admit(image, `burst-${index}`));
  return { requests: await settledRequestCount(world.registry), summary: summarize(result) };
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

// ---- report --------------------------------------------------------------------------------------------------

const DESCRIPTIONS: Record<Scenario, string> = {
  bare: 'bare Node HTTPS responder: parse the AdmissionReview, answer allowed + patch (the floor)',
  engine: 'engine in-process (evaluateAdmission + workers port, memory cache)',
  embedded: 'embedded gateway (`serve`, HTTPS keep-alive, memory cache)',
  attestation: 'embedded gateway, seed SBOM license policy (attestation + its signature)',
  distributed: 'distributed: gateway + discovery + verifier + evaluator processes, NATS + Redis, tier key',
};

const MiB = 1024 * 1024;

function printReport(rows: Row[], coalescing: { requests: number; summary: LoadSummary } | undefined): boolean {
  const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
  const find = (scenario: Scenario, cache: Cache, concurrency: number) => rows.find((row) => row.scenario === scenario && row.cache === cache && row.summary.concurrency === concurrency);
  const bare = find('bare', 'warm', WARM_CONNECTIONS);
  const share = (row: Row) => (bare && row.cache === 'warm' ? row.summary.perSecond / bare.summary.perSecond : undefined);
  console.log('');
  for (const scenario of SCENARIOS.filter((name) => rows.some((row) => row.scenario === name))) console.log(`${scenario.padEnd(12)} ${DESCRIPTIONS[scenario]}`);
  console.log('');
  console.log(
    formatTable(
      ['scenario', 'cache', 'c', 'N', 'adm/s', 'of bare', 'p50 ms', 'p99 ms', 'max ms', 'CPU ms/adm', 'RSS MiB', 'reg req/adm', 'failed'],
      rows.map((row) => [
        row.scenario,
        row.cache,
        String(row.summary.concurrency),
        String(row.summary.count),
        row.summary.perSecond.toFixed(0),
        ((value) => (value === undefined ? '' : `${(value * 100).toFixed(1)} %`))(share(row)),
        ms(row.summary.p50),
        ms(row.summary.p99),
        ms(row.summary.max),
        row.cpuMsPerAdmission === undefined ? '' : row.cpuMsPerAdmission.toFixed(3),
        row.rssBytes === undefined ? '' : (row.rssBytes / MiB).toFixed(0),
        row.registryRequestsPerAdmission.toFixed(2),
        String(row.summary.failures),
      ]),
    ),
  );
  if (coalescing) {
    const cold = find('distributed', 'cold', 1);
    console.log('');
    console.log(
      `coalescing: ${BURST} concurrent admissions of one uncached image (distributed) → ${coalescing.requests} registry requests ` +
        `(one cold admission: ${cold ? cold.registryRequestsPerAdmission.toFixed(1) : '?'}); p50 ${ms(coalescing.summary.p50)} ms, max ${ms(coalescing.summary.max)} ms, failed ${coalescing.summary.failures}`,
    );
  }

  // The targets of issue 11, each with what was measured.
  const checks: [string, boolean][] = [];
  for (const scenario of ['embedded', 'distributed'] as const) {
    const row = find(scenario, 'warm', WARM_CONNECTIONS);
    if (!row) continue;
    const target = TARGETS[scenario];
    const fraction = share(row) ?? 0;
    checks.push([`${scenario} warm: ${(fraction * 100).toFixed(1)} % of bare (target ≥ ${target.share * 100} %)`, fraction >= target.share && row.summary.failures === 0]);
    checks.push([`${scenario} warm: p99 ${ms(row.summary.p99)} ms (target ≤ ${target.p99Ms} ms)`, row.summary.p99 <= target.p99Ms]);
    if (row.rssBytes !== undefined) checks.push([`${scenario} gateway RSS under that load: ${(row.rssBytes / MiB).toFixed(0)} MiB (target ≤ ${TARGETS.gatewayRssBytes / MiB} MiB)`, row.rssBytes <= TARGETS.gatewayRssBytes]);
    checks.push([`${scenario} warm: ${row.registryRequestsPerAdmission.toFixed(2)} registry requests per admission (target 0)`, row.registryRequestsPerAdmission === 0]);
    for (const concurrency of COLD_PLAN[scenario]) {
      const cold = find(scenario, 'cold', concurrency);
      if (!cold) continue;
      checks.push([
        `${scenario} cold c=${concurrency}: ${cold.registryRequestsPerAdmission.toFixed(2)} registry requests per admission, none failed (today ${TARGETS.coldRegistryRequests})`,
        cold.registryRequestsPerAdmission <= TARGETS.coldRegistryRequests && cold.summary.failures === 0,
      ]);
    }
  }
  if (coalescing) {
    const cold = find('distributed', 'cold', 1);
    const one = cold ? cold.registryRequestsPerAdmission : TARGETS.coldRegistryRequests;
    checks.push([`burst of one uncached image: ${coalescing.requests} registry requests (target ≤ one cold admission's, ${one.toFixed(0)}), none failed`, coalescing.requests <= Math.max(one, 1) && coalescing.summary.failures === 0]);
  }
  console.log('');
  console.log('targets (issue 11):');
  for (const [text, met] of checks) console.log(`  ${met ? 'met    ' : 'NOT MET'}  ${text}`);
  const all = checks.length > 0 && checks.every(([, met]) => met);
  console.log(all ? 'all targets met' : 'some targets NOT met');
  return all;
}

// ---- main ----------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const scenarios = selectedScenarios();
  const cpu = cpus();
  console.log(
    `notary-gate admission benchmark${QUICK ? ' (--quick)' : ''}${PROFILE_DIR ? ' (--profile: servers run with an inspector attached)' : ''}: ` +
      `node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`,
  );
  console.log(
    `warm: ${WARM_CONNECTIONS} keep-alive HTTPS connections, closed loop, ${WARM_MS / 1000} s per scenario in ${ROUNDS} rounds taking turns, after ${WARMUP_MS / 1000} s of warm-up; ` +
      `load average at the start: ${loadavg().map((value) => value.toFixed(2)).join(', ')}`,
  );
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  const world = await buildWorld(scenarios);
  // This run's own NATS subjects and Redis keys: nothing shared with another deployment on the same servers.
  const id = `bench-${randomUUID()}`;
  const names = { subjectPrefix: id, keyPrefix: `${id}:` };
  const rows: Row[] = [];
  let coalescing: { requests: number; summary: LoadSummary } | undefined;
  const targets: [Scenario, Target][] = [];
  try {
    for (const scenario of scenarios) {
      console.log(`${scenario}:`);
      const target =
        scenario === 'bare'
          ? await bareTarget(world)
          : scenario === 'engine'
            ? engineTarget(world)
            : scenario === 'embedded'
              ? await embeddedTarget(world, scenario, 'check-image-notary.yaml')
              : scenario === 'attestation'
                ? await embeddedTarget(world, scenario, 'check-image-sbom-license.yaml')
                : await distributedTarget(world, names);
      targets.push([scenario, target]);
      if (!WARM_ONLY) rows.push(...(await runCold(world, scenario, target)));
    }
    console.log(`warm, ${ROUNDS} rounds:`);
    rows.push(...(await measureWarm(world, targets)));
    const distributed = targets.find(([scenario]) => scenario === 'distributed');
    if (distributed && !WARM_ONLY) coalescing = await burst(world, distributed[1]);
    const load = loadavg();
    console.log(`load average of the machine at the end: ${load.map((value) => value.toFixed(2)).join(', ')} (${cpus().length} CPUs)`);
    printReport(rows, coalescing);
  } finally {
    for (const [, target] of targets) await target.close().catch((error: Error) => console.error(`closing a target: ${error.message}`));
    if (scenarios.includes('distributed')) await deleteKeys(names.keyPrefix).catch((error: Error) => console.error(`could not delete the bench's Redis keys (${names.keyPrefix}*): ${error.message}`));
    await world.registry.stop();
    rmSync(world.work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
