/**
 * How `notary-gate` fails: bad input is one line on stderr and exit 2; a
 * registry that cannot be reached is reported as such (exit 3), never as an
 * invalid signature; a missing artifact is a decided failure (exit 1).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRegistry, type TestRegistry } from '../../support/registry';
import { notaryGate, type CliRun } from './cli-harness';
import { pushImage } from './images';

let registry: TestRegistry;
let work: string;
let reference: string;
const insecure = (): string[] => ['--insecure-registry', registry.host];

beforeAll(async () => {
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'ng-cli-errors-'));
  expect((await notaryGate(['cert', 'generate-test', 'alice', '--dir', work])).status).toBe(0);
  writeFileSync(join(work, 'garbage.pem'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
  writeFileSync(join(work, 'empty.pem'), 'hello\n');
  writeFileSync(join(work, 'bad-docker-config.json'), '{"auths": ');
  await pushImage(registry.host, 'errors/app', 'v1');
  reference = `${registry.host}/errors/app:v1`;
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function expectOneLine(run: CliRun, status: number, text: string | RegExp): void {
  expect(run.status).toBe(status);
  expect(run.stdout).toBe('');
  expect(run.stderr.split('\n')).toHaveLength(2); // one line and its newline
  if (typeof text === 'string') expect(run.stderr).toBe(`${text}\n`);
  else expect(run.stderr).toMatch(text);
}

describe('bad input: one line, exit 2', () => {
  it.each([
    [['verify', 'Registry.example.com/App:v1', '--cert', 'x.pem'], 'Error: invalid reference "Registry.example.com/App:v1": repository name (App) must be lowercase'],
    [['verify', 'https://registry.example.com/app:v1', '--cert', 'x.pem'], 'Error: invalid reference "https://registry.example.com/app:v1": invalid reference format'],
    [['discover', 'oci-layout:'], 'Error: invalid reference "oci-layout:": the layout directory is empty'],
    [['verify', 'registry.example.com/app:v1', '--bogus'], "error: unknown option '--bogus'"],
    [['inspect'], "error: missing required argument 'reference'"],
    [['frobnicate'], "error: unknown command 'frobnicate'"],
    [['sign', 'registry.example.com/app:v1', '--key', 'k.pem'], "error: required option '--cert <pem>' not specified"],
    [['verify', 'registry.example.com/app:v1'], 'Error: at least one --cert is required to verify (or use --level skip)'],
    [['verify', 'registry.example.com/app:v1', '--cert', 'x.pem', '--level', 'lenient'], 'Error: invalid --level "lenient": use strict, permissive, audit, skip'],
    [['verify', 'registry.example.com/app:v1', '--cert', 'x.pem', '--max-signatures', '0'], 'Error: invalid --max-signatures "0": expected a positive integer'],
    [['verify', 'registry.example.com/app:v1', '--cert', 'x.pem', '--user-metadata', 'novalue'], 'Error: invalid --user-metadata "novalue": expected key=value'],
    [['inspect', 'registry.example.com/app:v1', '-o', 'yaml'], 'Error: invalid --output "yaml": use tree or json'],
    [['inspect', 'registry.example.com/app:v1', '--style', 'fancy'], 'Error: invalid --style "fancy": use notation or notation-1.0'],
    [['discover', 'registry.example.com/app:v1', '--insecure-registry', 'http://x'], 'Error: invalid --insecure-registry "http://x": expected HOST[:PORT]'],
    [['sign', 'registry.example.com/app:v1', '--key', 'k', '--cert', 'c', '--signature-format', 'pgp'], 'Error: invalid --signature-format "pgp": use jws or cose'],
    [['sign', 'registry.example.com/app:v1', '--key', 'k', '--cert', 'c', '--expiry', '1 year'], 'Error: invalid duration "1 year": use a number with a unit d, h, m, s or ms, e.g. 24h, 7d, 1h30m'],
    [['cert', 'generate-test', 'x', '--bits', '1024'], 'Error: invalid --bits "1024": RSA key size must be 2048, 3072 or 4096'],
  ])('%j', async (argv, message) => {
    expectOneLine(await notaryGate(argv), 2, message);
  });

  it('an unreadable certificate file', async () => {
    expectOneLine(await notaryGate(['verify', reference, '--cert', join(work, 'missing.pem'), ...insecure()]), 2, `Error: cannot read certificate file "${join(work, 'missing.pem')}": no such file`);
  });

  it('a malformed PEM', async () => {
    expectOneLine(await notaryGate(['verify', reference, '--cert', join(work, 'garbage.pem'), ...insecure()]), 2, new RegExp(`^Error: malformed certificate in "${join(work, 'garbage.pem')}": `));
    expectOneLine(await notaryGate(['verify', reference, '--cert', join(work, 'empty.pem'), ...insecure()]), 2, new RegExp(`^Error: malformed certificate in "${join(work, 'empty.pem')}": `));
  });

  it('a malformed private key, or a key that is not the certificate\'s', async () => {
    const cert = join(work, 'alice.crt');
    expectOneLine(await notaryGate(['sign', reference, '--key', cert, '--cert', cert, ...insecure()]), 2, new RegExp(`^Error: malformed private key in "${cert}": `));
    await notaryGate(['cert', 'generate-test', 'bob', '--dir', work]);
    expectOneLine(
      await notaryGate(['sign', reference, '--key', join(work, 'bob.key'), '--cert', cert, ...insecure()]),
      2,
      'Error: "key and certificate" param is invalid. Error: key not matches certificate',
    );
  });

  it('plain HTTP to a registry not named insecure, with the flag to pass', async () => {
    expectOneLine(await notaryGate(['discover', reference]), 2, new RegExp(`plain HTTP is refused .*\\(to allow it, pass --insecure-registry ${registry.host.replace(/\./g, '\\.')}\\)\n$`));
  });

  it('a missing or malformed docker config', async () => {
    expectOneLine(await notaryGate(['discover', reference, '--docker-config', join(work, 'nope.json'), ...insecure()]), 2, `Error: cannot read docker config "${join(work, 'nope.json')}": no such file`);
    expectOneLine(await notaryGate(['discover', reference, '--docker-config', join(work, 'bad-docker-config.json'), ...insecure()]), 2, /not valid JSON/);
  });
});

it('a valid docker config is read for credentials (an open registry ignores them)', async () => {
  const path = join(work, 'docker-config.json');
  writeFileSync(path, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('ci:secret').toString('base64') } } }));
  const run = await notaryGate(['discover', reference, '--docker-config', path, ...insecure()]);
  expect(run).toMatchObject({ status: 0, stderr: '' });
  expect(run.stdout).not.toContain('secret');
});

describe('registry trouble is not a verdict', () => {
  it('an unreachable registry: exit 3, reported as unavailable', async () => {
    const port = await freePort();
    const run = await notaryGate(['verify', `127.0.0.1:${port}/app:v1`, '--cert', join(work, 'alice.crt'), '--insecure-registry', `127.0.0.1:${port}`]);
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 3, stdout: '' });
    const lines = run.stderr.trimEnd().split('\n');
    // Each retry is said as it happens (no silent wait), then one error line.
    expect(lines.slice(0, -1)).toEqual([
      expect.stringMatching(new RegExp(`^Warning: resolve 127\\.0\\.0\\.1:${port}/app:v1: cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); retrying in \\d+\\.\\ds \\(attempt 2 of 3\\)$`)),
      expect.stringMatching(/; retrying in \d+\.\ds \(attempt 3 of 3\)$/),
    ]);
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^Error: registry unavailable: .*127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
    expect(run.stderr).not.toMatch(/signature/);
  });

  it('an artifact that does not exist: exit 1', async () => {
    expectOneLine(await notaryGate(['verify', `${registry.host}/errors/app:v2`, '--cert', join(work, 'alice.crt'), ...insecure()]), 1, /not found/);
  });
});

it('--help prints usage on stdout with exit 0', async () => {
  const run = await notaryGate(['verify', '--help']);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('--insecure-registry <host[:port]>');
  expect(run.stdout).toContain('--docker-config <file>');
});

it('serve names the flag the user passed, and the variable otherwise, all problems on one line (exit 2)', async () => {
  // The embedded mode: no NATS_URL from the suite's environment.
  const natsUrl = process.env['NATS_URL'];
  delete process.env['NATS_URL'];
  const run = await notaryGate(['serve', '--port', 'abc', '--policies', join(work, 'absent-policies'), '--registry-mirror', 'ghcr.io']).finally(() => {
    if (natsUrl !== undefined) process.env['NATS_URL'] = natsUrl;
  });
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^Error: invalid configuration: /);
  expect(run.stderr).toContain('--port: must be an integer, got "abc"');
  expect(run.stderr).toContain(`--policies: directory "${join(work, 'absent-policies')}" does not exist`);
  expect(run.stderr).toContain('--registry-mirror: "ghcr.io" is not a mirror: expected SOURCE=TARGET');
  expect(run.stderr).not.toMatch(/PORT|POLICY_DIR|REGISTRY_MIRRORS|:;/);
  expect(run.stderr.split('\n')).toHaveLength(2);
});
