/**
 * discover against real stores: Debian's docker-registry (no referrers API,
 * so the referrers tag schema is what answers) and an OCI image layout, each
 * holding the shape of seed §2 — an image with two signatures and signed
 * attestations — pushed by the oci library.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_CONFIG, MediaTypes, OciLayoutRepository, RegistryClient, type Descriptor, type Repository } from '@notary-gate/oci';
import { startRegistry, type TestRegistry } from '../../../../test/support/registry';
import { discoverReferrerGraph, renderDiscoverJson, renderDiscoverTree } from './discover';

const SIG = MediaTypes.notarySignature;
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const { data: _data, ...EMPTY } = EMPTY_CONFIG;

async function pushImage(repository: Repository): Promise<Descriptor> {
  const config = await repository.pushBlob(json({ architecture: 'amd64', os: 'linux' }), 'application/vnd.oci.image.config.v1+json');
  const layer = await repository.pushBlob(Buffer.from('image layer'), 'application/vnd.oci.image.layer.v1.tar');
  return repository.pushManifest(json({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config, layers: [layer] }), MediaTypes.ociManifest, 'signed');
}

/** A manifest with `subject`, as notation (signatures) and oras attach (attestations) write them. */
async function attach(repository: Repository, subject: Descriptor, artifactType: string, content: string): Promise<Descriptor> {
  await repository.pushBlob(Buffer.from('{}'), MediaTypes.ociEmpty);
  const layer = await repository.pushBlob(Buffer.from(content), artifactType === SIG ? MediaTypes.jws : 'application/json');
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    artifactType,
    config: EMPTY,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  return repository.pushManifest(json(manifest), MediaTypes.ociManifest);
}

/** Pushes seed §2's shape; returns the tree `oras discover` prints for it, in push order. */
async function pushSeedShape(repository: Repository): Promise<{ image: Descriptor; expected: string }> {
  const image = await pushImage(repository);
  const signature1 = await attach(repository, image, SIG, 'image signature 1');
  const signature2 = await attach(repository, image, SIG, 'image signature 2');
  const scan = await attach(repository, image, 'vulnerability-scan', '{"scan":1}');
  const scanSignature = await attach(repository, scan, SIG, 'scan signature');
  const sbom = await attach(repository, image, 'sbom/cyclone-dx', '{"bomFormat":"CycloneDX"}');
  const sbomSignature = await attach(repository, sbom, SIG, 'sbom signature');
  const expected = [
    `${repository.name}@${image.digest}`,
    `├── ${SIG}`,
    `│   ├── ${signature1.digest}`,
    `│   └── ${signature2.digest}`,
    '├── vulnerability-scan',
    `│   └── ${scan.digest}`,
    `│       └── ${SIG}`,
    `│           └── ${scanSignature.digest}`,
    '└── sbom/cyclone-dx',
    `    └── ${sbom.digest}`,
    `        └── ${SIG}`,
    `            └── ${sbomSignature.digest}`,
    '',
  ].join('\n');
  return { image, expected };
}

describe('discover against docker-registry (referrers tag schema)', () => {
  let registry: TestRegistry;
  let client: RegistryClient;

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ insecureRegistries: [registry.host] });
  });

  afterAll(async () => {
    await client.close();
    await registry.stop();
  });

  it('prints the referrer graph as oras discover -o tree', async () => {
    const repository = client.repository(`${registry.host}/kyverno/test-verify-image`);
    const { image, expected } = await pushSeedShape(repository);
    const graph = await discoverReferrerGraph(repository, await repository.resolve('signed'));
    expect(graph.subject.digest).toBe(image.digest);
    expect(renderDiscoverTree(graph)).toBe(expected);
    const document = JSON.parse(renderDiscoverJson(graph)) as { reference: string; referrers: Array<{ artifactType: string; referrers: unknown[] }> };
    expect(document.reference).toBe(`${registry.host}/kyverno/test-verify-image@${image.digest}`);
    expect(document.referrers.map((referrer) => [referrer.artifactType, referrer.referrers.length])).toEqual([
      [SIG, 0],
      [SIG, 0],
      ['vulnerability-scan', 1],
      ['sbom/cyclone-dx', 1],
    ]);
  });
});

describe('discover in an OCI image layout', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'ng-discover-layout-'));
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints the same graph (referrers found by their subject)', async () => {
    const repository = new OciLayoutRepository(directory);
    const { image, expected } = await pushSeedShape(repository);
    const text = renderDiscoverTree(await discoverReferrerGraph(repository, image));
    // A layout has no listing order of its own: compare the lines, each under its parent.
    expect(text.split('\n').sort()).toEqual(expected.split('\n').sort());
    expect(text.split('\n')[0]).toBe(`${directory}@${image.digest}`);
  });
});
