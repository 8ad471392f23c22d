/**
 * What a CI pipeline does to an image, through the CLI: sign it, attach
 * attestations (an SBOM, a scan report), sign each attestation — then
 * `discover` shows the nested referrer tree of the seed (§2) and `inspect`
 * shows the signatures as notation does (seed §1).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { notaryGate, type CliRun } from './cli-harness';
import { pushImage } from './images';

const NOW = new Date('2026-11-24T12:00:00Z');

let registry: TestRegistry;
let work: string;
const insecure = (): string[] => ['--insecure-registry', registry.host];
const run = (argv: string[]): Promise<CliRun> => notaryGate(argv, { now: NOW });

function lastDigest(output: CliRun, warning = ''): string {
  expect(output).toMatchObject({ status: 0, stderr: warning });
  const digests = output.stdout.match(/sha256:[0-9a-f]{64}/g) ?? [];
  return digests[digests.length - 1]!;
}

let imageRef: string;
let imageDigest: string;
const digests: Record<string, string> = {};

async function sign(reference: string, format: 'jws' | 'cose' = 'jws'): Promise<string> {
  // By tag, notation's warning; by digest, none.
  const tag = /:([\w][\w.-]*)$/.exec(reference.slice(reference.lastIndexOf('/')))?.[1];
  const warning =
    tag === undefined || reference.includes('@')
      ? ''
      : `Warning: Always sign the artifact using digest(@sha256:...) rather than a tag(:${tag}) because tags are mutable and a tag reference can point to a different artifact than the one signed.\n`;
  return lastDigest(
    await run(['sign', reference, '--key', join(work, 'ci.key'), '--cert', join(work, 'ci.crt'), '--signature-format', format, ...insecure()]),
    warning,
  );
}

async function attach(artifactType: string, content: object, mediaType = 'application/json'): Promise<string> {
  const path = join(work, `${artifactType.replace(/\W+/g, '-')}.json`);
  writeFileSync(path, JSON.stringify(content));
  return lastDigest(await run(['attach', imageRef, '--artifact-type', artifactType, path, '--media-type', mediaType, ...insecure()]));
}

beforeAll(async () => {
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'ng-cli-attest-'));
  expect((await run(['cert', 'generate-test', 'ci', '--dir', work])).status).toBe(0);
  imageDigest = (await pushImage(registry.host, 'kyverno/test-verify-image', 'signed')).digest;
  imageRef = `${registry.host}/kyverno/test-verify-image:signed`;

  digests.signatureJws = await sign(imageRef, 'jws');
  digests.signatureCose = await sign(imageRef, 'cose');
  digests.scan = await attach('vulnerability-scan', { scanner: 'trivy', vulnerabilities: [] });
  digests.scanSignature = await sign(`${registry.host}/kyverno/test-verify-image@${digests.scan}`);
  digests.sbom = await attach('sbom/cyclone-dx', { bomFormat: 'CycloneDX', components: [{ licenses: [{ expression: 'GPL-3.0' }] }] }, 'application/vnd.cyclonedx+json');
  digests.sbomSignature = await sign(`${registry.host}/kyverno/test-verify-image@${digests.sbom}`, 'cose');
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('discover prints the nested referrer tree of the seed (§2)', async () => {
  const result = await run(['discover', imageRef, ...insecure()]);
  expect(result.status).toBe(0);
  expect(result.stdout.split('\n')).toEqual([
    `${registry.host}/kyverno/test-verify-image@${imageDigest}`,
    '├── application/vnd.cncf.notary.signature',
    `│   ├── ${digests.signatureJws}`,
    `│   └── ${digests.signatureCose}`,
    '├── vulnerability-scan',
    `│   └── ${digests.scan}`,
    '│       └── application/vnd.cncf.notary.signature',
    `│           └── ${digests.scanSignature}`,
    '└── sbom/cyclone-dx',
    `    └── ${digests.sbom}`,
    '        └── application/vnd.cncf.notary.signature',
    `            └── ${digests.sbomSignature}`,
    '',
  ]);
});

it('discover -o json carries the same graph', async () => {
  const result = await run(['discover', imageRef, '-o', 'json', ...insecure()]);
  expect(result.status).toBe(0);
  const graph = JSON.parse(result.stdout);
  expect(graph.digest).toBe(imageDigest);
  const sbom = graph.referrers.find((referrer: { digest: string }) => referrer.digest === digests.sbom);
  expect(sbom).toMatchObject({ artifactType: 'sbom/cyclone-dx', referrers: [{ digest: digests.sbomSignature, artifactType: 'application/vnd.cncf.notary.signature' }] });
});

it('discover --artifact-type keeps only that type among direct referrers', async () => {
  const result = await run(['discover', imageRef, '--artifact-type', 'sbom/cyclone-dx', ...insecure()]);
  expect(result.stdout.split('\n')[1]).toBe('└── sbom/cyclone-dx');
});

it('each signed attestation verifies by its digest', async () => {
  for (const attestation of [digests.scan, digests.sbom]) {
    const result = await run(['verify', `${registry.host}/kyverno/test-verify-image@${attestation}`, '--cert', join(work, 'ci.crt'), ...insecure()]);
    expect(result.status).toBe(0);
  }
});

it("inspect prints notation's current tree by default", async () => {
  const result = await run(['inspect', imageRef, ...insecure()]);
  expect(result).toMatchObject({ status: 0, stderr: '' });
  const lines = result.stdout.split('\n');
  expect(lines.slice(0, 4)).toEqual([
    'Inspecting all signatures for signed artifact',
    `${registry.host}/kyverno/test-verify-image@${imageDigest}`,
    '└── application/vnd.cncf.notary.signature',
    `    ├── ${digests.signatureJws}`,
  ]);
  expect(lines).toContain('    │   ├── signature algorithm: RSASSA-PSS-SHA-256');
  expect(lines).toContain('    │   ├── signature envelope type: application/jose+json');
  expect(lines).toContain('    │   │   └── signing time: Tue Nov 24 12:00:00 2026');
  expect(lines).not.toContain('    │   ├── media type: application/jose+json');
});

it("inspect --style notation-1.0 prints notation 1.0's tree for each signature (Kyverno's documentation)", async () => {
  const result = await run(['inspect', imageRef, '--style', 'notation-1.0', ...insecure()]);
  expect(result).toMatchObject({ status: 0, stderr: '' });
  const lines = result.stdout.split('\n');
  expect(lines.slice(0, 4)).toEqual([
    'Inspecting all signatures for signed artifact',
    `${registry.host}/kyverno/test-verify-image@${imageDigest}`,
    '└── application/vnd.cncf.notary.signature',
    `    ├── ${digests.signatureJws}`,
  ]);
  expect(lines).toContain('    │   ├── media type: application/jose+json');
  expect(lines).toContain('    │   ├── signature algorithm: RSASSA-PSS-SHA-256');
  expect(lines).toContain('    │   │   └── signingTime: Tue Nov 24 12:00:00 2026');
  expect(lines).toContain('    │   │       ├── issued to: CN=ci,O=Notary,L=Seattle,ST=WA,C=US');
  expect(lines).toContain(`    └── ${digests.signatureCose}`);
  expect(lines).toContain('        ├── media type: application/cose');
  expect(lines).toContain(`            ├── digest: ${imageDigest}`);
});

it('inspect -o json lists both signatures with their signed artifact', async () => {
  const result = await run(['inspect', imageRef, '-o', 'json', ...insecure()]);
  expect(result.status).toBe(0);
  const document = JSON.parse(result.stdout);
  expect(document.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
  expect(document.signatures.map((signature: { digest: string }) => signature.digest)).toEqual([digests.signatureJws, digests.signatureCose]);
  expect(document.signatures[0].signedArtifact.digest).toBe(imageDigest);
});
