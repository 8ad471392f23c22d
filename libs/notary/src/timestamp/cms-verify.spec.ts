/**
 * tspclient-go's token verification on tokens from a test TSA: signer
 * identification (signingCertificateV2), CMS signature and signed
 * attributes, Go-style chain building at genTime, the EKU rule, and the
 * timestamping chain rules — each failure with tspclient-go's wording.
 */
import { isNotaryError } from '../errors';
import { CertificateAuthority, cachedKeyPair, notaryTestName } from '../x509/builder';
import { TimestampError } from './errors';
import { bogusSignerInfo, buildTestToken, TestTokenOptions } from './test-tokens';
import { verifyTimestamp } from './verify';

const MESSAGE = Buffer.from('the primitive signature bytes');
const VALIDITY = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T00:00:00Z') };
const GEN_TIME = '20240618062937Z';

const root = CertificateAuthority.root({ subject: notaryTestName('Test TSA Root'), ...VALIDITY });
const intermediate = root.intermediate({ subject: notaryTestName('Test TSA Intermediate'), ...VALIDITY });
const ecLeaf = root.issueTimestampingLeaf({ subject: notaryTestName('Test TSA EC'), ...VALIDITY });
const rsaLeaf = root.issueTimestampingLeaf({ subject: notaryTestName('Test TSA RSA'), key: cachedKeyPair('RSA-2048', 'tsa'), ...VALIDITY });

type Leaf = typeof ecLeaf;
const token = (leaf: Leaf, options: Partial<TestTokenOptions> = {}): Buffer =>
  buildTestToken({ message: MESSAGE, signer: { certificate: leaf.certificate, key: leaf.key }, genTime: GEN_TIME, ...options });

function verifyError(bytes: Buffer, roots = [root.certificate]): TimestampError {
  try {
    verifyTimestamp({ token: bytes, signature: MESSAGE, tsaRoots: roots });
  } catch (error) {
    expect(error).toBeInstanceOf(TimestampError);
    return error as TimestampError;
  }
  throw new Error('expected the timestamp to be refused');
}

const VERIFY = 'failed to verify the timestamp countersignature with error: failed to verify signed token: ';

describe('valid tokens', () => {
  it('ECDSA P-256 signer under a root: chain leaf → root, range from genTime', () => {
    const verified = verifyTimestamp({ token: token(ecLeaf), signature: MESSAGE, tsaRoots: [root.certificate] });
    expect(verified.chain).toEqual([ecLeaf.certificate, root.certificate]);
    expect(verified.timestamp.genTime.toISOString()).toBe('2024-06-18T06:29:37.000Z');
    expect(verified.timestamp.lower.getTime()).toBe(verified.timestamp.upper.getTime()); // no accuracy, private policy
  });

  it.each([
    ['rsaEncryption + SHA-256', { rsaScheme: 'rsaEncryption', digest: 'sha256' }],
    ['rsaEncryption + SHA-384', { rsaScheme: 'rsaEncryption', digest: 'sha384' }],
    ['sha256WithRSAEncryption', { rsaScheme: 'sha256WithRSA' }],
    ['RSASSA-PSS + SHA-512', { rsaScheme: 'pss', digest: 'sha512' }],
  ] as const)('RSA signer, %s', (_name, options) => {
    expect(verifyTimestamp({ token: token(rsaLeaf, options), signature: MESSAGE, tsaRoots: [root.certificate] }).chain).toHaveLength(2);
  });

  it('through an intermediate carried in the token', () => {
    const leaf = intermediate.issueTimestampingLeaf({ subject: notaryTestName('Test TSA Issued By Intermediate'), ...VALIDITY });
    const bytes = token(leaf, { certificates: [leaf.certificate, intermediate.certificate] });
    expect(verifyTimestamp({ token: bytes, signature: MESSAGE, tsaRoots: [root.certificate] }).chain).toEqual([
      leaf.certificate,
      intermediate.certificate,
      root.certificate,
    ]);
  });

  it('signingCertificateV2 with a SHA-384 hash, or without IssuerSerial (the sid names the signer)', () => {
    for (const signingCertificate of ['sha384', 'no-issuer-serial'] as const) {
      expect(() => verifyTimestamp({ token: token(ecLeaf, { signingCertificate }), signature: MESSAGE, tsaRoots: [root.certificate] })).not.toThrow();
    }
  });

  it('the first SignerInfo that verifies wins', () => {
    const bytes = token(ecLeaf, { leadingSignerInfos: [bogusSignerInfo(ecLeaf.certificate)] });
    expect(() => verifyTimestamp({ token: bytes, signature: MESSAGE, tsaRoots: [root.certificate] })).not.toThrow();
  });

  it('a signing time attribute inside the chain validity', () => {
    expect(() => verifyTimestamp({ token: token(ecLeaf, { signingTime: '240618062937Z' }), signature: MESSAGE, tsaRoots: [root.certificate] })).not.toThrow();
  });
});

describe('accuracy (reference §9 step 5)', () => {
  const range = (options: Partial<TestTokenOptions>) =>
    verifyTimestamp({ token: token(ecLeaf, options), signature: MESSAGE, tsaRoots: [root.certificate] }).timestamp;

  it('explicit seconds, millis and micros', () => {
    const { accuracyNanos, lower, upper } = range({ accuracy: { seconds: 1, millis: 500, micros: 250 } });
    expect(accuracyNanos).toBe(1_500_250_000n);
    expect(lower.toISOString()).toBe('2024-06-18T06:29:35.499Z');
    expect(upper.toISOString()).toBe('2024-06-18T06:29:38.500Z');
  });

  it('1 s under the baseline policy 0.4.0.2023.1.1 when none is stated; 0 otherwise', () => {
    expect(range({ policy: '0.4.0.2023.1.1' }).accuracyNanos).toBe(1_000_000_000n);
    expect(range({ policy: '0.4.0.2023.1.1', accuracy: {} }).accuracyNanos).toBe(1_000_000_000n);
    expect(range({ policy: '1.2.3.4' }).accuracyNanos).toBe(0n);
  });
});

describe('refused tokens, with tspclient-go wording', () => {
  it.each([
    ['no signingCertificateV2 attribute', { signingCertificate: 'absent' }, 'failed to get SigningCertificateV2 from signed attributes: attribute not found'],
    ['a certificate hash that does not match', { signingCertificate: 'wrong-hash' }, 'signing certificate hash does not match CertHash in signed attribute'],
    ['an IssuerSerial naming no embedded certificate', { signingCertificate: 'unknown-serial' }, 'signing certificate not found in the timestamp token'],
    ['a tampered ECDSA signature', { tamperSignature: true }, 'cms verification failure: x509: ECDSA verification failure'],
    ['a message digest that is not the TSTInfo hash', { messageDigest: Buffer.alloc(32) }, 'cms verification failure: mismatch message digest'],
    [
      'a content type attribute other than TSTInfo',
      { contentTypeAttribute: '1.2.840.113549.1.7.1' },
      'cms verification failure: mismatch content type: found "1.2.840.113549.1.7.1" in signer info, and "1.2.840.113549.1.9.16.1.4" in signed data',
    ],
    [
      'a signing time outside the TSA certificate validity',
      { signingTime: '350101000000Z' },
      "cms verification failure: signing time, 2035-01-01 00:00:00 +0000 UTC, is outside certificate's validity period",
    ],
  ] as const)('%s', (_name, options, reason) => {
    const error = verifyError(token(ecLeaf, options));
    expect(error.message).toBe(VERIFY + reason);
    expect(error.step).toBe('verify');
  });

  it('a tampered RSA signature', () => {
    expect(verifyError(token(rsaLeaf, { tamperSignature: true })).message).toBe(VERIFY + 'cms verification failure: crypto/rsa: verification error');
  });

  it('a TSA certificate that was not valid at genTime', () => {
    const expired = root.issueTimestampingLeaf({ subject: notaryTestName('Test TSA Expired'), notBefore: VALIDITY.notBefore, notAfter: new Date('2024-02-01T00:00:00Z') });
    expect(verifyError(token(expired)).message).toBe(
      VERIFY + 'cms verification failure: x509: certificate has expired or is not yet valid: current time 2024-06-18T06:29:37Z is after 2024-02-01T00:00:00Z',
    );
  });

  it('an untrusted TSA root', () => {
    const other = CertificateAuthority.root({ subject: notaryTestName('Another Root'), ...VALIDITY });
    const error = verifyError(token(ecLeaf), [other.certificate]);
    expect(error.message).toBe(VERIFY + 'cms verification failure: x509: certificate signed by unknown authority');
    expect(isNotaryError(error, 'ERR_UNTRUSTED')).toBe(true);
  });

  it('an issuer with the right name but another key: Go names the candidate in a hint', () => {
    const impostor = CertificateAuthority.root({ subject: notaryTestName('Test TSA Root'), key: cachedKeyPair('EC-256', 'impostor'), ...VALIDITY });
    expect(verifyError(token(ecLeaf), [impostor.certificate]).message).toBe(
      VERIFY +
        'cms verification failure: x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "Test TSA Root")',
    );
  });

  it('an EKU without timeStamping fails Go chain verification', () => {
    const codeSigning = root.issue({
      subject: notaryTestName('Test Code Signer'),
      ...VALIDITY,
      keyUsage: { usages: ['digitalSignature'] },
      extendedKeyUsage: { usages: ['codeSigning'], critical: true },
    });
    expect(verifyError(token(codeSigning)).message).toBe(VERIFY + 'cms verification failure: x509: certificate specifies an incompatible key usage');
  });

  it('RFC 3161 §2.3: timeStamping must be the only EKU, and critical', () => {
    const twoUsages = root.issue({
      subject: notaryTestName('Test TSA Two EKUs'),
      ...VALIDITY,
      keyUsage: { usages: ['digitalSignature'] },
      extendedKeyUsage: { usages: ['timeStamping', 'codeSigning'], critical: true },
    });
    expect(verifyError(token(twoUsages)).message).toBe(VERIFY + 'signing certificate must have and only have ExtKeyUsageTimeStamping as extended key usage');

    const notCritical = root.issue({
      subject: notaryTestName('Test TSA Non-critical EKU'),
      ...VALIDITY,
      keyUsage: { usages: ['digitalSignature'] },
      extendedKeyUsage: { usages: ['timeStamping'], critical: false },
    });
    expect(verifyError(token(notCritical)).message).toBe(VERIFY + 'signing certificate extended key usage extension must be set as critical');
  });

  it('a chain that verifies in Go but breaks the timestamping chain rules', () => {
    // The TSA leaf itself is the trust anchor: Go accepts the one-certificate chain,
    // notation's ValidateTimestampingCertChain wants a self-signed leaf.
    const error = verifyError(token(ecLeaf), [ecLeaf.certificate]);
    expect(error.step).toBe('chain');
    expect(error.message).toMatch(/^failed to validate the timestamping certificate chain with error: invalid self-signed certificate/);
  });

  it('a TSTInfo of another version', () => {
    expect(verifyError(token(ecLeaf, { tstInfoVersion: 2 })).message).toBe(
      'failed to get timestamp from timestamp countersignature with error: invalid TSTInfo: timestamp token info version must be 1, but got 2',
    );
  });

  it('an imprint hashed with SHA-1', () => {
    expect(verifyError(token(ecLeaf, { imprintHash: 'sha1' })).message).toBe(
      'failed to get timestamp from timestamp countersignature with error: invalid TSTInfo: unrecognized hash algorithm: 1.3.14.3.2.26',
    );
  });
});
