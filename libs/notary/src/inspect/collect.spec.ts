import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_CONFIG, MediaTypes, OciError, OciLayoutRepository, type Descriptor, type Repository } from '@notary-gate/oci';
import { NOTATION_GO_DIR } from '../conformance/vectors';
import { collectSignatures } from './collect';
import { renderInspectTree, skippedWarnings } from './render';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const { data: _data, ...EMPTY } = EMPTY_CONFIG;
const envelope = (name: string): Buffer => readFileSync(join(NOTATION_GO_DIR, 'envelopes/notation/blob', name));

describe('collectSignatures (the listing half of notation inspect), in an OCI layout', () => {
  let directory: string;
  let repository: OciLayoutRepository;
  let image: Descriptor;

  async function attachSignature(
    layers: Array<{ bytes: Buffer; mediaType: string }>,
    config: Descriptor = EMPTY,
  ): Promise<{ manifest: Descriptor; layers: Descriptor[] }> {
    await repository.pushBlob(Buffer.from('{}'), MediaTypes.ociEmpty);
    const pushed = await Promise.all(layers.map((layer) => repository.pushBlob(layer.bytes, layer.mediaType)));
    const manifest = await repository.pushManifest(
      json({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        artifactType: MediaTypes.notarySignature,
        config,
        layers: pushed,
        subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
      }),
      MediaTypes.ociManifest,
    );
    return { manifest, layers: pushed };
  }

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ng-inspect-layout-'));
    repository = new OciLayoutRepository(directory);
    const config = await repository.pushBlob(json({ os: 'linux' }), 'application/vnd.oci.image.config.v1+json');
    image = await repository.pushManifest(json({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config, layers: [] }), MediaTypes.ociManifest, 'v1');
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('reads each signature envelope from the manifest’s single layer', async () => {
    const jws = await attachSignature([{ bytes: envelope('blob.jws.sig'), mediaType: MediaTypes.jws }]);
    const cose = await attachSignature([{ bytes: envelope('blob.cose.sig'), mediaType: MediaTypes.cose }]);
    const { outcomes, maxSignaturesWarning } = await collectSignatures(repository, image);
    expect(maxSignaturesWarning).toBeUndefined();
    expect(outcomes.map((outcome) => (outcome.kind === 'signature' ? [outcome.signature.digest, outcome.signature.envelopeType] : outcome.warning)).sort()).toEqual(
      [
        [jws.manifest.digest, 'application/jose+json'],
        [cose.manifest.digest, 'application/cose'],
      ].sort(),
    );
    expect(renderInspectTree(`local/app@${image.digest}`, outcomes, { style: 'notation' })).toContain('signing time: Tue Dec 31 08:05:29 2024\n');
  });

  it('examines at most maxSignatures and says so, as --max-signatures does', async () => {
    await attachSignature([{ bytes: envelope('blob.jws.sig'), mediaType: MediaTypes.jws }]);
    await attachSignature([{ bytes: envelope('blob.cose.sig'), mediaType: MediaTypes.cose }]);
    const { outcomes, maxSignaturesWarning } = await collectSignatures(repository, image, { maxSignatures: 1 });
    expect(outcomes).toHaveLength(1);
    expect(maxSignaturesWarning).toBe('exceeded configured limit of max signatures 1 to examine');
    await expect(collectSignatures(repository, image, { maxSignatures: 0 })).rejects.toThrow('max-signatures value 0 must be a positive number');
  });

  it('leaves out, uncounted, a referrer of the Notary type that is not a Notary signature manifest (reference §2)', async () => {
    const config = await repository.pushBlob(json({ os: 'linux' }), 'application/vnd.oci.image.config.v1+json');
    await attachSignature([{ bytes: envelope('blob.jws.sig'), mediaType: MediaTypes.jws }], config);
    const cose = await attachSignature([{ bytes: envelope('blob.cose.sig'), mediaType: MediaTypes.cose }]);
    // The layout lists referrers in push order: the left-out one first, so the signature after it takes its place.
    const { outcomes, maxSignaturesWarning } = await collectSignatures(repository, image, { maxSignatures: 1 });
    expect(maxSignaturesWarning).toBeUndefined();
    expect(outcomes.map((outcome) => (outcome.kind === 'signature' ? outcome.signature.digest : outcome.warning))).toEqual([cose.manifest.digest]);
  });

  it('lets a registry outage propagate instead of skipping the signature (STYLE.md §5)', async () => {
    await attachSignature([{ bytes: envelope('blob.jws.sig'), mediaType: MediaTypes.jws }]);
    const outage = new OciError('ERR_UNREACHABLE', 'cannot reach the registry');
    // The layout itself, but its blob reads fail the way an unreachable registry does.
    const unreachable: Repository = {
      name: repository.name,
      resolve: (reference) => repository.resolve(reference),
      fetchManifest: (target) => repository.fetchManifest(target),
      fetchBlob: () => Promise.reject(outage),
      referrers: (digest, options) => repository.referrers(digest, options),
      pushBlob: (bytes, mediaType) => repository.pushBlob(bytes, mediaType),
      pushManifest: (bytes, mediaType, tag) => repository.pushManifest(bytes, mediaType, tag),
    };
    await expect(collectSignatures(unreachable, image)).rejects.toBe(outage);
  });

  it('skips, with notation’s warnings, what cannot be fetched or read', async () => {
    const twoLayers = await attachSignature([
      { bytes: envelope('blob.jws.sig'), mediaType: MediaTypes.jws },
      { bytes: envelope('blob.cose.sig'), mediaType: MediaTypes.cose },
    ]);
    const missing = await attachSignature([{ bytes: Buffer.from('{"gone":true}'), mediaType: MediaTypes.jws }]);
    unlinkSync(join(directory, 'blobs/sha256', missing.layers[0]!.digest.slice('sha256:'.length)));
    const malformed = await attachSignature([{ bytes: envelope('malformed.jws.sig'), mediaType: MediaTypes.jws }]);

    const { outcomes } = await collectSignatures(repository, image);
    const warnings = skippedWarnings(outcomes);
    expect(warnings).toHaveLength(3);
    expect(warnings).toContain(
      `Warning: unable to fetch signature ${twoLayers.manifest.digest} due to error: signature manifest requries exactly one signature envelope blob, got 2`,
    );
    expect(warnings.find((warning) => warning.includes(missing.manifest.digest))).toMatch(
      new RegExp(`^Warning: unable to fetch signature ${missing.manifest.digest} due to error: .+`),
    );
    expect(warnings).toContain(
      `Warning: Skipping signature ${malformed.manifest.digest} because of error: invalid character 'm' looking for beginning of value`,
    );
    expect(renderInspectTree(`local/app@${image.digest}`, outcomes)).toBe(`local/app@${image.digest} has no associated signature\n`);
  });
});
