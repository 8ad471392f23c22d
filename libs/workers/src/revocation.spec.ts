/**
 * Online revocation end to end: an image signed with a CA-issued chain whose
 * leaf names an OCSP responder and a CRL distribution point on a local HTTP
 * server, pushed to the real registry and verified through `createWorkers`
 * as Kyverno does (strict level): good passes, revoked fails, offline fails
 * as unknown. Also the undici `RevocationHttp` limits.
 */
import type { ServerResponse } from 'node:http';
import { MemoryCacheStore } from '@notary-gate/cache';
import { RegistryClient } from '@notary-gate/oci';
import { signArtifact } from '@notary-gate/notary';
import { startHttpServer, type RecordedRequest, type TestHttpServer } from '../../../test/support/http-server';
import { startRegistry, type TestRegistry } from '../../../test/support/registry';
import { pushImage } from '../../../test/fixtures/seed-images';
import { CertificateAuthority, notaryTestName } from '../../notary/src/x509/builder';
import { buildCrl, buildOcspResponse, revocationExtensions } from '../../notary/src/revocation/test-responder';
import { createRevocationHttp, MAX_OCSP_RESPONSE_BYTES } from './revocation-http';
import { createWorkers } from './workers';

let registry: TestRegistry;
let client: RegistryClient;
let server: TestHttpServer;
let ocsp: 'good' | 'revoked' | 'down' | 'unreachable' = 'good';
let artifact: string;
let onlineWorkers: ReturnType<typeof createWorkers> | undefined;

const root = CertificateAuthority.root({ subject: notaryTestName('Workers Revocation Root') });
const intermediate = root.intermediate({ subject: notaryTestName('Workers Revocation CA') });
let leaf: ReturnType<typeof intermediate.issueCodeSigningLeaf>;

function respond(request: RecordedRequest, response: ServerResponse): void {
  if (request.url.startsWith('/ocsp') && ocsp !== 'down' && ocsp !== 'unreachable') {
    response.end(buildOcspResponse({ certificate: leaf.certificate, issuer: intermediate, status: ocsp }));
  } else if (request.url === '/ca.crl' && ocsp === 'down') {
    response.end(buildCrl({ issuer: intermediate, revoked: [{ certificate: leaf.certificate }] }));
  } else if (request.url === '/big') {
    response.end(Buffer.alloc(MAX_OCSP_RESPONSE_BYTES + 1));
  } else if (request.url === '/redirect-ftp') {
    response.writeHead(302, { location: 'ftp://example.invalid/ca.crl' }).end();
  } else {
    response.writeHead(503).end();
  }
}

beforeAll(async () => {
  [registry, server] = await Promise.all([startRegistry(), startHttpServer(respond)]);
  client = new RegistryClient({ insecureRegistries: [registry.host] });
  leaf = intermediate.issueCodeSigningLeaf({
    subject: notaryTestName('Workers Revocation Signer'),
    extraExtensions: revocationExtensions({ ocsp: [`http://${server.host}/ocsp`], crl: [`http://${server.host}/ca.crl`] }),
  });
  const repository = client.repository(`${registry.host}/revocation/app`);
  const image = await pushImage(repository, 'v1');
  await signArtifact({ repository, subject: image, key: leaf.key.privateKey, certificateChain: leaf.chain, format: 'cose' });
  artifact = `${registry.host}/revocation/app@${image.digest}`;
}, 120_000);

afterAll(async () => {
  await (onlineWorkers ?? client)?.close();
  await Promise.all([registry?.stop(), server?.stop()]);
});

const online = () => (onlineWorkers ??= createWorkers({ registry: client, revocation: 'online' }));
const verify = (revocation: 'online' | 'offline') => {
  // One set of workers per mode; closing the online one closes the shared registry client too.
  const workers = revocation === 'online' ? online() : createWorkers({ registry: client, revocation });
  return workers.verify({ artifact, trustAnchorsPem: root.certificatePem, maxSignatureAttempts: 10 });
};

describe('createWorkers({ revocation })', () => {
  it('online: a good OCSP answer verifies', async () => {
    ocsp = 'good';
    expect(await verify('online')).toMatchObject({ verified: true, trustAnchorFingerprint: root.certificate.sha256Fingerprint });
  });

  it('online: a revoked signing certificate fails with notation\'s message', async () => {
    ocsp = 'revoked';
    expect(await verify('online')).toMatchObject({
      verified: false,
      code: 'ERR_VERIFICATION_FAILED',
      message: expect.stringMatching(/, signing certificate with subject "CN=Workers Revocation Signer,O=Notary,L=Seattle,ST=WA,C=US" is revoked$/),
    });
  });

  it('online: with the responder down the CRL decides', async () => {
    ocsp = 'down';
    expect(await verify('online')).toMatchObject({ verified: false, message: expect.stringMatching(/is revoked$/) });
  });

  it('offline: a revocable certificate is unknown, which the strict level fails', async () => {
    ocsp = 'good';
    expect(await verify('offline')).toMatchObject({
      verified: false,
      code: 'ERR_VERIFICATION_FAILED',
      message: expect.stringMatching(/, signing certificate with subject "CN=Workers Revocation Signer,O=Notary,L=Seattle,ST=WA,C=US" revocation status is unknown$/),
    });
  });
});

it('the verdict cache keeps online and offline verdicts apart', async () => {
  ocsp = 'good';
  const cache = new MemoryCacheStore();
  const request = () => ({ artifact, trustAnchorsPem: root.certificatePem, maxSignatureAttempts: 10 });
  const cachedOnline = createWorkers({ registry: client, cache, revocation: 'online' });
  expect(await cachedOnline.verify(request())).toMatchObject({ verified: true });
  expect(await createWorkers({ registry: client, cache, revocation: 'offline' }).verify(request())).toMatchObject({ verified: false });
});

it('an unknown status (responders unreachable) is answered but not kept in the verdict cache', async () => {
  const cache = new MemoryCacheStore();
  const workers = createWorkers({ registry: client, cache, revocation: 'online' });
  const request = { artifact, trustAnchorsPem: root.certificatePem, maxSignatureAttempts: 10 };
  ocsp = 'unreachable';
  expect(await workers.verify(request)).toMatchObject({ verified: false, message: expect.stringMatching(/revocation status is unknown$/) });
  ocsp = 'good';
  expect(await workers.verify(request)).toMatchObject({ verified: true });
});

describe('createRevocationHttp', () => {
  const http = createRevocationHttp();
  afterAll(() => http.close());

  it('caps the body, refuses other schemes and non-200 answers', async () => {
    await expect(http.get(`http://${server.host}/big`, 2000, 'ocsp')).rejects.toThrow(/limit/);
    expect((await http.get(`http://${server.host}/big`, 2000, 'crl')).length).toBe(MAX_OCSP_RESPONSE_BYTES + 1);
    await expect(http.get(`http://${server.host}/redirect-ftp`, 2000, 'crl')).rejects.toThrow(/unsupported revocation URL scheme ftp:/);
    await expect(http.get(`file:///etc/passwd`, 2000, 'crl')).rejects.toThrow(/unsupported revocation URL scheme/);
    await expect(http.post(`http://${server.host}/nothing`, Buffer.from('x'), 'application/ocsp-request', 2000)).rejects.toThrow(/HTTP 503/);
  });

  it('gives up after the timeout', async () => {
    const silent = await startHttpServer(() => undefined);
    try {
      const started = Date.now();
      await expect(http.get(`http://${silent.host}/slow`, 200, 'ocsp')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await silent.stop();
    }
  });
});
