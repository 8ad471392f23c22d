import { isNotaryError, type NotaryErrorCode } from '../errors';
import { CertificateAuthority, buildCertificate, notaryTestName, timestampingLeafSpec, type ProfileOptions } from './builder';
import type { Certificate } from './certificate';
import { validateTimestampingCertChain } from './timestamp-chain';

const TSA = '"CN=Notation Test TSA,O=Notary,L=Seattle,ST=WA,C=US"';
const ROOT = '"CN=Notation Test TSA Root,O=Notary,L=Seattle,ST=WA,C=US"';

function failure(chain: Certificate[]): { code: NotaryErrorCode; message: string } {
  try {
    validateTimestampingCertChain(chain);
  } catch (error) {
    if (!isNotaryError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected the chain to be rejected');
}

const tsaRoot = (options: ProfileOptions = {}): CertificateAuthority =>
  CertificateAuthority.root({ subject: notaryTestName('Notation Test TSA Root'), ...options });

describe('validateTimestampingCertChain (reference §7.2)', () => {
  it('accepts a TSA chain and a self-signed TSA leaf', () => {
    const intermediate = tsaRoot().intermediate();
    expect(() => validateTimestampingCertChain(intermediate.issueTimestampingLeaf().chain)).not.toThrow();
    expect(() => validateTimestampingCertChain([buildCertificate(timestampingLeafSpec()).certificate])).not.toThrow();
  });

  it('accepts non-critical keyUsage on the leaf and on CAs', () => {
    const root = tsaRoot({ keyUsage: { usages: ['keyCertSign'], critical: false } });
    const leaf = root.issueTimestampingLeaf({ keyUsage: { usages: ['digitalSignature'], critical: false } });
    expect(() => validateTimestampingCertChain(leaf.chain)).not.toThrow();
  });

  it('has no validity check (expired TSA certificates are judged at genTime by the caller)', () => {
    const old = { notBefore: new Date('2000-01-01T00:00:00Z'), notAfter: new Date('2001-01-01T00:00:00Z') };
    expect(() => validateTimestampingCertChain(tsaRoot(old).issueTimestampingLeaf(old).chain)).not.toThrow();
  });

  it.each<[string, ProfileOptions, NotaryErrorCode, string]>([
    ['no EKU', { extendedKeyUsage: null }, 'ERR_CERT_EKU', `timestamp signing certificate with subject ${TSA} must have and only have Timestamping as extended key usage`],
    [
      'codeSigning EKU',
      { extendedKeyUsage: { usages: ['codeSigning'], critical: true } },
      'ERR_CERT_EKU',
      `timestamp signing certificate with subject ${TSA} must have and only have Timestamping as extended key usage`,
    ],
    [
      'timeStamping plus another known EKU',
      { extendedKeyUsage: { usages: ['timeStamping', 'codeSigning'], critical: true } },
      'ERR_CERT_EKU',
      `timestamp signing certificate with subject ${TSA} must have and only have Timestamping as extended key usage`,
    ],
    [
      'timeStamping plus an unknown EKU',
      { extendedKeyUsage: { usages: ['timeStamping', '1.2.3.4'], critical: true } },
      'ERR_CERT_EKU',
      `timestamp signing certificate with subject ${TSA} must have and only have Timestamping as extended key usage`,
    ],
    [
      'a non-critical timeStamping EKU',
      { extendedKeyUsage: { usages: ['timeStamping'], critical: false } },
      'ERR_CERT_EKU',
      `timestamp signing certificate with subject ${TSA} must have extended key usage extension marked as critical`,
    ],
    ['no keyUsage', { keyUsage: null }, 'ERR_CERT_KEY_USAGE', `certificate with subject ${TSA}: key usage extension must be present`],
    [
      'keyUsage with keyEncipherment',
      { keyUsage: { usages: ['digitalSignature', 'keyEncipherment'] } },
      'ERR_CERT_KEY_USAGE',
      `the certificate with subject ${TSA} is invalid. The key usage must be "Digital Signature" only, but found "KeyEncipherment"`,
    ],
    [
      'a CA leaf',
      { basicConstraints: { ca: true } },
      'ERR_CERT_CHAIN_INVALID',
      `certificate with subject ${TSA}: if the basic constraints extension is present, the ca field must be set to false`,
    ],
    ['an RSA-1024 key', { keyAlgorithm: 'RSA-1024' }, 'ERR_WEAK_KEY', `certificate with subject ${TSA}: rsa key size 1024 bits is not supported`],
  ])('rejects a TSA leaf with %s', (_name, options, code, message) => {
    expect(failure(tsaRoot().issueTimestampingLeaf(options).chain)).toEqual({ code, message });
    expect(failure([buildCertificate(timestampingLeafSpec(options)).certificate])).toEqual({ code, message: `invalid self-signed certificate. Error: ${message}` });
  });

  it('rejects a lone TSA certificate that is not self-issued', () => {
    const leaf = buildCertificate(timestampingLeafSpec({ issuerName: notaryTestName('Elsewhere') })).certificate;
    expect(failure([leaf])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message:
        `invalid self-signed certificate. subject: ${TSA}. Error: issuer(CN=Elsewhere,O=Notary,L=Seattle,ST=WA,C=US) ` +
        'and subject(CN=Notation Test TSA,O=Notary,L=Seattle,ST=WA,C=US) are not the same',
    });
  });

  it('applies the CA rules: basicConstraints, path length, keyUsage presence', () => {
    expect(failure(tsaRoot({ keyUsage: null }).issueTimestampingLeaf().chain)).toEqual({
      code: 'ERR_CERT_KEY_USAGE',
      message: `certificate with subject ${ROOT}: key usage extension must be present`,
    });
    const shortPath = tsaRoot({ basicConstraints: { ca: true, pathLength: 0 } }).intermediate();
    expect(failure(shortPath.issueTimestampingLeaf().chain).message).toBe(
      `certificate with subject ${ROOT}: expected path length of 1 but certificate has path length 0 instead`,
    );
    expect(failure(tsaRoot({ version: 1, basicConstraints: null, keyUsage: null }).issueTimestampingLeaf().chain).message).toBe(
      `certificate with subject ${ROOT}: ca field in basic constraints must be present, critical, and set to true`,
    );
  });

  it('rejects a chain that does not end at a self-signed root', () => {
    const intermediate = tsaRoot().intermediate();
    const chain = intermediate.issueTimestampingLeaf().chain.slice(0, 2);
    expect(failure(chain).message).toBe(
      'root certificate with subject "CN=Notation Test Intermediate 1,O=Notary,L=Seattle,ST=WA,C=US" is invalid or not self-signed. ' +
        'Certificate chain must end with a valid self-signed root certificate. Error: x509: ECDSA verification failure',
    );
  });

  it('rejects an empty chain', () => {
    expect(failure([])).toEqual({ code: 'ERR_CERT_CHAIN_INVALID', message: 'certificate chain must contain at least one certificate' });
  });
});
