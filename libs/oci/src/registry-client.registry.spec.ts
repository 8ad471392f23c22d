/**
 * The registry client against Debian's real docker-registry (CNCF
 * Distribution 2.8, no referrers API): pushes, resolve, fetches, and the
 * referrers tag-schema fallback as notation / oras maintain it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../../test/support/registry';
import { referrersTag, sha256Digest } from './digest';
import { RegistryClient } from './registry-client';
import type { RegistryRepository } from './registry-repository';
import { EMPTY_CONFIG, MediaTypes, type Descriptor, type ImageIndex } from './types';
import { fixturePath } from '../../../test/support/fixtures';

const SIGNATURE = MediaTypes.notarySignature;
const SBOM = 'application/spdx+json';
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const { data: _data, ...EMPTY } = EMPTY_CONFIG;

describe('RegistryClient against docker-registry', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const warnings: string[] = [];

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ insecureRegistries: [registry.host], onWarning: (message) => warnings.push(message) });
  });

  afterAll(async () => {
    await client.close();
    await registry.stop();
  });

  /** Pushes a small image (config + one layer) and returns its manifest descriptor. */
  async function pushImage(repository: RegistryRepository, name: string, tag?: string): Promise<Descriptor> {
    const config = await repository.pushBlob(json({ architecture: 'amd64', os: 'linux', name }), 'application/vnd.oci.image.config.v1+json');
    const layer = await repository.pushBlob(Buffer.from(`layer of ${name}`), 'application/vnd.oci.image.layer.v1.tar');
    const bytes = json({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config, layers: [layer] });
    return repository.pushManifest(bytes, MediaTypes.ociManifest, tag);
  }

  /** Pushes an artifact manifest referring to `subject` (current or legacy signature form). */
  async function pushReferrer(
    repository: RegistryRepository,
    subject: Descriptor,
    options: { artifactType?: string; legacy?: boolean; note: string; subjectOverride?: Descriptor },
  ): Promise<Descriptor> {
    await repository.pushBlob(Buffer.from('{}'), MediaTypes.ociEmpty);
    const layer = await repository.pushBlob(Buffer.from(`envelope ${options.note}`), MediaTypes.jws);
    const s = options.subjectOverride ?? subject;
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      ...(options.legacy ? {} : { artifactType: options.artifactType ?? SIGNATURE }),
      config: options.legacy ? { ...EMPTY, mediaType: SIGNATURE } : EMPTY,
      layers: [layer],
      subject: { mediaType: s.mediaType, digest: s.digest, size: s.size },
      annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': '["00"]', note: options.note },
    };
    return repository.pushManifest(json(manifest), MediaTypes.ociManifest);
  }

  it('pushes blobs once, pushes and tags a manifest, resolves by HEAD and fetches with digest checks', async () => {
    const repository = client.repository(`${registry.host}/basics/app`);
    const image = await pushImage(repository, 'basics', 'v1');
    registry.clearRequests();
    const again = await repository.pushBlob(Buffer.from('layer of basics'), 'application/vnd.oci.image.layer.v1.tar');
    expect(again.digest).toBe(sha256Digest(Buffer.from('layer of basics')));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(registry.requests().map((r) => r.method)).toEqual(['HEAD']); // already there: no upload

    registry.clearRequests();
    const resolved = await repository.resolve('v1');
    expect(resolved).toEqual({ mediaType: MediaTypes.ociManifest, digest: image.digest, size: image.size });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(registry.requests().map((r) => `${r.method} ${r.path}`)).toEqual([`HEAD /v2/basics/app/manifests/v1`]);

    const byTag = await repository.fetchManifest('v1');
    const byDigest = await repository.fetchManifest(resolved);
    expect(byTag.descriptor).toEqual(resolved);
    expect(byDigest.bytes.equals(byTag.bytes)).toBe(true);
    const layer = (byDigest.manifest as { layers: Descriptor[] }).layers[0]!;
    expect((await repository.fetchBlob(layer, 1024)).toString()).toBe('layer of basics');
    await expect(repository.fetchManifest('v2')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND', status: 404 });
    await expect(client.repository(`${registry.host}/nothing/here`).resolve('v1')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('maintains the sha256-<hex> index on push and lists referrers through it, filtering by artifactType', async () => {
    const repository = client.repository(`${registry.host}/signed/app`);
    const image = await pushImage(repository, 'signed', 'v1');
    const signature = await pushReferrer(repository, image, { note: 'current form' });
    const legacy = await pushReferrer(repository, image, { legacy: true, note: 'legacy form' });
    const sbom = await pushReferrer(repository, image, { artifactType: SBOM, note: 'sbom' });

    const index = await repository.fetchManifest(referrersTag(image.digest));
    const manifests = (index.manifest as ImageIndex).manifests;
    expect(index.descriptor.mediaType).toBe(MediaTypes.ociIndex);
    expect(manifests.map((d) => [d.digest, d.artifactType])).toEqual([
      [signature.digest, SIGNATURE],
      [legacy.digest, SIGNATURE], // legacy manifests are indexed under config.mediaType, as oras does
      [sbom.digest, SBOM],
    ]);
    expect(manifests[0]!.annotations?.['note']).toBe('current form');

    const signatures = await repository.referrers(image.digest, { artifactType: SIGNATURE });
    expect(signatures.map((d) => d.digest)).toEqual([signature.digest, legacy.digest]);
    expect(signatures[1]).toMatchObject({ mediaType: MediaTypes.ociManifest, artifactType: SIGNATURE, annotations: { note: 'legacy form' } });
    expect((await repository.referrers(image.digest, { artifactType: SBOM })).map((d) => d.digest)).toEqual([sbom.digest]);
    expect(await repository.referrers(image.digest)).toHaveLength(3);

    // The replaced indexes were deleted by digest.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const deletes = registry.requests().filter((r) => r.method === 'DELETE' && r.path.startsWith('/v2/signed/app/manifests/'));
    expect(deletes).toHaveLength(2);
    expect(deletes.every((r) => r.status === 202)).toBe(true);
    expect(warnings).toEqual([]);

    // The fetched referrer manifests come along, so a verifier does not fetch them again.
    const listing = await repository.fetchReferrers(image.digest, { artifactType: SIGNATURE });
    expect(listing.referrers[0]!.manifest.manifest.subject?.digest).toBe(image.digest);
    // No referrers: a missing tag, not an error.
    const lonely = await pushImage(repository, 'lonely');
    expect(await repository.referrers(lonely.digest)).toEqual([]);
  });

  it('drops an index entry whose manifest names another subject', async () => {
    const repository = client.repository(`${registry.host}/liars/app`);
    const image = await pushImage(repository, 'liar-target', 'v1');
    const other = await pushImage(repository, 'liar-other', 'v2');
    const genuine = await pushReferrer(repository, image, { note: 'genuine' });
    const forOther = await pushReferrer(repository, other, { note: 'belongs to other' });
    // A tampered fallback index claims the other image's signature for this image.
    const tampered = json({
      schemaVersion: 2,
      mediaType: MediaTypes.ociIndex,
      manifests: [
        { mediaType: MediaTypes.ociManifest, digest: genuine.digest, size: genuine.size, artifactType: SIGNATURE },
        { mediaType: MediaTypes.ociManifest, digest: forOther.digest, size: forOther.size, artifactType: SIGNATURE },
      ],
    });
    await repository.pushManifest(tampered, MediaTypes.ociIndex, referrersTag(image.digest));
    const listing = await repository.fetchReferrers(image.digest, { artifactType: SIGNATURE });
    expect(listing.referrers.map((r) => r.descriptor.digest)).toEqual([genuine.digest]);
    expect(listing.skipped.map((s) => [s.descriptor.digest, s.error.code])).toEqual([[forOther.digest, 'ERR_SUBJECT_MISMATCH']]);
  });

  it('refuses a subject with more than maxReferrers (50) referrers', async () => {
    const repository = client.repository(`${registry.host}/crowded/app`);
    const image = await pushImage(repository, 'crowded', 'v1');
    for (let i = 0; i < 51; i++) await pushReferrer(repository, image, { note: `signature ${i}` });
    await expect(repository.referrers(image.digest, { artifactType: SIGNATURE })).rejects.toMatchObject({ code: 'ERR_TOO_MANY_REFERRERS' });
    const roomier = new RegistryClient({ insecureRegistries: [registry.host], limits: { maxReferrers: 60 } });
    try {
      expect(await roomier.repository(`${registry.host}/crowded/app`).referrers(image.digest)).toHaveLength(51);
    } finally {
      await roomier.close();
    }
  });
});

describe('RegistryClient on signatures pushed by the real notation CLI', () => {
  const vectors = fixturePath('notation-cli');
  let registry: TestRegistry;
  let client: RegistryClient;
  let storage: string;

  beforeAll(async () => {
    storage = mkdtempSync(join(tmpdir(), 'ng-notation-cli-'));
    execFileSync('tar', ['xzf', join(vectors, 'registry-data.tar.gz'), '-C', storage]);
    registry = await startRegistry({ rootDirectory: storage });
    client = new RegistryClient({ insecureRegistries: [registry.host] });
  });

  afterAll(async () => {
    await client.close();
    await registry.stop();
    rmSync(storage, { recursive: true, force: true });
  });

  it.each([
    ['jws-rsa-chain', 't-jws-rsa'],
    ['cose-ec384-chain', 't-cose-ec384'],
  ])('finds the signature of %s (tag %s)', async (name, tag) => {
    const repository = client.repository(`${registry.host}/vectors/app`);
    const target = JSON.parse(readFileSync(join(vectors, 'cases', name, 'target-descriptor.json'), 'utf8')) as Descriptor;
    const signatureManifest = readFileSync(join(vectors, 'cases', name, 'signature-manifest.json'));
    expect((await repository.resolve(tag)).digest).toBe(target.digest);
    const listing = await repository.fetchReferrers(target.digest, { artifactType: SIGNATURE });
    expect(listing.referrers.map((r) => r.descriptor.digest)).toContain(sha256Digest(signatureManifest));
    expect(listing.skipped).toEqual([]);
  });
});
