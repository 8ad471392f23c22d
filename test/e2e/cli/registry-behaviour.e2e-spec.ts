/**
 * The CLI against registries that misbehave, as notation and kubectl users
 * expect it to: a hung registry is cut off at --timeout / REGISTRY_TIMEOUT
 * with every retry said on stderr; refused credentials exit 3 naming the
 * credentials tried; --debug traces the traffic with credentials redacted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCliEnvironment } from '../../../apps/cli/src/support/config';
import { startHttpServer, type TestHttpServer } from '../../support/http-server';
import { startRegistry } from '../../support/registry';
import { notaryGate } from './cli-harness';
import { pushImage } from './images';

let work: string;
let hung: Server;
let hungHost: string;
let locked: TestHttpServer;
const SECRET = 'hunter2-do-not-print';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ng-cli-registry-'));
  // Accepts connections and never answers.
  hung = createServer(() => undefined);
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  hungHost = `127.0.0.1:${(hung.address() as { port: number }).port}`;
  // Wants Basic credentials and refuses every one it is given.
  locked = await startHttpServer((_request, response) => {
    response.writeHead(401, { 'www-authenticate': 'Basic realm="locked"', 'content-type': 'application/json' });
    response.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
  });
  writeFileSync(join(work, 'config.json'), JSON.stringify({ auths: { [locked.host]: { auth: Buffer.from(`ci:${SECRET}`).toString('base64') } } }));
});

afterAll(async () => {
  hung?.close();
  await locked?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('--timeout cuts a hung registry off, saying each retry on stderr, and exits 3', async () => {
  const started = Date.now();
  const run = await notaryGate(['discover', `${hungHost}/app:v1`, '--insecure-registry', hungHost, '--timeout', '300ms']);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(run.status).toBe(3);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines.filter((line) => /^Warning: .*; retrying in \d+\.\ds \(attempt [23] of 3\)$/.test(line))).toHaveLength(2);
  expect(lines[lines.length - 1]).toMatch(/^Error: registry unavailable: .*timed out|^Error: registry unavailable: .*timeout/i);
}, 30_000);

it('REGISTRY_TIMEOUT does the same when no --timeout is given; a bad value names the variable', async () => {
  const started = Date.now();
  const run = await notaryGate(['discover', `${hungHost}/app:v1`, '--insecure-registry', hungHost], { registryTimeoutMs: 300 });
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(run.status).toBe(3);
  expect(readCliEnvironment({ REGISTRY_TIMEOUT: '2s' }).registryTimeoutMs).toBe(2000);
  expect(() => readCliEnvironment({ REGISTRY_TIMEOUT: 'soon' }).registryTimeoutMs).toThrow('invalid REGISTRY_TIMEOUT "soon"');
  const flag = await notaryGate(['discover', `${hungHost}/app:v1`, '--timeout', 'soon']);
  expect(flag).toEqual({ status: 2, stdout: '', stderr: 'Error: invalid --timeout "soon": use a number with a unit d, h, m, s or ms, e.g. 24h, 7d, 1h30m\n' });
}, 30_000);

it('refused credentials exit 3 (nothing was decided about the artifact), naming the credentials tried', async () => {
  const withConfig = await notaryGate(['discover', `${locked.host}/app:v1`, '--insecure-registry', locked.host, '--docker-config', join(work, 'config.json')]);
  expect(withConfig.status).toBe(3);
  expect(withConfig.stderr).toMatch(new RegExp(`\\(credentials: the ${locked.host.replace(/\./g, '\\.')} entry of --docker-config ${join(work, 'config.json').replace(/\./g, '\\.')}\\)\\n$`));
  const anonymous = await notaryGate(['discover', `${locked.host}/app:v1`, '--insecure-registry', locked.host]);
  expect(anonymous.status).toBe(3);
  // The harness's default docker config may or may not exist on this machine: either way, anonymous, said so.
  expect(anonymous.stderr).toMatch(/\(credentials: none: (there is no docker config \S+|the docker config \S+ has no entry for \S+), so anonymous\)\n$/);
  expect(withConfig.stderr + anonymous.stderr).not.toContain(SECRET);
});

it('--debug traces each request and response on stderr, credentials redacted', async () => {
  const run = await notaryGate(['discover', `${locked.host}/app:v1`, '--insecure-registry', locked.host, '--docker-config', join(work, 'config.json'), '--debug']);
  expect(run.status).toBe(3);
  expect(run.stderr).toMatch(new RegExp(`^DEBUG: HEAD http://${locked.host.replace(/\./g, '\\.')}/v2/app/manifests/v1 → 401 \\(\\d+ ms\\)$`, 'm'));
  expect(run.stderr).toMatch(/^DEBUG: {3}< www-authenticate: Basic realm="locked"$/m);
  expect(run.stderr).toMatch(/^DEBUG: {3}> authorization: Basic <redacted>$/m);
  expect(run.stderr).not.toContain(SECRET);
  expect(run.stderr).not.toContain(Buffer.from(`ci:${SECRET}`).toString('base64'));
});

it('attach of a large file says how far the upload is, and the registry gets every byte (its digest checks)', async () => {
  const registry = await startRegistry();
  try {
    await pushImage(registry.host, 'big/app', 'v1');
    const file = join(work, 'big-sbom.json');
    writeFileSync(file, JSON.stringify({ bomFormat: 'CycloneDX', padding: 'x'.repeat(3 * 1024 * 1024) }));
    const run = await notaryGate(['attach', `${registry.host}/big/app:v1`, '--artifact-type', 'sbom/cyclone-dx', file, '--insecure-registry', registry.host]);
    expect(run.status).toBe(0);
    const progress = run.stderr.trimEnd().split('\n');
    expect(progress[0]).toMatch(/^Uploading sha256:[0-9a-f]{12}…: 0% \(0\.\d MiB of 3\.0 MiB\)$/);
    expect(progress[progress.length - 1]).toMatch(/^Uploading sha256:[0-9a-f]{12}…: 100% \(3\.0 MiB of 3\.0 MiB\)$/);
    expect(progress.length).toBeGreaterThanOrEqual(10);
    // A small file goes up in one piece, silently.
    writeFileSync(join(work, 'small.json'), '{}');
    expect(await notaryGate(['attach', `${registry.host}/big/app:v1`, '--artifact-type', 'x/small', join(work, 'small.json'), '--insecure-registry', registry.host])).toMatchObject({ status: 0, stderr: '' });
  } finally {
    await registry.stop();
  }
}, 60_000);
