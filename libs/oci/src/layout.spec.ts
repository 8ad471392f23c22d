/** OCI image-layout directories: the real notation layouts of the vectors, and a write round trip. */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { referrersTag, sha256Digest } from './digest';
import { OciLayoutRepository, REF_NAME_ANNOTATION } from './layout';
import { EMPTY_CONFIG, MediaTypes, type Descriptor, type ImageIndex, type ImageManifest } from './types';
import { fixturePath } from '../../../test/support/fixtures';

const LAYOUTS = fixturePath('notation-go/oci-layouts');
const SUBJECT = 'sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9';
const SIGNATURE = MediaTypes.notarySignature;
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('OciLayoutRepository on the notation-go vector layouts', () => {
  it('resolves the tag v1 to the subject image', async () => {
    const layout = new OciLayoutRepository(join(LAYOUTS, 'e2e-valid-signature'));
    expect(await layout.resolve('v1')).toEqual({ mediaType: MediaTypes.ociManifest, digest: SUBJECT, size: 517 });
    const fetched = await layout.fetchManifest('v1');
    expect(fetched.descriptor.digest).toBe(SUBJECT);
    expect((fetched.manifest as ImageManifest).config.mediaType).toBe('application/vnd.notation.config');
  });

  it('lists both signatures of e2e-valid-multiple-signatures (one only reachable by subject)', async () => {
    const layout = new OciLayoutRepository(join(LAYOUTS, 'e2e-valid-multiple-signatures'));
    const listing = await layout.fetchReferrers(SUBJECT, { artifactType: SIGNATURE });
    expect(listing.referrers.map((r) => r.descriptor.digest)).toEqual([
      'sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f',
      'sha256:c3ebe4a20b6832328fc5078a7795ddc1114b896e13fca2add38109c3866b5fbf',
    ]);
    expect(listing.skipped).toEqual([]);
    const [first] = listing.referrers;
    expect(first!.descriptor).toEqual({
      mediaType: MediaTypes.ociManifest,
      digest: 'sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f',
      size: 728,
      artifactType: SIGNATURE, // legacy form: config.mediaType
      annotations: {
        'io.cncf.notary.x509chain.thumbprint#S256': '["e38aea13f2b051f7183cca64a51ee676f4d4456f41d9fecf15eb367efc7343b9"]',
        'org.opencontainers.image.created': '2023-06-27T05:30:33Z',
      },
    });
    const layer = (first!.manifest.manifest as ImageManifest).layers[0]!;
    const envelope = await layout.fetchBlob(layer, 32 * 1024 * 1024);
    expect(envelope.length).toBe(2070);
  });

  it.each([
    ['e2e', 0],
    ['e2e-valid-signature', 1],
    ['e2e-invalid-signature', 1],
    ['e2e-expired-signature', 1],
    ['e2e-with-expired-cert', 1],
  ])('%s has %i signature(s)', async (name, count) => {
    const layout = new OciLayoutRepository(join(LAYOUTS, name));
    expect(await layout.referrers(SUBJECT, { artifactType: SIGNATURE })).toHaveLength(count);
  });

  it('finds a signature linked only by subject to an artifact-manifest subject', async () => {
    const layout = new OciLayoutRepository(join(LAYOUTS, 'e2e-with-timestamped-signature'));
    const index = JSON.parse(readFileSync(join(LAYOUTS, 'e2e-with-timestamped-signature', 'index.json'), 'utf8')) as ImageIndex;
    const tagged = index.manifests.find((d) => d.annotations?.[REF_NAME_ANNOTATION] !== undefined)!;
    const subject = await layout.resolve(tagged.annotations![REF_NAME_ANNOTATION]!);
    expect(await layout.referrers(subject.digest, { artifactType: SIGNATURE })).toHaveLength(1);
  });

  it('answers precise errors', async () => {
    const layout = new OciLayoutRepository(join(LAYOUTS, 'e2e'));
    await expect(layout.resolve('v9')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(layout.fetchManifest({ mediaType: MediaTypes.ociManifest, digest: sha256Digest(Buffer.from('x')), size: 1 })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(layout.fetchManifest({ mediaType: MediaTypes.ociManifest, digest: SUBJECT, size: 516 })).rejects.toMatchObject({ code: 'ERR_SIZE_MISMATCH' });
    await expect(layout.referrers('sha256:nothex')).rejects.toMatchObject({ code: 'ERR_INVALID_REFERENCE' });
    await expect(new OciLayoutRepository('/nonexistent/layout').resolve('v1')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});

describe('OciLayoutRepository writes', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'ng-layout-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  async function pushSignature(layout: OciLayoutRepository, subject: Descriptor, note: string): Promise<Descriptor> {
    const envelope = await layout.pushBlob(Buffer.from(`envelope ${note}`), MediaTypes.jws);
    const { data: _data, ...config } = EMPTY_CONFIG;
    await layout.pushBlob(Buffer.from('{}'), MediaTypes.ociEmpty);
    return layout.pushManifest(
      json({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        artifactType: SIGNATURE,
        config,
        layers: [envelope],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        annotations: { note },
      }),
      MediaTypes.ociManifest,
    );
  }

  it('round-trips an image, a tag and signatures, maintaining the referrers tag index', async () => {
    const root = join(directory, 'new-layout');
    const writer = new OciLayoutRepository(root);
    const config = await writer.pushBlob(json({ os: 'linux' }), 'application/vnd.oci.image.config.v1+json');
    const layer = await writer.pushBlob(Buffer.from('hello'), 'application/vnd.oci.image.layer.v1.tar');
    const image = await writer.pushManifest(json({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config, layers: [layer] }), MediaTypes.ociManifest, 'v1');
    const first = await pushSignature(writer, image, 'one');
    const second = await pushSignature(writer, image, 'two');

    expect(JSON.parse(readFileSync(join(root, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const reader = new OciLayoutRepository(root);
    expect(await reader.resolve('v1')).toEqual({ mediaType: MediaTypes.ociManifest, digest: image.digest, size: image.size });
    expect((await reader.fetchBlob(layer, 100)).toString()).toBe('hello');
    const listing = await reader.fetchReferrers(image.digest, { artifactType: SIGNATURE });
    expect(listing.referrers.map((r) => [r.descriptor.digest, r.descriptor.annotations?.['note']])).toEqual([
      [first.digest, 'one'],
      [second.digest, 'two'],
    ]);

    const tagIndex = await reader.fetchManifest(referrersTag(image.digest));
    expect((tagIndex.manifest as ImageIndex).manifests.map((d) => [d.digest, d.artifactType])).toEqual([
      [first.digest, SIGNATURE],
      [second.digest, SIGNATURE],
    ]);
    const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as ImageIndex;
    expect(index.manifests.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] === referrersTag(image.digest))).toHaveLength(1);
    expect(index.manifests.filter((d) => d.mediaType === MediaTypes.ociIndex)).toHaveLength(1); // the replaced index is gone
    expect(index.manifests.map((d) => d.digest)).toEqual(expect.arrayContaining([image.digest, first.digest, second.digest]));
  });

  it('moves a tag, keeping the previous manifest listed', async () => {
    const layout = new OciLayoutRepository(directory);
    const a = await layout.pushManifest(json({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] }), MediaTypes.ociIndex, 'latest');
    const b = await layout.pushManifest(json({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [], annotations: { b: '1' } }), MediaTypes.ociIndex, 'latest');
    expect((await layout.resolve('latest')).digest).toBe(b.digest);
    expect((await layout.resolve(a.digest)).digest).toBe(a.digest);
    await expect(layout.pushManifest(Buffer.from('not json'), MediaTypes.ociManifest)).rejects.toThrow(TypeError);
  });

  it('adds to a copied notation layout the way notation does', async () => {
    cpSync(join(LAYOUTS, 'e2e-valid-multiple-signatures'), directory, { recursive: true });
    const layout = new OciLayoutRepository(directory);
    const subject = await layout.resolve('v1');
    const added = await pushSignature(layout, subject, 'three');
    expect((await layout.referrers(SUBJECT, { artifactType: SIGNATURE })).map((d) => d.digest)).toEqual([
      'sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f',
      'sha256:c3ebe4a20b6832328fc5078a7795ddc1114b896e13fca2add38109c3866b5fbf',
      added.digest,
    ]);
    const tagIndex = await layout.fetchManifest(referrersTag(SUBJECT));
    expect((tagIndex.manifest as ImageIndex).manifests.map((d) => d.digest)).toEqual([
      'sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f',
      added.digest,
    ]);
    expect(existsSync(join(directory, 'blobs', 'sha256', '13e107e0dd246f07ff18998a3d39e226965c41477a1bc1765f7617632ff3f283'))).toBe(false);
  });

  it('skips a corrupted signature manifest and refuses too many referrers', async () => {
    cpSync(join(LAYOUTS, 'e2e-valid-multiple-signatures'), directory, { recursive: true });
    writeFileSync(join(directory, 'blobs', 'sha256', 'c3ebe4a20b6832328fc5078a7795ddc1114b896e13fca2add38109c3866b5fbf'), 'x'.repeat(728));
    const layout = new OciLayoutRepository(directory);
    const listing = await layout.fetchReferrers(SUBJECT);
    expect(listing.referrers.map((r) => r.descriptor.digest)).toEqual(['sha256:90ceaff260d657d797c408ac73564a9c7bb9d86055877c2a811f0e63b8c6524f']);
    const strict = new OciLayoutRepository(join(LAYOUTS, 'e2e-valid-multiple-signatures'), { limits: { maxReferrers: 1 } });
    await expect(strict.referrers(SUBJECT)).rejects.toMatchObject({ code: 'ERR_TOO_MANY_REFERRERS' });
  });
});
