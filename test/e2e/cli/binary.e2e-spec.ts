/**
 * The CLI as a process: `apps/cli/src/main.ts` spawned with node (sources
 * compiled on the fly by @swc/core, see swc-register.js), so exit statuses,
 * stdout/stderr and process exit after the registry pool closes are real.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { pushImage } from './images';

const ROOT = resolve(__dirname, '../../..');

interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function notaryGateProcess(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-r', join(__dirname, 'swc-register.js'), join(ROOT, 'apps/cli/src/main.ts'), ...argv], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

let registry: TestRegistry;
let work: string;

beforeAll(async () => {
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'ng-cli-binary-'));
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('generates a certificate, signs, verifies and exits with the right statuses', async () => {
  const image = await pushImage(registry.host, 'binary/app', 'v1');
  const reference = `${registry.host}/binary/app:v1`;
  const insecure = ['--insecure-registry', registry.host];
  // DOCKER_CONFIG points at a directory without config.json: anonymous access.
  const env = { DOCKER_CONFIG: work };

  expect(await notaryGateProcess(['cert', 'generate-test', 'ci', '--dir', work], env)).toMatchObject({ status: 0, stderr: '' });
  const signed = await notaryGateProcess(['sign', reference, '--key', join(work, 'ci.key'), '--cert', join(work, 'ci.crt'), '--signature-format', 'cose', ...insecure], env);
  expect(signed).toMatchObject({ status: 0, stderr: expect.stringMatching(/^Warning: Always sign the artifact using digest\(@sha256:\.\.\.\) rather than a tag\(:v1\)/) });

  const verified = await notaryGateProcess(['verify', reference, '--cert', join(work, 'ci.crt'), ...insecure], env);
  expect(verified.status).toBe(0);
  expect(verified.stdout).toContain(`Successfully verified signature for ${registry.host}/binary/app@${image.digest}\n`);

  const bad = await notaryGateProcess(['verify', 'not//a/reference', '--cert', join(work, 'ci.crt')], env);
  expect(bad).toEqual({ status: 2, stdout: '', stderr: 'Error: invalid reference "not//a/reference": invalid reference format\n' });
});

it('cert generate-test refuses to replace an existing key unless --force', async () => {
  const env = { DOCKER_CONFIG: work };
  expect(await notaryGateProcess(['cert', 'generate-test', 'keep', '--dir', work], env)).toMatchObject({ status: 0, stderr: '' });
  const key = readFileSync(join(work, 'keep.key'), 'utf8');
  const again = await notaryGateProcess(['cert', 'generate-test', 'keep', '--dir', work], env);
  expect(again).toEqual({ status: 2, stdout: '', stderr: `Error: ${join(work, 'keep.key')} already exists: not replacing it (pass --force to overwrite)\n` });
  expect(readFileSync(join(work, 'keep.key'), 'utf8')).toBe(key);
  expect(await notaryGateProcess(['cert', 'generate-test', 'keep', '--dir', work, '--force'], env)).toMatchObject({ status: 0, stderr: '' });
  expect(readFileSync(join(work, 'keep.key'), 'utf8')).not.toBe(key);
});
