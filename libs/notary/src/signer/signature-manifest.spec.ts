import { EMPTY_CONFIG, MediaTypes } from '@notary-gate/oci';
import { parseCertificates } from '../x509/certificate';
import { readFileSync } from 'node:fs';
import { isNotaryError } from '../errors';
import { ANNOTATION_X509_CHAIN_THUMBPRINT, buildSignatureManifest, chainThumbprintAnnotation } from './signature-manifest';
import { ANNOTATION_CREATED } from './pack-manifest';
import { addUserMetadata } from './user-metadata';
import { fixturePath } from '../../../../test/support/fixtures';

const VECTORS = fixturePath('notation-cli');
const subject = { mediaType: MediaTypes.ociManifest, digest: `sha256:${'a'.repeat(64)}`, size: 395 };
const envelope = { mediaType: MediaTypes.jws, digest: `sha256:${'b'.repeat(64)}`, size: 3801 };

describe('signature manifest (reference §2)', () => {
  const chain = [
    ...parseCertificates(readFileSync(`${VECTORS}/certs/rsa-leaf.pem`)),
    ...parseCertificates(readFileSync(`${VECTORS}/certs/rsa-ca.pem`)),
  ];

  it('writes the chain thumbprints exactly as notation did for the same chain', () => {
    const notationManifest = JSON.parse(readFileSync(`${VECTORS}/cases/jws-rsa-chain/signature-manifest.json`, 'utf8'));
    expect(chainThumbprintAnnotation(chain)).toBe(notationManifest.annotations[ANNOTATION_X509_CHAIN_THUMBPRINT]);
  });

  it('is an OCI 1.1 artifact manifest with the empty config, one layer, the subject and the annotations', () => {
    const manifest = buildSignatureManifest({ envelope, subject: { ...subject, annotations: { a: 'b' } }, certificateChain: chain, signingTime: new Date('2026-11-24T23:05:07.654Z') });
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      artifactType: MediaTypes.notarySignature,
      config: EMPTY_CONFIG,
      layers: [envelope],
      subject,
      annotations: {
        [ANNOTATION_X509_CHAIN_THUMBPRINT]: chainThumbprintAnnotation(chain),
        [ANNOTATION_CREATED]: '2026-11-24T23:05:07Z',
      },
    });
    // Go's struct field order.
    expect(Object.keys(manifest)).toEqual(['schemaVersion', 'mediaType', 'artifactType', 'config', 'layers', 'subject', 'annotations']);
  });
});

describe('user metadata (notation.go addUserMetadataToDescriptor)', () => {
  it('adds the pairs to the target annotations', () => {
    expect(addUserMetadata(subject, { team: 'payments' })).toEqual({ ...subject, annotations: { team: 'payments' } });
    expect(addUserMetadata(subject, {})).toBe(subject);
  });

  it('refuses the reserved io.cncf.notary prefix with notation\'s message', () => {
    let caught: unknown;
    try {
      addUserMetadata(subject, { 'io.cncf.notary.signingAgent': 'me' });
    } catch (error) {
      caught = error;
    }
    expect(isNotaryError(caught, 'ERR_USER_METADATA')).toBe(true);
    expect((caught as Error).message).toBe('error adding user metadata: metadata key io.cncf.notary.signingAgent has reserved prefix io.cncf.notary');
  });

  it('refuses a key the target already carries', () => {
    expect(() => addUserMetadata({ ...subject, annotations: { team: 'a' } }, { team: 'b' })).toThrow(
      'error adding user metadata: metadata key team is already present in the target artifact',
    );
  });
});
