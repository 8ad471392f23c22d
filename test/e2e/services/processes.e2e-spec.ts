/**
 * The entry points as real processes (TypeScript compiled on the fly by
 * @swc/core, as the CLI binary suite does): a worker app's `main.ts` and
 * `notary-gate serve`. Configuration errors list every bad variable and exit
 * 2; SIGTERM drains and exits 0.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';
import { podRequest } from '../../support/admission';
import { freePort } from '../../support/registry';
import { patchOf, review } from './support/review-client';
import { useSeedWorld, type SeedWorld } from './support/seed-world';
import { isolation, NATS_URL, REDIS_URL, TIER_KEY_FILE } from './support/services';

const ROOT = resolve(__dirname, '../../..');
const REGISTER = join(ROOT, 'test/e2e/cli/swc-register.js');

interface Running {
  child: ChildProcessWithoutNullStreams;
  lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line matching `predicate`. */
  line(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

function run(entry: string, argv: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['-r', REGISTER, join(ROOT, entry), ...argv], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (text.startsWith('{')) lines.push(JSON.parse(text) as Record<string, unknown>);
      for (const wake of waiters.splice(0)) wake();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.on('close', (status) => done(status)));
  return {
    child,
    lines,
    stderr: () => errors,
    exit,
    line: async (predicate, timeoutMs = 15_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(predicate);
        if (found) return found;
        if (child.exitCode !== null || Date.now() > until) throw new Error(`no such log line (exit ${child.exitCode}); stdout: ${JSON.stringify(lines)}; stderr: ${errors}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 100);
        });
      }
    },
  };
}

let world: SeedWorld;
const started: Running[] = [];

useSeedWorld((built) => (world = built));

afterAll(() => {
  for (const process of started) if (process.child.exitCode === null) process.child.kill('SIGKILL');
});

describe('apps/signature-verifier/src/main.ts', () => {
  it('lists every bad variable at once and exits 2', async () => {
    const worker = run('apps/signature-verifier/src/main.ts', [], { OPS_PORT: 'ninety', REDIS_URL: 'http://redis', LOG_LEVEL: 'chatty' });
    started.push(worker);
    expect(await worker.exit).toBe(2);
    const fatal = worker.lines.find((line) => line['level'] === 'fatal');
    expect((fatal?.['problems'] as { variable: string }[]).map((problem) => problem.variable).sort()).toEqual(['LOG_LEVEL', 'NATS_URL', 'OPS_PORT', 'REDIS_URL', 'TIER_KEY_FILE']);
  });

  it('serves until SIGTERM, then drains and exits 0', async () => {
    const names = isolation();
    const opsPort = await freePort();
    const worker = run('apps/signature-verifier/src/main.ts', [], {
      NATS_URL,
      REDIS_URL,
      NATS_SUBJECT_PREFIX: names.subjectPrefix,
      CACHE_KEY_PREFIX: names.keyPrefix,
      OPS_PORT: String(opsPort),
      OPS_HOST: '127.0.0.1',
      DOCKER_CONFIG: join(ROOT, 'nonexistent-docker-config'),
      TIER_KEY_FILE,
    });
    started.push(worker);
    const serving = await worker.line((line) => typeof line['msg'] === 'string' && (line['msg'] as string).startsWith('signature-verifier serving'));
    expect(serving).toMatchObject({ service: 'signature-verifier', cache: 'redis', ops: `http://127.0.0.1:${opsPort}` });
    expect(serving['msg']).toBe(`signature-verifier serving ${names.subjectPrefix}.notary.v1.verify in queue group notary-gate-signature-verifier`);
    const ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`);
    expect(ready.status).toBe(200);
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
    expect(worker.lines.map((line) => line['msg'])).toEqual(expect.arrayContaining(['SIGTERM received: shutting down gracefully', 'signature-verifier stopped']));
  });
});

describe('notary-gate serve', () => {
  it('refuses a role without NATS, and bad values, listing them (exit 2)', async () => {
    const noNats = run('apps/cli/src/main.ts', ['serve', '--role', 'verifier'], {});
    const badValues = run('apps/cli/src/main.ts', ['serve', '--role', 'gateway', '--nats-url', 'http://nats', '--port', '99999', '--policies', '/nonexistent'], {});
    started.push(noNats, badValues);
    expect(await noNats.exit).toBe(2);
    expect(noNats.stderr()).toContain('--role verifier needs NATS_URL');
    expect(await badValues.exit).toBe(2);
    // Named by the flags the user passed, all on one line.
    for (const flag of ['--nats-url', '--port', '--policies']) expect(badValues.stderr()).toContain(`${flag}: `);
    expect(badValues.stderr()).toMatch(/^Error: invalid configuration: [^\n]*\n$/);
  });

  it('embedded: decides admissions over HTTPS with no NATS and no Redis, until SIGTERM (exit 0)', async () => {
    const serve = run(
      'apps/cli/src/main.ts',
      ['serve', '--policies', world.policyDirWith({ 'notary.yaml': world.seed.policies['check-image-notary.yaml']! }), '--port', '0', '--insecure-registry', world.registry.host],
      { DOCKER_CONFIG: join(ROOT, 'nonexistent-docker-config'), HOST: '127.0.0.1' },
    );
    started.push(serve);
    const certificate = await serve.line((line) => line['msg'] === 'TLS certificate generated (self-signed)');
    expect(certificate['fingerprint']).toMatch(/^[0-9a-f:]{64,}$/i);
    const listening = await serve.line((line) => line['msg'] === 'gateway listening');
    const url = listening['url'] as string;

    const signed = await review(url, podRequest(world.image('signed')));
    expect(patchOf(signed)).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${world.image('signed')}@${world.seed.images.signed.digest}` });
    const unsigned = await review(url, podRequest(world.image('unsigned')));
    expect(unsigned.status?.code).toBe(403);

    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    expect(serve.stderr()).toBe('');
  });
});
