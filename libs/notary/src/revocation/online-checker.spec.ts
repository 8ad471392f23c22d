/**
 * The online revocation checker against a local OCSP responder / CRL server:
 * real certificates carrying AIA and CDP URLs, real OCSP responses and CRLs
 * signed by the issuer, real HTTP (fetch) through the `RevocationHttp` port.
 */
import type { ServerResponse } from 'node:http';
import { OCSPRequest } from '@peculiar/asn1-ocsp';
import { AsnConvert } from '@peculiar/asn1-schema';
import { startHttpServer, type RecordedRequest, type TestHttpServer } from '../../../../test/support/http-server';
import type { EnvelopeContent } from '../types';
import { revocationError } from '../verifier/revocation-step';
import { CertificateAuthority, notaryTestName } from '../x509/builder';
import type { Certificate } from '../x509/certificate';
import { createOnlineRevocationChecker } from './online-checker';
import type { RevocationHttp } from './port';
import { buildCrl, buildOcspResponse, revocationExtensions, type TestOcspResponseOptions } from './test-responder';

/** The port over fetch, as a host would implement it (the workers use undici). */
const fetchHttp: RevocationHttp = {
  async get(url, timeoutMs) {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  },
  async post(url, body, contentType, timeoutMs) {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType }, signal: AbortSignal.timeout(timeoutMs) });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  },
};

type Route = (request: RecordedRequest, response: ServerResponse) => void;
let server: TestHttpServer;
let ocspRoute: Route;
let crlRoute: Route;
const down: Route = (_request, response) => {
  response.statusCode = 503;
  response.end();
};
const send =
  (body: () => Buffer): Route =>
  (_request, response) => {
    response.end(body());
  };

beforeAll(async () => {
  server = await startHttpServer((request, response) => (request.url.startsWith('/ocsp') ? ocspRoute : crlRoute)(request, response));
});
afterAll(() => server.stop());
beforeEach(() => {
  ocspRoute = down;
  crlRoute = down;
});

const root = CertificateAuthority.root({ subject: notaryTestName('Revocation Online Root') });
const intermediate = root.intermediate({ subject: notaryTestName('Revocation Online Intermediate') });
function leafWith(urls: { ocsp?: boolean; crl?: boolean }, name = 'Revocation Online Leaf') {
  const base = () => `http://${server.host}`;
  return intermediate.issueCodeSigningLeaf({
    subject: notaryTestName(name),
    extraExtensions: revocationExtensions({ ...(urls.ocsp ? { ocsp: [`${base()}/ocsp`] } : {}), ...(urls.crl ? { crl: [`${base()}/crl/intermediate.crl`] } : {}) }),
  });
}

const checker = () => createOnlineRevocationChecker({ http: fetchHttp, timeoutMs: 1000, cache: null });
const statuses = async (chain: readonly Certificate[], signingTime?: Date) =>
  (await checker().check(chain, { purpose: 'codeSigning', ...(signingTime ? { signingTime } : {}) })).map((result) => result.status);
const ocspFor = (leaf: Certificate, options: Partial<TestOcspResponseOptions> = {}) =>
  send(() => buildOcspResponse({ certificate: leaf, issuer: intermediate, status: 'good', ...options }));

describe('createOnlineRevocationChecker: OCSP', () => {
  it('good → ok; the root and the URL-less intermediate are non-revokable', async () => {
    const leaf = leafWith({ ocsp: true });
    ocspRoute = ocspFor(leaf.certificate);
    const results = await checker().check(leaf.chain, { purpose: 'codeSigning' });
    expect(results).toEqual([{ status: 'ok', method: 'ocsp' }, { status: 'nonRevokable' }, { status: 'nonRevokable' }]);
    // A small request goes as GET /<base64 of a SHA-256 CertID OCSPRequest> (RFC 6960 Appendix A.1).
    const get = server.requests().at(-1)!;
    expect(get.method).toBe('GET');
    const request = AsnConvert.parse(Buffer.from(decodeURIComponent(get.url.slice('/ocsp/'.length)), 'base64'), OCSPRequest);
    expect(request.tbsRequest.requestList[0]!.reqCert.hashAlgorithm.algorithm).toBe('2.16.840.1.101.3.4.2.1');
  });

  it('revoked → revoked, with notation\'s message through the revocation step', async () => {
    const leaf = leafWith({ ocsp: true });
    ocspRoute = ocspFor(leaf.certificate, { status: 'revoked' });
    expect(await statuses(leaf.chain)).toEqual(['revoked', 'nonRevokable', 'nonRevokable']);
    const error = await revocationError(envelopeOf(leaf.chain), checker(), new Date());
    expect(error?.code).toBe('ERR_REVOKED');
    expect(error?.message).toBe('signing certificate with subject "CN=Revocation Online Leaf,O=Notary,L=Seattle,ST=WA,C=US" is revoked');
  });

  it('a revocation whose invalidity date follows the authentic signing time is ignored (signingAuthority)', async () => {
    const leaf = leafWith({ ocsp: true });
    const signingTime = new Date(Date.now() - 3_600_000);
    ocspRoute = ocspFor(leaf.certificate, { status: 'revoked', invalidityDate: new Date(Date.now() - 60_000) });
    expect(await statuses(leaf.chain, signingTime)).toEqual(['ok', 'nonRevokable', 'nonRevokable']);
    expect(await statuses(leaf.chain)).toEqual(['revoked', 'nonRevokable', 'nonRevokable']);
    const error = await revocationError(envelopeOf(leaf.chain, signingTime), checker(), new Date());
    expect(error).toBeNull();
  });

  it('the responder reports unknown → unknown', async () => {
    const leaf = leafWith({ ocsp: true });
    ocspRoute = ocspFor(leaf.certificate, { status: 'unknown' });
    expect(await statuses(leaf.chain)).toEqual(['unknown', 'nonRevokable', 'nonRevokable']);
  });

  it('a delegated responder certified by the issuer for OCSPSigning is accepted; one without the EKU is not', async () => {
    const leaf = leafWith({ ocsp: true });
    const responder = intermediate.issue({ subject: notaryTestName('Delegated OCSP Responder'), extendedKeyUsage: { usages: ['ocspSigning'] } });
    ocspRoute = ocspFor(leaf.certificate, { signer: responder });
    expect(await statuses(leaf.chain)).toEqual(['ok', 'nonRevokable', 'nonRevokable']);
    const imposter = intermediate.issue({ subject: notaryTestName('Not An OCSP Responder'), extendedKeyUsage: { usages: ['codeSigning'] } });
    ocspRoute = ocspFor(leaf.certificate, { signer: imposter });
    expect((await checker().check(leaf.chain, { purpose: 'codeSigning' }))[0]).toMatchObject({ status: 'unknown', errors: [expect.stringMatching(/lacks id-kp-OCSPSigning/)] });
  });

  it('a stale response, a wrong signer or a mismatched CertID is unknown, never ok', async () => {
    const leaf = leafWith({ ocsp: true });
    const other = leafWith({ ocsp: true }, 'Some Other Leaf');
    const hourAgo = new Date(Date.now() - 3_600_000);
    const strangers = CertificateAuthority.root({ subject: notaryTestName('Stranger Root') }).intermediate({ subject: notaryTestName('Stranger CA') });
    const bad: Array<[Partial<TestOcspResponseOptions>, RegExp]> = [
      [{ thisUpdate: new Date(hourAgo.getTime() - 60_000), nextUpdate: hourAgo }, /expired OCSP response/],
      [{ thisUpdate: new Date(Date.now() + 3_600_000) }, /thisUpdate is in the future/],
      [{ signer: strangers }, /not issued by the issuer/],
      [{ issuer: { certificate: intermediate.certificate, key: strangers.key } }, /bad OCSP signature/],
      [{ certIdOf: { certificate: other.certificate, issuer: intermediate.certificate } }, /CertID mismatch/],
      [{ responseStatus: 3 }, /responder status tryLater/],
    ];
    for (const [options, reason] of bad) {
      ocspRoute = ocspFor(leaf.certificate, options);
      const [result] = await checker().check(leaf.chain, { purpose: 'codeSigning' });
      expect(result).toMatchObject({ status: 'unknown', method: 'ocsp', errors: [expect.stringMatching(reason)] });
    }
    ocspRoute = (_request, response) => response.end(Buffer.from('not DER'));
    expect((await statuses(leaf.chain))[0]).toBe('unknown');
  });

  it('a responder that does not answer in time is unknown', async () => {
    const leaf = leafWith({ ocsp: true });
    ocspRoute = () => undefined; // never answers
    const slow = createOnlineRevocationChecker({ http: fetchHttp, timeoutMs: 200, cache: null });
    const started = Date.now();
    const [result] = await slow.check(leaf.chain, { purpose: 'codeSigning' });
    expect(result?.status).toBe('unknown');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('createOnlineRevocationChecker: CRL', () => {
  it('OCSP down → falls back to the CRL (good and revoked)', async () => {
    const leaf = leafWith({ ocsp: true, crl: true });
    crlRoute = send(() => buildCrl({ issuer: intermediate }));
    expect(await checker().check(leaf.chain, { purpose: 'codeSigning' })).toEqual([
      expect.objectContaining({ status: 'ok', method: 'ocspFallbackCrl' }),
      { status: 'nonRevokable' },
      { status: 'nonRevokable' },
    ]);
    crlRoute = send(() => buildCrl({ issuer: intermediate, revoked: [{ certificate: leaf.certificate }] }));
    expect(await statuses(leaf.chain)).toEqual(['revoked', 'nonRevokable', 'nonRevokable']);
  });

  it('both down → unknown, with notation\'s message through the revocation step', async () => {
    const leaf = leafWith({ ocsp: true, crl: true });
    const [result] = await checker().check(leaf.chain, { purpose: 'codeSigning' });
    expect(result).toMatchObject({ status: 'unknown', method: 'ocspFallbackCrl' });
    expect(result?.errors).toHaveLength(2);
    const error = await revocationError(envelopeOf(leaf.chain), checker(), new Date());
    expect(error?.code).toBe('ERR_REVOCATION_UNKNOWN');
    expect(error?.message).toBe('signing certificate with subject "CN=Revocation Online Leaf,O=Notary,L=Seattle,ST=WA,C=US" revocation status is unknown');
  });

  it('a CRL-only certificate: revoked entries with a later invalidity date are ignored under an authentic signing time', async () => {
    const leaf = leafWith({ crl: true });
    const signingTime = new Date(Date.now() - 3_600_000);
    crlRoute = send(() => buildCrl({ issuer: intermediate, revoked: [{ certificate: leaf.certificate, invalidityDate: new Date(Date.now() - 60_000) }] }));
    expect(await statuses(leaf.chain, signingTime)).toEqual(['ok', 'nonRevokable', 'nonRevokable']);
    expect(await checker().check(leaf.chain, { purpose: 'codeSigning' })).toEqual([
      expect.objectContaining({ status: 'revoked', method: 'crl' }),
      { status: 'nonRevokable' },
      { status: 'nonRevokable' },
    ]);
  });

  it('an expired, nextUpdate-less or forged CRL is unknown', async () => {
    const leaf = leafWith({ crl: true });
    const hourAgo = new Date(Date.now() - 3_600_000);
    const strangerKey = CertificateAuthority.root({ subject: notaryTestName('CRL Forger') }).key.privateKey;
    for (const crl of [
      () => buildCrl({ issuer: intermediate, thisUpdate: new Date(hourAgo.getTime() - 60_000), nextUpdate: hourAgo }),
      () => buildCrl({ issuer: intermediate, nextUpdate: null }),
      () => buildCrl({ issuer: intermediate, signingKey: strangerKey }),
      () => buildCrl({ issuer: root }),
    ]) {
      crlRoute = send(crl);
      expect((await statuses(leaf.chain))[0]).toBe('unknown');
    }
  });

  it('reuses a validated CRL until its nextUpdate', async () => {
    const leaf = leafWith({ crl: true });
    crlRoute = send(() => buildCrl({ issuer: intermediate }));
    const cached = createOnlineRevocationChecker({ http: fetchHttp });
    const before = server.requests().length;
    expect((await cached.check(leaf.chain, { purpose: 'codeSigning' }))[0]?.status).toBe('ok');
    expect((await cached.check(leaf.chain, { purpose: 'codeSigning' }))[0]?.status).toBe('ok');
    expect(server.requests().length - before).toBe(1);
  });
});

it('a certificate without OCSP or CRL URLs is non-revokable, and no request is made', async () => {
  const leaf = intermediate.issueCodeSigningLeaf({ subject: notaryTestName('Unrevocable Leaf') });
  const before = server.requests().length;
  expect(await statuses(leaf.chain)).toEqual(['nonRevokable', 'nonRevokable', 'nonRevokable']);
  expect(server.requests().length).toBe(before);
  expect(await revocationError(envelopeOf(leaf.chain), checker(), new Date())).toBeNull();
});

/** The parts of a verified envelope the revocation step reads. */
function envelopeOf(chain: readonly Certificate[], authenticSigningTime?: Date): EnvelopeContent {
  return {
    signerInfo: {
      certificateChain: chain,
      signedAttributes: {
        signingScheme: authenticSigningTime ? 'notary.x509.signingAuthority' : 'notary.x509',
        signingTime: { date: authenticSigningTime ?? new Date() },
      },
    },
  } as unknown as EnvelopeContent;
}
