import { isNotaryError, type NotaryErrorCode } from '../errors';
import {
  CertificateAuthority,
  buildCertificate,
  cachedKeyPair,
  certificateAuthoritySpec,
  codeSigningLeafSpec,
  notaryTestName,
  type KeyAlgorithm,
  type ProfileOptions,
} from './builder';
import type { Certificate } from './certificate';
import { validateCodeSigningCertChain } from './codesigning-chain';

const LEAF = '"CN=Notation Test Leaf,O=Notary,L=Seattle,ST=WA,C=US"';
const ROOT = '"CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US"';

function failure(chain: Certificate[], signingTime?: Date): { code: NotaryErrorCode; message: string } {
  try {
    validateCodeSigningCertChain(chain, signingTime);
  } catch (error) {
    if (!isNotaryError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected the chain to be rejected');
}

function selfSignedLeaf(options: ProfileOptions = {}): Certificate {
  return buildCertificate(codeSigningLeafSpec(options)).certificate;
}

describe('validateCodeSigningCertChain — accepted chains', () => {
  it.each<[KeyAlgorithm, KeyAlgorithm]>([
    ['EC-256', 'EC-256'],
    ['EC-384', 'EC-384'],
    ['EC-521', 'EC-521'],
    ['RSA-2048', 'EC-256'],
    ['EC-384', 'RSA-2048'],
  ])('root %s → intermediate → leaf %s', (caKey, leafKey) => {
    const root = CertificateAuthority.root({ keyAlgorithm: caKey, subject: notaryTestName(`Root ${caKey}`) });
    const intermediate = root.intermediate({ keyAlgorithm: caKey, subject: notaryTestName(`Intermediate ${caKey}`) });
    const leaf = intermediate.issueCodeSigningLeaf({ keyAlgorithm: leafKey, subject: notaryTestName(`Leaf ${leafKey}`) });
    expect(leaf.chain).toHaveLength(3);
    expect(() => validateCodeSigningCertChain(leaf.chain)).not.toThrow();
    expect(() => validateCodeSigningCertChain(leaf.chain, new Date())).not.toThrow();
  });

  it.each(['SHA256-RSA', 'SHA384-RSA', 'SHA512-RSA', 'SHA256-RSAPSS', 'SHA384-RSAPSS', 'SHA512-RSAPSS'] as const)(
    'verifies %s certificate signatures',
    (signatureAlgorithm) => {
      const root = CertificateAuthority.root({ keyAlgorithm: 'RSA-2048', signatureAlgorithm });
      const leaf = root.issueCodeSigningLeaf({ signatureAlgorithm });
      expect(() => validateCodeSigningCertChain(leaf.chain)).not.toThrow();
    },
  );

  it('accepts a self-signed leaf (no basicConstraints, or cA=false), with or without EKU', () => {
    expect(() => validateCodeSigningCertChain([selfSignedLeaf()])).not.toThrow();
    expect(() => validateCodeSigningCertChain([selfSignedLeaf({ basicConstraints: { ca: false } })])).not.toThrow();
    expect(() => validateCodeSigningCertChain([selfSignedLeaf({ extendedKeyUsage: null })])).not.toThrow();
  });

  it('tolerates nonRepudiation and unknown EKUs next to codeSigning, as notation does', () => {
    const leaf = selfSignedLeaf({
      keyUsage: { usages: ['digitalSignature', 'nonRepudiation'] },
      extendedKeyUsage: { usages: ['codeSigning', '1.3.6.1.4.1.311.10.3.13'] },
    });
    expect(() => validateCodeSigningCertChain([leaf])).not.toThrow();
  });

  it('accepts a CA pathLenConstraint that allows the certificates below it (0 on the last CA)', () => {
    const root = CertificateAuthority.root({ basicConstraints: { ca: true, pathLength: 1 } });
    const intermediate = root.intermediate({ basicConstraints: { ca: true, pathLength: 0 } });
    expect(() => validateCodeSigningCertChain(intermediate.issueCodeSigningLeaf().chain)).not.toThrow();
  });

  it('accepts a signing time on the validity bounds (inclusive)', () => {
    const notBefore = new Date('2024-01-01T00:00:00Z');
    const notAfter = new Date('2025-01-01T00:00:00Z');
    const leaf = selfSignedLeaf({ notBefore, notAfter });
    expect(() => validateCodeSigningCertChain([leaf], notBefore)).not.toThrow();
    expect(() => validateCodeSigningCertChain([leaf], notAfter)).not.toThrow();
  });
});

describe('validateCodeSigningCertChain — a single certificate', () => {
  it('rejects an empty chain', () => {
    expect(failure([])).toEqual({ code: 'ERR_CERT_CHAIN_INVALID', message: 'certificate chain must contain at least one certificate' });
  });

  it('rejects a lone certificate not signed by its own key', () => {
    const root = CertificateAuthority.root();
    const leaf = root.issue({ ...codeSigningLeafSpec(), issuerName: notaryTestName('Notation Test Leaf') }).certificate;
    expect(failure([leaf])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `invalid self-signed certificate. subject: ${LEAF}. Error: x509: ECDSA verification failure`,
    });
  });

  it('rejects a lone RSA certificate not signed by its own key with crypto/rsa wording', () => {
    const root = CertificateAuthority.root({ keyAlgorithm: 'RSA-2048', subject: notaryTestName('RSA Root') });
    const leaf = root.issue({ ...codeSigningLeafSpec({ keyAlgorithm: 'RSA-2048' }), issuerName: notaryTestName('Notation Test Leaf') }).certificate;
    expect(failure([leaf]).message).toBe(`invalid self-signed certificate. subject: ${LEAF}. Error: crypto/rsa: verification error`);
  });

  it('rejects a lone certificate signed by its own key but naming another issuer', () => {
    const leaf = selfSignedLeaf({ issuerName: notaryTestName('Someone Else') });
    expect(failure([leaf])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message:
        `invalid self-signed certificate. subject: ${LEAF}. Error: issuer(CN=Someone Else,O=Notary,L=Seattle,ST=WA,C=US) ` +
        'and subject(CN=Notation Test Leaf,O=Notary,L=Seattle,ST=WA,C=US) are not the same',
    });
  });

  it.each([
    ['SHA1-RSA', 'RSA-2048'],
    ['ECDSA-SHA1', 'EC-256'],
  ] as const)('rejects %s certificate signatures (Go refuses SHA-1)', (signatureAlgorithm, keyAlgorithm) => {
    const leaf = selfSignedLeaf({ signatureAlgorithm, keyAlgorithm });
    expect(failure([leaf])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `invalid self-signed certificate. subject: ${LEAF}. Error: x509: cannot verify signature: insecure algorithm ${signatureAlgorithm}`,
    });
  });

  it('rejects a self-signed CA used as the signing certificate', () => {
    expect(failure([CertificateAuthority.root().certificate])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `invalid self-signed certificate. Error: certificate with subject ${ROOT}: if the basic constraints extension is present, the ca field must be set to false`,
    });
  });
});

describe('validateCodeSigningCertChain — leaf rules (prefixed for a lone certificate)', () => {
  const prefix = 'invalid self-signed certificate. Error: ';

  it.each<[string, ProfileOptions, NotaryErrorCode, string]>([
    ['missing keyUsage', { keyUsage: null }, 'ERR_CERT_KEY_USAGE', `certificate with subject ${LEAF}: key usage extension must be present`],
    [
      'non-critical keyUsage',
      { keyUsage: { usages: ['digitalSignature'], critical: false } },
      'ERR_CERT_KEY_USAGE',
      `certificate with subject ${LEAF}: key usage extension must be marked critical`,
    ],
    [
      'keyUsage without digitalSignature',
      { keyUsage: { usages: ['nonRepudiation'] } },
      'ERR_CERT_KEY_USAGE',
      `the certificate with subject ${LEAF} is invalid. The key usage must have the bit positions for "Digital Signature" set`,
    ],
    [
      'keyUsage with keyEncipherment',
      { keyUsage: { usages: ['digitalSignature', 'keyEncipherment'] } },
      'ERR_CERT_KEY_USAGE',
      `the certificate with subject ${LEAF} is invalid. The key usage must be "Digital Signature" only, but found "KeyEncipherment"`,
    ],
    [
      'keyUsage with every forbidden bit',
      {
        keyUsage: {
          usages: ['decipherOnly', 'encipherOnly', 'cRLSign', 'keyCertSign', 'keyAgreement', 'dataEncipherment', 'keyEncipherment', 'digitalSignature'],
        },
      },
      'ERR_CERT_KEY_USAGE',
      `the certificate with subject ${LEAF} is invalid. The key usage must be "Digital Signature" only, but found ` +
        '"KeyEncipherment", "DataEncipherment", "KeyAgreement", "CertSign", "CRLSign", "EncipherOnly", "DecipherOnly"',
    ],
    ['EKU serverAuth', { extendedKeyUsage: { usages: ['serverAuth'] } }, 'ERR_CERT_EKU', `certificate with subject ${LEAF}: extended key usage must not contain ServerAuth eku`],
    ['EKU clientAuth', { extendedKeyUsage: { usages: ['codeSigning', 'clientAuth'] } }, 'ERR_CERT_EKU', `certificate with subject ${LEAF}: extended key usage must not contain ClientAuth eku`],
    ['EKU emailProtection', { extendedKeyUsage: { usages: ['emailProtection'] } }, 'ERR_CERT_EKU', `certificate with subject ${LEAF}: extended key usage must not contain EmailProtection eku`],
    ['EKU timeStamping', { extendedKeyUsage: { usages: ['timeStamping'], critical: true } }, 'ERR_CERT_EKU', `certificate with subject ${LEAF}: extended key usage must not contain Timestamping eku`],
    ['EKU OCSPSigning', { extendedKeyUsage: { usages: ['ocspSigning'] } }, 'ERR_CERT_EKU', `certificate with subject ${LEAF}: extended key usage must not contain OCSPSigning eku`],
    [
      'EKU listing serverAuth before clientAuth (first in certificate order)',
      { extendedKeyUsage: { usages: ['clientAuth', 'serverAuth'] } },
      'ERR_CERT_EKU',
      `certificate with subject ${LEAF}: extended key usage must not contain ClientAuth eku`,
    ],
    // Deliberate difference from notation-go, which accepts anyExtendedKeyUsage (the specification forbids it).
    ['anyExtendedKeyUsage', { extendedKeyUsage: { usages: ['codeSigning', 'any'] } }, 'ERR_CERT_EKU', `certificate with subject ${LEAF}: extended key usage must not contain Any eku`],
    [
      'anyExtendedKeyUsage with serverAuth (notation’s message wins)',
      { extendedKeyUsage: { usages: ['any', 'serverAuth'] } },
      'ERR_CERT_EKU',
      `certificate with subject ${LEAF}: extended key usage must not contain ServerAuth eku`,
    ],
    ['an RSA-1024 key', { keyAlgorithm: 'RSA-1024' }, 'ERR_WEAK_KEY', `certificate with subject ${LEAF}: rsa key size 1024 bits is not supported`],
    ['a P-224 key', { keyAlgorithm: 'EC-224' }, 'ERR_WEAK_KEY', `certificate with subject ${LEAF}: ecdsa key size 224 bits is not supported`],
    ['an Ed25519 key', { keyAlgorithm: 'Ed25519' }, 'ERR_UNSUPPORTED_ALGORITHM', `certificate with subject ${LEAF}: unsupported public key type`],
  ])('rejects %s', (_name, options, code, message) => {
    expect(failure([selfSignedLeaf(options)])).toEqual({ code, message: prefix + message });
    // In a chain the same rule reads without the self-signed prefix.
    const issued = CertificateAuthority.root().issueCodeSigningLeaf(options);
    expect(failure(issued.chain)).toEqual({ code, message });
  });

  it('checks basicConstraints before keyUsage, keyUsage before EKU, EKU before the key', () => {
    const leaf = selfSignedLeaf({ basicConstraints: { ca: true }, keyUsage: null, extendedKeyUsage: { usages: ['serverAuth'] }, keyAlgorithm: 'EC-224' });
    expect(failure([leaf]).message).toBe(`${prefix}certificate with subject ${LEAF}: if the basic constraints extension is present, the ca field must be set to false`);
    const noKeyUsage = selfSignedLeaf({ keyUsage: null, extendedKeyUsage: { usages: ['serverAuth'] }, keyAlgorithm: 'EC-224' });
    expect(failure([noKeyUsage]).code).toBe('ERR_CERT_KEY_USAGE');
    const badEku = selfSignedLeaf({ extendedKeyUsage: { usages: ['serverAuth'] }, keyAlgorithm: 'EC-224' });
    expect(failure([badEku]).code).toBe('ERR_CERT_EKU');
  });
});

describe('validateCodeSigningCertChain — chain structure', () => {
  it('rejects a self-signed, CA-capable first certificate followed by more certificates', () => {
    const root = CertificateAuthority.root();
    expect(failure([root.certificate, root.certificate])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `leaf certificate with subject ${ROOT} is self-signed. Certificate chain must not contain self-signed leaf certificate`,
    });
  });

  it('reports a self-signed non-CA leaf before a root as "not issued by" (Go’s self-signed test needs a CA)', () => {
    const root = CertificateAuthority.root();
    expect(failure([selfSignedLeaf(), root.certificate])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `invalid certificates or certificate with subject ${LEAF} is not issued by ${ROOT}. Error: x509: ECDSA verification failure`,
    });
  });

  it('rejects a self-signed intermediate before the root', () => {
    const otherRoot = CertificateAuthority.root({ subject: notaryTestName('Other Root') });
    const leaf = otherRoot.issueCodeSigningLeaf();
    expect(failure([leaf.certificate, otherRoot.certificate, CertificateAuthority.root().certificate])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message:
        'intermediate certificate with subject "CN=Other Root,O=Notary,L=Seattle,ST=WA,C=US" is self-signed. ' +
        'Certificate chain must not contain self-signed intermediate certificate',
    });
  });

  it('rejects a certificate whose signature does not verify under the next one', () => {
    const otherRoot = CertificateAuthority.root({ subject: notaryTestName('Other Root') });
    const leaf = otherRoot.issueCodeSigningLeaf();
    expect(failure([leaf.certificate, CertificateAuthority.root().certificate])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `invalid certificates or certificate with subject ${LEAF} is not issued by ${ROOT}. Error: x509: ECDSA verification failure`,
    });
  });

  it('rejects a parent that is not a CA (Go CheckSignatureFrom)', () => {
    const notCA = buildCertificate(codeSigningLeafSpec({ subject: notaryTestName('Not A CA'), keyUsage: { usages: ['digitalSignature', 'keyCertSign'] } }));
    const leaf = buildCertificate(codeSigningLeafSpec(), notCA).certificate;
    expect(failure([leaf, notCA.certificate])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message:
        `invalid certificates or certificate with subject ${LEAF} is not issued by "CN=Not A CA,O=Notary,L=Seattle,ST=WA,C=US". ` +
        'Error: x509: invalid signature: parent certificate cannot sign this kind of certificate',
    });
  });

  it('rejects a parent CA whose keyUsage lacks keyCertSign (Go CheckSignatureFrom)', () => {
    const root = CertificateAuthority.root({ keyUsage: { usages: ['digitalSignature'] } });
    expect(failure(root.issueCodeSigningLeaf().chain).message).toBe(
      `invalid certificates or certificate with subject ${LEAF} is not issued by ${ROOT}. Error: x509: invalid signature: parent certificate cannot sign this kind of certificate`,
    );
  });

  it('rejects a certificate signed by the next key but naming another issuer', () => {
    const root = CertificateAuthority.root();
    const leaf = root.issue({ ...codeSigningLeafSpec(), issuerName: notaryTestName('Someone Else') }).certificate;
    expect(failure([leaf, root.certificate])).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `certificate with subject ${LEAF} is not issued by ${ROOT}`,
    });
  });

  it('rejects a chain that stops before the root', () => {
    const intermediate = CertificateAuthority.root().intermediate();
    const chain = intermediate.issueCodeSigningLeaf().chain.slice(0, 2);
    expect(failure(chain)).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message:
        'root certificate with subject "CN=Notation Test Intermediate 1,O=Notary,L=Seattle,ST=WA,C=US" is invalid or not self-signed. ' +
        'Certificate chain must end with a valid self-signed root certificate. Error: x509: ECDSA verification failure',
    });
  });

  it('rejects a last certificate signed by its own key but naming another issuer', () => {
    const root = CertificateAuthority.root({ issuerName: notaryTestName('Elsewhere') });
    expect(failure(root.issueCodeSigningLeaf().chain)).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `root certificate with subject ${ROOT} is not self-signed. Certificate chain must end with a valid self-signed root certificate`,
    });
  });

  it('rejects a root that may not sign certificates (keyUsage without keyCertSign)', () => {
    const root = CertificateAuthority.root();
    const weakRoot = buildCertificate(certificateAuthoritySpec({ key: root.key, keyUsage: { usages: ['cRLSign'] } })).certificate;
    const leaf = root.issueCodeSigningLeaf();
    expect(failure([leaf.certificate, weakRoot]).message).toBe(
      `invalid certificates or certificate with subject ${LEAF} is not issued by ${ROOT}. Error: x509: invalid signature: parent certificate cannot sign this kind of certificate`,
    );
  });
});

describe('validateCodeSigningCertChain — CA rules', () => {
  it('rejects a CA without basicConstraints (a v1 root passes Go’s signature check, then fails the CA rule)', () => {
    const root = CertificateAuthority.root({ version: 1, basicConstraints: null, keyUsage: null });
    expect(failure(root.issueCodeSigningLeaf().chain)).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `certificate with subject ${ROOT}: ca field in basic constraints must be present, critical, and set to true`,
    });
  });

  it('does not check basicConstraints criticality, despite the wording ([impl])', () => {
    const root = CertificateAuthority.root({ basicConstraints: { ca: true, critical: false } });
    expect(() => validateCodeSigningCertChain(root.issueCodeSigningLeaf().chain)).not.toThrow();
  });

  it('rejects a pathLenConstraint too small for the chain below', () => {
    const root = CertificateAuthority.root({ basicConstraints: { ca: true, pathLength: 0 } });
    const intermediate = root.intermediate();
    expect(failure(intermediate.issueCodeSigningLeaf().chain)).toEqual({
      code: 'ERR_CERT_CHAIN_INVALID',
      message: `certificate with subject ${ROOT}: expected path length of 1 but certificate has path length 0 instead`,
    });
  });

  it('rejects a CA without keyUsage', () => {
    const root = CertificateAuthority.root({ keyUsage: null });
    expect(failure(root.issueCodeSigningLeaf().chain)).toEqual({
      code: 'ERR_CERT_KEY_USAGE',
      message: `certificate with subject ${ROOT}: key usage extension must be present`,
    });
  });

  it('rejects a CA whose keyUsage is not critical', () => {
    const root = CertificateAuthority.root({ keyUsage: { usages: ['keyCertSign'], critical: false } });
    expect(failure(root.issueCodeSigningLeaf().chain)).toEqual({
      code: 'ERR_CERT_KEY_USAGE',
      message: `certificate with subject ${ROOT}: key usage extension must be marked critical`,
    });
  });

  it('does not apply the leaf key-size rule to CAs', () => {
    const root = CertificateAuthority.root({ keyAlgorithm: 'RSA-1024', subject: notaryTestName('Small Root') });
    expect(() => validateCodeSigningCertChain(root.issueCodeSigningLeaf().chain)).not.toThrow();
  });
});

describe('validateCodeSigningCertChain — signing time (§7.1 Validity)', () => {
  const notBefore = new Date('2024-06-10T16:31:46Z');
  const notAfter = new Date('2025-06-10T16:31:46Z');

  it('rejects a leaf not yet valid at the signing time, with Go time.String() formats', () => {
    const leaf = selfSignedLeaf({ notBefore, notAfter });
    expect(failure([leaf], new Date('2024-06-10T16:31:45.250Z'))).toEqual({
      code: 'ERR_CERT_EXPIRED',
      message:
        `certificate with subject ${LEAF} was invalid at signing time of 2024-06-10 16:31:45.25 +0000 UTC. ` +
        'Certificate is valid from [2024-06-10 16:31:46 +0000 UTC] to [2025-06-10 16:31:46 +0000 UTC]',
    });
  });

  it('rejects an expired CA in the chain at the signing time', () => {
    const root = CertificateAuthority.root({ notBefore, notAfter: new Date('2024-12-31T00:00:00Z') });
    const leaf = root.issueCodeSigningLeaf({ notBefore, notAfter });
    expect(failure(leaf.chain, new Date('2025-01-01T00:00:00Z'))).toEqual({
      code: 'ERR_CERT_EXPIRED',
      message:
        `certificate with subject ${ROOT} was invalid at signing time of 2025-01-01 00:00:00 +0000 UTC. ` +
        'Certificate is valid from [2024-06-10 16:31:46 +0000 UTC] to [2024-12-31 00:00:00 +0000 UTC]',
    });
  });

  it('checks each certificate’s time before its other rules, in chain order', () => {
    const root = CertificateAuthority.root({ notBefore, notAfter });
    const leaf = root.issueCodeSigningLeaf({ notBefore, notAfter: new Date('2024-12-31T00:00:00Z'), extendedKeyUsage: { usages: ['serverAuth'] } });
    expect(failure(leaf.chain, new Date('2025-01-01T00:00:00Z')).code).toBe('ERR_CERT_EXPIRED');
    expect(failure(leaf.chain, new Date('2024-12-01T00:00:00Z')).code).toBe('ERR_CERT_EKU');
  });

  it('ignores validity when no signing time is given (verification time)', () => {
    const leaf = selfSignedLeaf({ notBefore: new Date('2000-01-01T00:00:00Z'), notAfter: new Date('2001-01-01T00:00:00Z') });
    expect(() => validateCodeSigningCertChain([leaf])).not.toThrow();
  });

  it('checks the self-signed signature before the signing time', () => {
    const leaf = selfSignedLeaf({ notBefore, notAfter, issuerName: notaryTestName('Someone Else') });
    expect(failure([leaf], new Date('2030-01-01T00:00:00Z')).code).toBe('ERR_CERT_CHAIN_INVALID');
  });
});

describe('validateCodeSigningCertChain — keys reused across roles', () => {
  it('treats an intermediate re-signed by the root key but named differently as issued, not self-signed', () => {
    const key = cachedKeyPair('EC-256', 'shared');
    const root = CertificateAuthority.root({ key });
    const intermediate = root.intermediate({ key });
    expect(() => validateCodeSigningCertChain(intermediate.issueCodeSigningLeaf().chain)).not.toThrow();
  });
});
