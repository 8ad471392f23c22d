/**
 * `notary-gate demo` as a user runs it: a process (sources compiled on the
 * fly, as binary.e2e-spec.ts), nothing beside it — no registry, no network —
 * and the world it keeps reused through `--registry-mirror` by the other
 * commands.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const IMAGE = 'ghcr.io/kyverno/test-verify-image';

interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function notaryGateProcess(argv: string[]): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-r', join(__dirname, 'swc-register.js'), join(ROOT, 'apps/cli/src/main.ts'), ...argv], {
      cwd: work,
      // No proxy, no docker config, no KUBERNETES_*: only what a bare shell has.
      env: { PATH: process.env['PATH'], HOME: work },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ng-demo-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('notary-gate demo', () => {
  let run: ProcessResult;
  const world = () => join(work, 'world');

  beforeAll(async () => {
    run = await notaryGateProcess(['demo', '--keep', world()]);
  }, 120_000);

  it('exits 0, quietly on stderr, having decided six admissions as the policies say', () => {
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toContain('6 admissions decided as the policies say: 2 allowed, 4 denied.');
    expect(run.stdout).not.toContain('unexpected');
  });

  it('pins the signed image to its verified digest, and the validating phase admits the pinned pod', () => {
    const digest = /\[1\/6\] Pod default\/pod-signed[\s\S]*?→ ALLOWED by \/mutate, image pinned to the verified digest:\n {8}(\S+)\n {6}→ ALLOWED by \/validate/.exec(run.stdout);
    expect(digest?.[1]).toMatch(new RegExp(`^${IMAGE}:signed@sha256:[0-9a-f]{64}$`));
  });

  it("prints each denial with Kyverno's message: no signature, untrusted signer, licence, VEX", () => {
    const section = (index: number): string => run.stdout.split(/\n(?=\[\d\/6\])/)[index] ?? '';
    expect(section(2)).toMatch(/→ DENIED \(403\) with Kyverno's message:\n {8}resource Pod\/default\/pod-unsigned was blocked due to the following policies\n/);
    expect(section(2)).toMatch(
      new RegExp(`verify-signature-notary: 'failed to verify image ${IMAGE}:unsigned: \\.attestors\\[0\\]\\.entries\\[0\\]: failed to verify ${IMAGE}@sha256:[0-9a-f]{64}: no signature is associated with "${IMAGE}@sha256:[0-9a-f]{64}", make sure the image was signed successfully'`),
    );
    expect(section(3)).toContain("the signature's certificate chain does not contain any trusted certificate");
    expect(section(4)).toMatch(/check-image-attestation:\n {10}verify-attestation-notary: 'image attestations verification failed, verifiedCount: 0, requiredCount: 1, error: .*attestation checks failed for .* and predicate sbom\/cyclone-dx/);
    expect(section(4)).not.toContain('check-image-notary:');
    expect(section(5)).toContain("check-image-trivy-vex:\n          verify-attestation-notary: 'validation in verifyImages failed: All vulnerabilities in trivy and vex should be same'");
    expect(section(6)).toContain('→ ALLOWED by /mutate, unchanged');
  });

  it('keeps a world the other commands read through --registry-mirror: the signed image verifies, the other key does not', async () => {
    expect(existsSync(join(world(), 'registry/kyverno/test-verify-image/index.json'))).toBe(true);
    expect(readFileSync(join(world(), 'policies/check-image-notary.yaml'), 'utf8')).toContain(readFileSync(join(world(), 'demo-ca.crt'), 'utf8').trim().split('\n')[1]!);
    const mirror = ['--registry-mirror', `ghcr.io=oci-layout:${join(world(), 'registry')}`];
    const verified = await notaryGateProcess(['verify', `${IMAGE}:signed`, '--cert', join(world(), 'demo-ca.crt'), ...mirror]);
    expect(verified).toMatchObject({ status: 0, stderr: '' });
    expect(verified.stdout).toContain(`Successfully verified signature for ${IMAGE}@sha256:`);
    const refused = await notaryGateProcess(['verify', `${IMAGE}:other-key`, '--cert', join(world(), 'demo-ca.crt'), ...mirror]);
    expect(refused.status).toBe(1);
    const missing = await notaryGateProcess(['verify', `${IMAGE}:nope`, '--cert', join(world(), 'demo-ca.crt'), ...mirror]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('not found');
  }, 60_000);

  it('refuses to keep its world in a directory that is not empty', async () => {
    const again = await notaryGateProcess(['demo', '--keep', world()]);
    expect(again).toMatchObject({ status: 2, stdout: '' });
    expect(again.stderr).toMatch(/^Error: --keep ".*": the directory is not empty\n$/);
  });
});

it('exits 2 with the reason when an example policy does not load', async () => {
  const examples = join(work, 'examples-broken');
  cpSync(join(ROOT, 'examples'), examples, { recursive: true });
  const notary = join(examples, 'policies/check-image-notary.yaml');
  writeFileSync(notary, readFileSync(notary, 'utf8').replace('failureAction: Enforce', 'failureAction: Audit'));
  const run = await notaryGateProcess(['demo', '--examples', examples]);
  expect(run).toMatchObject({ status: 2, stdout: '' });
  expect(run.stderr).toContain('Error: the webhook cannot start with these examples: ');
  expect(run.stderr).toContain("spec.rules[0].verifyImages[0].mutateDigest: mutateDigest must be set to false for ‘Audit’ failure action");
}, 60_000);

it('exits 1 naming the decision that differs when the policies do not say what the demo expects', async () => {
  const examples = join(work, 'examples-audit');
  cpSync(join(ROOT, 'examples'), examples, { recursive: true });
  const notary = join(examples, 'policies/check-image-notary.yaml');
  // Audit admits what fails, and Kyverno requires it not to pin digests.
  writeFileSync(notary, readFileSync(notary, 'utf8').replace('failureAction: Enforce', 'failureAction: Audit\n          mutateDigest: false'));
  const run = await notaryGateProcess(['demo', '--examples', examples]);
  expect(run.status).toBe(1);
  expect(run.stdout).toContain('✗ unexpected: expected denied, got allowed');
  expect(run.stderr).toMatch(/^Error: some decisions differ from what the example policies call for/);
}, 120_000);

it('ends quietly, with its own status, when the reader of its output goes away (| head)', () => {
  const node = JSON.stringify(process.execPath);
  const script = `${node} -r ${JSON.stringify(join(__dirname, 'swc-register.js'))} ${JSON.stringify(join(ROOT, 'apps/cli/src/main.ts'))} demo 2>${JSON.stringify(join(work, 'epipe.err'))} | head -n 1; exit \${PIPESTATUS[0]}`;
  const run = spawnSync('bash', ['-c', script], { cwd: work, encoding: 'utf8', env: { PATH: process.env['PATH'], HOME: work }, timeout: 120_000 });
  expect(run.stdout).toBe("notary-gate demo: Kyverno's Notary verifyImages policies, enforced offline by the real webhook\n");
  expect(readFileSync(join(work, 'epipe.err'), 'utf8')).toBe('');
  expect(run.status).toBe(0);
}, 120_000);
