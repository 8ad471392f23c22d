/**
 * The same commands on an OCI image-layout directory (`oci-layout:<dir>`),
 * for offline use: sign, attach, discover, verify, inspect — no registry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaTypes, openRepository, type Descriptor } from '@notary-gate/oci';
import { notaryGate, type CliRun } from './cli-harness';

const NOW = new Date('2026-11-24T12:00:00Z');
let work: string;
let layout: string;
let image: Descriptor;
const run = (argv: string[]): Promise<CliRun> => notaryGate(argv, { now: NOW });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ng-cli-layout-'));
  layout = join(work, 'layout');
  const opened = openRepository(`oci-layout:${layout}:v1`);
  const config = await opened.repository.pushBlob(Buffer.from('{"architecture":"amd64","os":"linux"}'), 'application/vnd.oci.image.config.v1+json');
  const manifest = { schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: { mediaType: config.mediaType, digest: config.digest, size: config.size }, layers: [] };
  image = await opened.repository.pushManifest(Buffer.from(JSON.stringify(manifest)), MediaTypes.ociManifest, 'v1');
  await opened.close();
  expect((await run(['cert', 'generate-test', 'offline', '--dir', work])).status).toBe(0);
  writeFileSync(join(work, 'sbom.json'), '{"bomFormat":"CycloneDX"}');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it('signs, attaches, discovers, verifies and inspects inside a layout directory', async () => {
  const reference = `oci-layout:${layout}:v1`;
  const signed = await run(['sign', reference, '--key', join(work, 'offline.key'), '--cert', join(work, 'offline.crt')]);
  expect(signed.status).toBe(0);
  expect(signed.stderr).toMatch(/^Warning: Always sign the artifact using digest\(@sha256:\.\.\.\) rather than a tag\(:v1\)/);
  // Printed as an `oci-layout:` reference, so that it can be pasted back.
  expect(signed.stdout).toContain(`Successfully signed oci-layout:${layout}@${image.digest}\n`);
  const signature = /@(sha256:[0-9a-f]{64})\n$/.exec(signed.stdout)![1]!;

  const attached = await run(['attach', reference, '--artifact-type', 'sbom/cyclone-dx', join(work, 'sbom.json')]);
  expect(attached.status).toBe(0);
  const sbom = /@(sha256:[0-9a-f]{64})\n$/.exec(attached.stdout)![1]!;

  const discovered = await run(['discover', reference]);
  expect(discovered.stdout.split('\n')).toEqual([
    `oci-layout:${layout}@${image.digest}`,
    '├── application/vnd.cncf.notary.signature',
    `│   └── ${signature}`,
    '└── sbom/cyclone-dx',
    `    └── ${sbom}`,
    '',
  ]);

  const verified = await run(['verify', reference, '--cert', join(work, 'offline.crt')]);
  expect(verified.status).toBe(0);
  expect(verified.stdout).toContain(`Successfully verified signature for oci-layout:${layout}@${image.digest}\n`);
  // What was printed works as an argument.
  const pasted = /Successfully verified signature for (\S+)\n/.exec(verified.stdout)![1]!;
  expect((await run(['verify', pasted, '--cert', join(work, 'offline.crt')])).status).toBe(0);
  const pushed = /Pushed the signature to (\S+)\n/.exec(signed.stdout)![1]!;
  expect(pushed).toBe(`oci-layout:${layout}@${signature}`);
  expect((await run(['discover', pushed])).status).toBe(0);

  const inspected = await run(['inspect', `oci-layout:${layout}@${image.digest}`]);
  expect(inspected.status).toBe(0);
  expect(inspected.stdout.split('\n').slice(0, 4)).toEqual([
    'Inspecting all signatures for signed artifact',
    `oci-layout:${layout}@${image.digest}`,
    '└── application/vnd.cncf.notary.signature',
    `    └── ${signature}`,
  ]);
});

it('a missing layout directory is bad input (exit 2, one line)', async () => {
  const result = await run(['verify', `oci-layout:${join(work, 'absent')}:v1`, '--cert', join(work, 'offline.crt')]);
  expect(result).toEqual({ status: 2, stdout: '', stderr: `Error: OCI layout directory "${join(work, 'absent')}" does not exist\n` });
});
