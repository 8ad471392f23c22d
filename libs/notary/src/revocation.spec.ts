/**
 * The revocation port: endpoints as Go reads them, the offline checker that
 * reproduces notation's offline outcome, and notation-go's
 * `revocationFinalResult` summary.
 */
import { readFileSync } from 'node:fs';
import { notationGoPath } from './conformance/vectors';
import {
  type CertRevocationStatus,
  isRevocable,
  notRevokedChecker,
  offlineRevocationChecker,
  revocationEndpoints,
  summarizeRevocation,
} from './revocation';
import { parseTimestampToken } from './timestamp/token';
import { readEnvelopeTimestampParts } from './timestamp/vector-envelopes';
import { CertificateAuthority, notaryTestName } from './x509/builder';
import { parseCertificates } from './x509/certificate';

const token = parseTimestampToken(
  readEnvelopeTimestampParts(notationGoPath('envelopes/notation-go/timestamp/jwsWithTimestamp.sig'), 'application/jose+json').token!,
);
const [tsaLeaf, tsaIntermediate] = token.certificates;
const [globalSignR6] = parseCertificates(readFileSync(notationGoPath('truststores/notation-go/truststore/x509/tsa/test-timestamp/globalsignRoot.cer')));
const tsaChain = [tsaLeaf!, tsaIntermediate!, globalSignR6!];

describe('revocationEndpoints', () => {
  it('reads the OCSP responder and CRL distribution points of the GlobalSign TSA chain', () => {
    expect(revocationEndpoints(tsaLeaf!).ocsp).toEqual(['http://ocsp.globalsign.com/ca/gstsacasha384g4']);
    expect(revocationEndpoints(tsaLeaf!).crl.length).toBeGreaterThan(0);
    expect(isRevocable(tsaIntermediate!)).toBe(true);
    expect(isRevocable(globalSignR6!)).toBe(false);
  });

  it('a test certificate without AIA or CDP is not revocable', () => {
    const root = CertificateAuthority.root({ subject: notaryTestName('Revocation Test Root') });
    expect(revocationEndpoints(root.issueCodeSigningLeaf().certificate)).toEqual({ ocsp: [], crl: [] });
  });
});

describe('checkers', () => {
  it('offline: revocable certificates are unknown, the root and endpoint-less ones non-revokable', async () => {
    const results = await offlineRevocationChecker.check(tsaChain, { purpose: 'timestamping' });
    expect(results.map((result) => result.status)).toEqual(['unknown', 'unknown', 'nonRevokable']);

    const root = CertificateAuthority.root({ subject: notaryTestName('Offline Root') });
    const leaf = root.issueCodeSigningLeaf();
    expect((await offlineRevocationChecker.check(leaf.chain, { purpose: 'codeSigning' })).map((result) => result.status)).toEqual([
      'nonRevokable',
      'nonRevokable',
    ]);
  });

  it('notRevokedChecker reports every certificate ok', async () => {
    expect((await notRevokedChecker.check(tsaChain, { purpose: 'timestamping' })).map((result) => result.status)).toEqual(['ok', 'ok', 'ok']);
  });
});

describe('summarizeRevocation (notation-go revocationFinalResult)', () => {
  const summary = (...statuses: CertRevocationStatus[]) => summarizeRevocation(statuses.map((status) => ({ status })), tsaChain);
  const leafSubject = 'CN=Globalsign TSA for Advanced - G4 - 202311,O=GlobalSign nv-sa,C=BE';
  const intermediateSubject = 'CN=GlobalSign Timestamping CA - SHA384 - G4,O=GlobalSign nv-sa,C=BE';

  it.each([
    [['ok', 'ok', 'ok'], { status: 'ok' }],
    [['nonRevokable', 'ok', 'nonRevokable'], { status: 'ok' }],
    [['unknown', 'unknown', 'nonRevokable'], { status: 'unknown', subject: leafSubject }],
    [['ok', 'unknown', 'nonRevokable'], { status: 'unknown', subject: intermediateSubject }],
    [['unknown', 'revoked', 'nonRevokable'], { status: 'revoked', subject: intermediateSubject }],
    [['revoked', 'revoked', 'ok'], { status: 'revoked', subject: leafSubject }],
  ] as Array<[CertRevocationStatus[], object]>)('%j → %j', (statuses, expected) => {
    expect(summary(...statuses)).toEqual(expected);
  });

  it('refuses a result list that does not match the chain', () => {
    expect(() => summary('ok')).toThrow(TypeError);
  });
});
