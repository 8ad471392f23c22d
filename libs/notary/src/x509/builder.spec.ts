import { X509Certificate as NodeCertificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { CertificateAuthority, buildCertificate, codeSigningLeafSpec, generateTestCertificate, notaryTestName } from './builder';
import { parseCertificates } from './certificate';
import { validateCodeSigningCertChain } from './codesigning-chain';
import { goView } from './go-view';
import { keySpecOf } from './key-spec';

describe('generateTestCertificate (notation cert generate-test)', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const generated = generateTestCertificate('wabbit-networks.io', { now });
  const view = goView(generated.certificate);

  it('makes the self-signed RSA-2048 code-signing certificate notation makes', () => {
    expect(generated.certificate.subject).toBe('CN=wabbit-networks.io,O=Notary,L=Seattle,ST=WA,C=US');
    expect(generated.certificate.issuer).toBe(generated.certificate.subject);
    expect(keySpecOf(generated.certificate).keySpec).toBe('RSA-2048');
    expect(view.signatureAlgorithm?.name).toBe('SHA256-RSA');
    expect(view.basicConstraintsValid).toBe(false);
    expect(view.keyUsage).toBe(1);
    expect(view.extensions).toEqual([
      { id: '2.5.29.15', critical: true },
      { id: '2.5.29.37', critical: false },
    ]);
    expect(view.extKeyUsage).toEqual(['CodeSigning']);
    expect(generated.certificate.notBefore.toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(generated.certificate.notAfter.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    expect(BigInt(`0x${new NodeCertificate(generated.certificate.der).serialNumber}`) < 200n).toBe(true);
    expect(() => validateCodeSigningCertChain([generated.certificate], now)).not.toThrow();
  });

  it('writes a PEM certificate and a PKCS#8 private key that belong together', () => {
    expect(generated.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(generated.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const [parsed] = parseCertificates(generated.certificatePem);
    expect(parsed!.equals(generated.certificate)).toBe(true);
    const publicFromPrivate = createPublicKey(createPrivateKey(generated.privateKeyPem)).export({ format: 'der', type: 'spki' });
    expect(publicFromPrivate.equals(generated.certificate.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
    expect(new NodeCertificate(generated.certificatePem).checkPrivateKey(createPrivateKey(generated.privateKeyPem))).toBe(true);
  });

  it('honours --bits and rejects names notation rejects', () => {
    expect(() => generateTestCertificate('bad name')).toThrow(new TypeError('name needs to follow [a-zA-Z0-9_.-]+ format'));
    expect(() => generateTestCertificate('ok', { bits: 1024 as never })).toThrow(TypeError);
    const withKey = generateTestCertificate('reuse', { key: generated.key });
    expect(withKey.certificate.publicKey.equals(generated.certificate.publicKey)).toBe(true);
  });
});

describe('CertificateAuthority', () => {
  it('issues chains that OpenSSL (Node X509Certificate) also accepts', () => {
    const root = CertificateAuthority.root({ keyAlgorithm: 'EC-384', subject: notaryTestName('Builder Root') });
    const intermediate = root.intermediate({ keyAlgorithm: 'EC-384', subject: notaryTestName('Builder Intermediate') });
    const leaf = intermediate.issueCodeSigningLeaf({ keyAlgorithm: 'EC-521', subject: notaryTestName('Builder Leaf') });
    const [leafNode, intermediateNode, rootNode] = leaf.chain.map((certificate) => certificate.node);
    expect(leafNode!.checkIssued(intermediateNode!)).toBe(true);
    expect(leafNode!.verify(intermediateNode!.publicKey)).toBe(true);
    expect(intermediateNode!.verify(rootNode!.publicKey)).toBe(true);
    expect(rootNode!.ca).toBe(true);
    expect(leafNode!.ca).toBe(false);
    expect(goView(leaf.certificate).signatureAlgorithm?.name).toBe('ECDSA-SHA384'); // Go's choice for a P-384 signer
    expect(goView(intermediate.certificate).signatureAlgorithm?.name).toBe('ECDSA-SHA384');
    expect(leaf.chain.map((certificate) => certificate.subject)).toEqual([
      'CN=Builder Leaf,O=Notary,L=Seattle,ST=WA,C=US',
      'CN=Builder Intermediate,O=Notary,L=Seattle,ST=WA,C=US',
      'CN=Builder Root,O=Notary,L=Seattle,ST=WA,C=US',
    ]);
  });

  it('writes authority and subject key identifiers that link the chain', () => {
    const root = CertificateAuthority.root({ subject: notaryTestName('Key Id Root') });
    const leaf = root.issueCodeSigningLeaf();
    const rootSki = root.certificate.parsed.getExtension('2.5.29.14');
    const leafAki = leaf.certificate.parsed.getExtension('2.5.29.35');
    expect(rootSki).not.toBeNull();
    expect(Buffer.from(leafAki!.value).includes(Buffer.from(rootSki!.value).subarray(2))).toBe(true);
  });

  it('makes timestamping leaves with a critical timeStamping EKU', () => {
    const leaf = CertificateAuthority.root().issueTimestampingLeaf();
    const view = goView(leaf.certificate);
    expect(view.extKeyUsage).toEqual(['Timestamping']);
    expect(view.extensions.find((extension) => extension.id === '2.5.29.37')?.critical).toBe(true);
  });

  it('builds version 1 certificates without extensions only', () => {
    expect(goView(buildCertificate({ subject: notaryTestName('v1'), version: 1 }).certificate).version).toBe(1);
    expect(() => buildCertificate(codeSigningLeafSpec({ version: 1 }))).toThrow(TypeError);
  });

  it('writes the requested validity and serial number', () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notAfter = new Date('2060-01-01T00:00:00Z'); // GeneralizedTime after 2049
    const issued = buildCertificate(codeSigningLeafSpec({ notBefore, notAfter, serialNumber: 0x80n }));
    expect(issued.certificate.notBefore).toEqual(notBefore);
    expect(issued.certificate.notAfter).toEqual(notAfter);
    expect(BigInt(`0x${new NodeCertificate(issued.certificate.der).serialNumber}`)).toBe(0x80n);
  });
});
