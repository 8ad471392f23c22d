/**
 * The signer against Debian's real `docker-registry` (Distribution 2.8: no
 * referrers API, so the `sha256-<hex>` tag index is what makes signatures
 * discoverable): what is pushed, byte for byte where notation fixes it.
 */
import { MediaTypes, EMPTY_CONFIG, openRepository, referrersTag, type Descriptor, type ImageIndex, type ImageManifest, type OpenedRepository } from '@notary-gate/oci';
import { startRegistry, type TestRegistry } from '../../../../test/support/registry';
import { verifyEnvelope } from '../envelope/envelope';
import { isNotaryError } from '../errors';
import { CertificateAuthority, generateTestCertificate } from '../x509/builder';
import { ANNOTATION_CREATED } from './pack-manifest';
import { attachArtifact, ANNOTATION_TITLE, DEFAULT_ATTACHMENT_MEDIA_TYPE } from './attach-artifact';
import { ANNOTATION_X509_CHAIN_THUMBPRINT } from './signature-manifest';
import { DEFAULT_SIGNING_AGENT, signArtifact } from './sign-artifact';

const SIGNING_TIME = new Date('2026-11-24T10:00:00.750Z');

let registry: TestRegistry;
let opened: OpenedRepository;
let image: Descriptor;

async function pushImage(repository: OpenedRepository['repository'], tag: string): Promise<Descriptor> {
  const config = await repository.pushBlob(Buffer.from(`{"architecture":"amd64","os":"linux","tag":"${tag}"}`), 'application/vnd.oci.image.config.v1+json');
  const manifest = { schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: { mediaType: config.mediaType, digest: config.digest, size: config.size }, layers: [] };
  return repository.pushManifest(Buffer.from(JSON.stringify(manifest)), MediaTypes.ociManifest, tag);
}

async function manifestOf(descriptor: Descriptor): Promise<ImageManifest> {
  return (await opened.repository.fetchManifest(descriptor)).manifest as ImageManifest;
}

beforeAll(async () => {
  registry = await startRegistry();
  opened = openRepository(`${registry.host}/signer/app:v1`, { insecureRegistries: [registry.host] });
  image = await pushImage(opened.repository, 'v1');
});

afterAll(async () => {
  await opened?.close();
  await registry?.stop();
});

describe('signArtifact', () => {
  const rsa = generateTestCertificate('signer-rsa', { now: new Date('2026-11-24T00:00:00Z') });
  const root = CertificateAuthority.root({ keyAlgorithm: 'EC-384', notBefore: new Date('2026-01-01T00:00:00Z') });
  const ecLeaf = root.issueCodeSigningLeaf({ keyAlgorithm: 'EC-256', notBefore: new Date('2026-01-01T00:00:00Z') });

  it.each([
    ['jws', MediaTypes.jws],
    ['cose', MediaTypes.cose],
  ] as const)('pushes a %s envelope and a signature manifest as notation-go does (reference §2)', async (format, envelopeMediaType) => {
    const signature = await signArtifact({
      repository: opened.repository,
      subject: image,
      key: rsa.key.privateKey,
      certificateChain: [rsa.certificate],
      format,
      signingTime: SIGNING_TIME,
      userMetadata: { team: 'payments' },
    });
    expect(signature).toMatchObject({ mediaType: MediaTypes.ociManifest, artifactType: MediaTypes.notarySignature });

    const manifest = await manifestOf(signature);
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      artifactType: MediaTypes.notarySignature,
      config: EMPTY_CONFIG,
      layers: [{ mediaType: envelopeMediaType, digest: expect.stringMatching(/^sha256:/), size: expect.any(Number) }],
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
      annotations: {
        [ANNOTATION_X509_CHAIN_THUMBPRINT]: `["${rsa.certificate.sha256Fingerprint}"]`,
        [ANNOTATION_CREATED]: '2026-11-24T10:00:00Z',
      },
    });

    // The envelope verifies, and signs exactly the subject plus the user metadata.
    const envelope = await opened.repository.fetchBlob(manifest.layers[0]!, 1 << 20);
    const content = verifyEnvelope(envelope, envelopeMediaType);
    expect(JSON.parse(content.payload.content.toString())).toEqual({
      targetArtifact: { mediaType: image.mediaType, digest: image.digest, size: image.size, annotations: { team: 'payments' } },
    });
    expect(content.signerInfo.signedAttributes.signingTime.date).toEqual(new Date('2026-11-24T10:00:00Z'));
    expect(content.signerInfo.unsignedAttributes.signingAgent).toBe(DEFAULT_SIGNING_AGENT);
    expect(content.signerInfo.signatureAlgorithm).toBe('RSASSA-PSS-SHA-256');

    // Discoverable through the referrers tag schema on a registry without the API.
    const referrers = await opened.repository.referrers(image.digest, { artifactType: MediaTypes.notarySignature });
    expect(referrers.map((referrer) => referrer.digest)).toContain(signature.digest);
  });

  it('signs with an ECDSA chain, the thumbprints in chain order, and an expiry', async () => {
    const expiry = new Date(SIGNING_TIME.getTime() + 24 * 3600_000);
    const signature = await signArtifact({
      repository: opened.repository,
      subject: image,
      key: ecLeaf.key.privateKey,
      certificateChain: ecLeaf.chain,
      format: 'cose',
      signingTime: SIGNING_TIME,
      expiry,
      signingAgent: 'ci-pipeline/1.0',
    });
    const manifest = await manifestOf(signature);
    expect(JSON.parse(manifest.annotations![ANNOTATION_X509_CHAIN_THUMBPRINT]!)).toEqual(ecLeaf.chain.map((certificate) => certificate.sha256Fingerprint));
    const content = verifyEnvelope(await opened.repository.fetchBlob(manifest.layers[0]!, 1 << 20), MediaTypes.cose);
    expect(content.signerInfo.signatureAlgorithm).toBe('ECDSA-SHA-256');
    expect(content.signerInfo.signedAttributes.expiry?.date).toEqual(new Date('2026-11-25T10:00:00Z'));
    expect(content.signerInfo.unsignedAttributes.signingAgent).toBe('ci-pipeline/1.0');
  });

  it('refuses reserved user metadata with notation\'s message before pushing anything', async () => {
    const pushed = registry.requests().length;
    const attempt = signArtifact({
      repository: opened.repository,
      subject: image,
      key: rsa.key.privateKey,
      certificateChain: [rsa.certificate],
      format: 'jws',
      userMetadata: { 'io.cncf.notary.expiry': 'never' },
    });
    await expect(attempt).rejects.toThrow('error adding user metadata: metadata key io.cncf.notary.expiry has reserved prefix io.cncf.notary');
    await attempt.catch((error) => expect(isNotaryError(error, 'ERR_USER_METADATA')).toBe(true));
    expect(registry.requests().length).toBe(pushed);
  });

  it('refuses a key that does not belong to the signing certificate', async () => {
    const attempt = signArtifact({ repository: opened.repository, subject: image, key: ecLeaf.key.privateKey, certificateChain: [rsa.certificate], format: 'jws' });
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_SIGNER_INVALID' });
  });
});

describe('attachArtifact', () => {
  it('attaches a payload as an OCI 1.1 artifact referrer, which can then be signed itself', async () => {
    const sbom = Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', components: [] }));
    const attached = await attachArtifact({
      repository: opened.repository,
      subject: image,
      artifactType: 'application/vnd.cyclonedx+json',
      payload: sbom,
      mediaType: 'application/vnd.cyclonedx+json',
      annotations: { 'org.example.scanner': 'syft' },
      title: 'sbom.json',
      created: SIGNING_TIME,
    });
    const manifest = await manifestOf(attached);
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      artifactType: 'application/vnd.cyclonedx+json',
      config: EMPTY_CONFIG,
      layers: [{ mediaType: 'application/vnd.cyclonedx+json', digest: expect.any(String), size: sbom.length, annotations: { [ANNOTATION_TITLE]: 'sbom.json' } }],
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
      annotations: { 'org.example.scanner': 'syft', [ANNOTATION_CREATED]: '2026-11-24T10:00:00Z' },
    });
    expect(await opened.repository.fetchBlob(manifest.layers[0]!, 1 << 20)).toEqual(sbom);
    expect((await opened.repository.referrers(image.digest, { artifactType: 'application/vnd.cyclonedx+json' })).map((d) => d.digest)).toEqual([attached.digest]);

    // The attestation is signed like any artifact: its signature is a referrer of it.
    const signer = generateTestCertificate('attestation-signer');
    const signature = await signArtifact({ repository: opened.repository, subject: attached, key: signer.key.privateKey, certificateChain: [signer.certificate], format: 'jws' });
    const signatures = await opened.repository.referrers(attached.digest, { artifactType: MediaTypes.notarySignature });
    expect(signatures.map((d) => d.digest)).toEqual([signature.digest]);
    const index = (await opened.repository.fetchManifest(referrersTag(attached.digest))).manifest as ImageIndex;
    expect(index.manifests).toEqual([expect.objectContaining({ digest: signature.digest, artifactType: MediaTypes.notarySignature })]);
  });

  it('defaults the layer media type to oras\'s and refuses an empty artifact type', async () => {
    const attached = await attachArtifact({ repository: opened.repository, subject: image, artifactType: 'vulnerability-scan', payload: Buffer.from('{}') });
    expect((await manifestOf(attached)).layers[0]!.mediaType).toBe(DEFAULT_ATTACHMENT_MEDIA_TYPE);
    await expect(attachArtifact({ repository: opened.repository, subject: image, artifactType: '', payload: Buffer.from('{}') })).rejects.toMatchObject({
      code: 'ERR_SIGNER_INVALID',
    });
  });
});
