/**
 * The authentic-timestamp step against the notation-go vectors (`ng-ts-*`):
 * real GlobalSign RFC 3161 tokens in real JWS / COSE envelopes, with the
 * exact `authenticTimestamp` error notation-go recorded on 2026-11-24.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NotationGoCase, notationGoCases, notationGoPath } from '../conformance/vectors';
import { isNotaryError } from '../errors';
import { type CertRevocationResult, notRevokedChecker, offlineRevocationChecker, type RevocationChecker } from '../revocation';
import { DirectoryTrustStore } from '../truststore/directory-trust-store';
import { parseCertificates } from '../x509/certificate';
import { TimestampError } from './errors';
import { formatTimestampRange } from './range';
import { readEnvelopeTimestampParts } from './vector-envelopes';
import { checkTimestampingRevocation, verifyAuthenticTimestamp, verifyTimestamp } from './verify';

const NOW = new Date('2026-11-24T12:00:00Z');
const GLOBALSIGN_TSA = 'CN=Globalsign TSA for Advanced - G4 - 202311,O=GlobalSign nv-sa,C=BE';

interface PolicyStatement {
  signatureVerification: { verifyTimestamp?: string };
  trustStores: string[];
}

/** Whether notation performs timestamp verification for this case (reference §9 "When it is verified"). */
function timestampVerified(c: NotationGoCase, statement: PolicyStatement, chainExpired: boolean): boolean {
  const hasTsaStore = statement.trustStores.some((store) => store.startsWith('tsa:'));
  const option = statement.signatureVerification.verifyTimestamp ?? 'always';
  return hasTsaStore && (option === 'always' || (option === 'afterCertExpiry' && chainExpired)) && c.kind === 'oci-envelope';
}

const cases = notationGoCases()
  .filter((c) => c.id.startsWith('ng-ts-'))
  .map((c) => {
    const statement = (JSON.parse(readFileSync(notationGoPath(c.policy), 'utf8')) as { trustPolicies: PolicyStatement[] }).trustPolicies[0]!;
    const parts = readEnvelopeTimestampParts(notationGoPath(c.envelope!), c.signatureMediaType!);
    const chainExpired = parts.chain.some((certificate) => certificate.notAfter.getTime() < NOW.getTime());
    return { c, statement, parts, verified: timestampVerified(c, statement, chainExpired) };
  });

describe('ng-ts-* vectors: the authentic-timestamp step', () => {
  it('covers the timestamp vectors', () => {
    expect(cases.length).toBe(29);
    expect(cases.filter((entry) => entry.verified).length).toBe(19);
  });

  it.each(cases.filter((entry) => entry.verified).map((entry) => [entry.c.id, entry] as const))('%s', async (_id, { c, statement, parts }) => {
    const expected = c.expected.results?.find((result) => result.type === 'authenticTimestamp');
    expect(expected).toBeDefined();
    const tsaStore = statement.trustStores.find((store) => store.startsWith('tsa:'))!.slice('tsa:'.length);
    const trustStore = new DirectoryTrustStore(notationGoPath(c.truststore!));
    const revocation: RevocationChecker = c.tsaRevocation === 'stub-ok' ? notRevokedChecker : offlineRevocationChecker;

    const outcome = await verifyAuthenticTimestamp({
      token: parts.token,
      signature: parts.signature,
      signingChain: parts.chain,
      signingTime: parts.signingTime,
      tsaRoots: () => trustStore.getCertificates('tsa', tsaStore),
      revocation,
      now: NOW,
    }).then(
      (verified) => ({ verified, error: null }),
      (error: unknown) => ({ verified: null, error: error as Error }),
    );

    if (expected!.error === null) {
      expect(outcome.error).toBeNull();
      expect(outcome.verified!.chain.map((certificate) => certificate.subject)).toEqual([
        GLOBALSIGN_TSA,
        'CN=GlobalSign Timestamping CA - SHA384 - G4,O=GlobalSign nv-sa,C=BE',
        'CN=GlobalSign,OU=GlobalSign Root CA - R6,O=GlobalSign',
      ]);
    } else {
      expect(outcome.error).toBeInstanceOf(TimestampError);
      expect(outcome.error!.message).toBe(expected!.error);
    }
  });
});

describe('verifyTimestamp on the real GlobalSign tokens', () => {
  const tsaRoots = parseCertificates(readFileSync(notationGoPath('truststores/notation-go/truststore/x509/tsa/test-timestamp/globalsignRoot.cer')));
  const envelope = (name: string, mediaType: string) => readEnvelopeTimestampParts(notationGoPath(`envelopes/notation-go/timestamp/${name}`), mediaType);

  it.each([
    ['jwsWithTimestamp.sig', 'application/jose+json', '[Tue Jun 18 06:29:36 2024, Tue Jun 18 06:29:38 2024]'],
    ['coseWithTimestamp.sig', 'application/cose', '[Tue Jun 18 06:27:15 2024, Tue Jun 18 06:27:17 2024]'],
    ['jwsExpiredWithTimestamp.sig', 'application/jose+json', '[Tue Jun 18 07:21:41 2024, Tue Jun 18 07:21:43 2024]'],
    ['coseExpiredWithTimestamp.sig', 'application/cose', '[Tue Jun 18 07:21:11 2024, Tue Jun 18 07:21:13 2024]'],
    ['timestampAfterNotAfter.sig', 'application/cose', '[Wed Jun 19 09:35:57 2024, Wed Jun 19 09:35:59 2024]'],
    ['timestampBeforeNotBefore.sig', 'application/jose+json', '[Wed Jun 19 09:30:13 2024, Wed Jun 19 09:30:15 2024]'],
  ])('%s: trusted TSA chain and the range notation inspect prints', (name, mediaType, range) => {
    const parts = envelope(name, mediaType);
    const verified = verifyTimestamp({ token: parts.token!, signature: parts.signature, tsaRoots });
    expect(formatTimestampRange(verified.timestamp, 'ansic')).toBe(range);
    expect(verified.timestamp.accuracyNanos).toBe(1_000_000_000n);
    expect(verified.chain[0]!.subject).toBe(GLOBALSIGN_TSA);
    expect(verified.chain[verified.chain.length - 1]!.equals(tsaRoots[0]!)).toBe(true);
    expect(verified.token.certificates.length).toBe(3);
  });

  it('refuses a TSA root that did not issue the chain (DigiCert store)', () => {
    const parts = envelope('jwsWithTimestamp.sig', 'application/jose+json');
    const digicert = parseCertificates(readFileSync(notationGoPath('truststores/notation-go/truststore/x509/tsa/test-mismatch/DigiCertTSARootSHA384.cer')));
    expect(() => verifyTimestamp({ token: parts.token!, signature: parts.signature, tsaRoots: digicert })).toThrow(
      'failed to verify the timestamp countersignature with error: failed to verify signed token: cms verification failure: x509: certificate signed by unknown authority',
    );
    try {
      verifyTimestamp({ token: parts.token!, signature: parts.signature, tsaRoots: digicert });
    } catch (error) {
      expect(isNotaryError(error, 'ERR_UNTRUSTED')).toBe(true);
      expect((error as TimestampError).step).toBe('verify');
    }
  });

  it('refuses a token that stamps another signature (mismatched message)', () => {
    const parts = envelope('jwsWithTimestamp.sig', 'application/jose+json');
    const other = envelope('coseWithTimestamp.sig', 'application/cose');
    expect(() => verifyTimestamp({ token: parts.token!, signature: other.signature, tsaRoots })).toThrow(
      'failed to get timestamp from timestamp countersignature with error: invalid TSTInfo: mismatched message',
    );
  });

  it('needs at least one trusted TSA certificate', () => {
    const parts = envelope('jwsWithTimestamp.sig', 'application/jose+json');
    expect(() => verifyTimestamp({ token: parts.token!, signature: parts.signature, tsaRoots: [] })).toThrow('no trusted TSA certificate found in trust store');
  });

  it('reports a failing tsa trust store load after the token checks, wrapped as notation does', async () => {
    const parts = envelope('jwsWithTimestamp.sig', 'application/jose+json');
    const failing = verifyAuthenticTimestamp({
      token: parts.token,
      signature: parts.signature,
      signingChain: parts.chain,
      tsaRoots: () => Promise.reject(new Error('the trust store "nope" of type "tsa" does not exist')),
    });
    await expect(failing).rejects.toThrow('failed to load tsa trust store with error: the trust store "nope" of type "tsa" does not exist');
  });

  it('refuses a timestamp that starts before the envelope signing time', async () => {
    const parts = envelope('jwsWithTimestamp.sig', 'application/jose+json');
    const failing = verifyAuthenticTimestamp({
      token: parts.token,
      signature: parts.signature,
      signingChain: parts.chain,
      signingTime: { date: new Date('3000-11-10T23:00:00Z'), text: '3000-11-10T23:00:00Z' },
      tsaRoots,
      revocation: notRevokedChecker,
    });
    await expect(failing).rejects.toThrow(
      'timestamp [2024-06-18T06:29:36Z, 2024-06-18T06:29:38Z] is not bounded after the signing time "3000-11-10 23:00:00 +0000 UTC"',
    );
  });
});

describe('corrupted tokens', () => {
  it('every single-byte corruption of a real token is refused with a TimestampError, never a crash', () => {
    const parts = readEnvelopeTimestampParts(notationGoPath('envelopes/notation-go/timestamp/jwsWithTimestamp.sig'), 'application/jose+json');
    const tsaRoots = parseCertificates(readFileSync(notationGoPath('truststores/notation-go/truststore/x509/tsa/test-timestamp/globalsignRoot.cer')));
    let seed = 20261124;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const steps = new Set<string>();
    for (let i = 0; i < 150; i++) {
      const corrupted = Buffer.from(parts.token!);
      const at = Math.floor(random() * corrupted.length);
      corrupted[at] = corrupted[at]! ^ (1 + Math.floor(random() * 255));
      try {
        verifyTimestamp({ token: corrupted, signature: parts.signature, tsaRoots });
        // A flip inside an unsigned, unchecked field (e.g. an unused certificate's padding) may still verify.
      } catch (error) {
        expect(error).toBeInstanceOf(TimestampError);
        steps.add((error as TimestampError).step);
      }
    }
    expect([...steps]).toEqual(expect.arrayContaining(['parse', 'verify']));
  });
});

describe('TSA chain revocation', () => {
  const parts = readEnvelopeTimestampParts(notationGoPath('envelopes/notation-go/timestamp/jwsWithTimestamp.sig'), 'application/jose+json');
  const tsaRoots = parseCertificates(readFileSync(join(notationGoPath('truststores/notation-go/truststore/x509/tsa/test-timestamp'), 'globalsignRoot.cer')));
  const { chain } = verifyTimestamp({ token: parts.token!, signature: parts.signature, tsaRoots });
  const checker = (results: CertRevocationResult['status'][]): RevocationChecker => ({
    check: async () => results.map((status) => ({ status })),
  });

  it('offline: the revocable GlobalSign certificates are unknown; the leaf is named', async () => {
    const failing = checkTimestampingRevocation(chain, offlineRevocationChecker, NOW);
    await expect(failing).rejects.toThrow(`timestamping certificate with subject "${GLOBALSIGN_TSA}" revocation status is unknown`);
    await failing.catch((error: unknown) => expect(isNotaryError(error, 'ERR_REVOCATION_UNKNOWN')).toBe(true));
  });

  it('a revoked certificate wins over unknown ones and is named', async () => {
    const failing = checkTimestampingRevocation(chain, checker(['unknown', 'revoked', 'nonRevokable']));
    await expect(failing).rejects.toThrow('timestamping certificate with subject "CN=GlobalSign Timestamping CA - SHA384 - G4,O=GlobalSign nv-sa,C=BE" is revoked');
    await failing.catch((error: unknown) => expect(isNotaryError(error, 'ERR_REVOKED')).toBe(true));
  });

  it('ok and non-revokable certificates pass', async () => {
    await expect(checkTimestampingRevocation(chain, checker(['ok', 'nonRevokable', 'nonRevokable']))).resolves.toBeUndefined();
    await expect(checkTimestampingRevocation(chain, notRevokedChecker)).resolves.toBeUndefined();
  });

  it('a failing checker is inconclusive, worded as notation', async () => {
    const broken: RevocationChecker = { check: () => Promise.reject(new Error('ocsp: connection refused')) };
    const failing = checkTimestampingRevocation(chain, broken);
    await expect(failing).rejects.toThrow('failed to check timestamping certificate chain revocation with error: ocsp: connection refused');
    await failing.catch((error: unknown) => expect(isNotaryError(error, 'ERR_INCONCLUSIVE')).toBe(true));
  });
});
