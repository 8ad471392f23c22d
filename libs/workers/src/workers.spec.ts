/**
 * The worker functions against a real registry, with and without the shared
 * cache: what they answer, and how many registry requests they cost.
 */
import { MemoryCacheStore, contentKey } from '@notary-gate/cache';
import { JobFailure } from '@notary-gate/contracts';
import { RegistryClient } from '@notary-gate/oci';
import { startRegistry, type TestRegistry } from '../../../test/support/registry';
import { buildSeedImages, type SeedImages } from '../../../test/fixtures/seed-images';
import { createWorkers } from './workers';

let registry: TestRegistry;
let client: RegistryClient;
let seed: SeedImages;

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ insecureRegistries: [registry.host] });
  seed = await buildSeedImages(registry.host, client);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await registry?.stop();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
const image = (tag: string) => `${seed.repository}:${tag}`;

async function requestsDuring(run: () => Promise<unknown>) {
  await settle();
  registry.clearRequests();
  await run();
  await settle();
  return registry.requests();
}

describe('worker functions', () => {
  const workers = () => createWorkers({ registry: client });

  it('discover resolves a tag and lists referrers by type', async () => {
    const reply = await workers().discover({ image: image('signed'), artifactTypes: ['sbom/cyclone-dx', 'nothing/here'] });
    expect(reply.repository).toBe(seed.repository);
    expect(reply.descriptor).toMatchObject({ digest: seed.images.signed.digest, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' });
    expect(reply.referrers['sbom/cyclone-dx']).toHaveLength(1);
    expect(reply.referrers['nothing/here']).toEqual([]);
  });

  it('discover of an unknown tag is NOT_FOUND (a decision), of an unreachable registry REGISTRY_UNAVAILABLE', async () => {
    await expect(workers().discover({ image: image('missing') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const offline = createWorkers({ registry: { insecureRegistries: ['127.0.0.1:1'], retry: { attempts: 1 } } });
    const failure = await offline.discover({ image: '127.0.0.1:1/a/b:c' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JobFailure);
    expect(failure).toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
    await offline.close();
  });

  it('verify answers with notation\'s verdict as Kyverno configures it', async () => {
    const anchors = seed.certA.certificatePem;
    const ok = await workers().verify({ artifact: `${seed.repository}@${seed.images.signed.digest}`, trustAnchorsPem: anchors, maxSignatureAttempts: 10 });
    expect(ok).toMatchObject({ verified: true, digest: seed.images.signed.digest, trustAnchorFingerprint: seed.certA.certificate.sha256Fingerprint });
    // The signature has no expiry and its chain is certificate A alone: the verdict holds until A's notAfter.
    expect(ok).toMatchObject({ validUntil: seed.certA.certificate.notAfter.getTime() });
    const none = await workers().verify({ artifact: `${seed.repository}@${seed.images.unsigned.digest}`, trustAnchorsPem: anchors, maxSignatureAttempts: 10 });
    expect(none).toEqual({
      verified: false,
      digest: seed.images.unsigned.digest,
      code: 'ERR_NO_SIGNATURE',
      message: `no signature is associated with "${seed.repository}@${seed.images.unsigned.digest}", make sure the image was signed successfully`,
    });
    const garbage = await workers().verify({ artifact: `${seed.repository}@${seed.images.signed.digest}`, trustAnchorsPem: 'not a pem', maxSignatureAttempts: 10 });
    expect(garbage).toMatchObject({ verified: false, code: 'ERR_TRUST_STORE', message: expect.stringMatching(/^failed to parse certificates: /) });
  });
});

describe('worker functions with the shared cache', () => {
  it('a second verification of the same artifact and anchors costs no registry request', async () => {
    const cached = createWorkers({ registry: client, cache: new MemoryCacheStore() });
    const request = { artifact: `${seed.repository}@${seed.images.signed.digest}`, trustAnchorsPem: seed.certA.certificatePem, maxSignatureAttempts: 10 };
    const first = await requestsDuring(() => cached.verify(request));
    expect(first.length).toBeGreaterThan(0);
    expect(await requestsDuring(() => cached.verify(request))).toEqual([]);
    // The verdict answered from the cache still carries its bound.
    await expect(cached.verify(request)).resolves.toMatchObject({ verified: true, validUntil: seed.certA.certificate.notAfter.getTime() });
    // Other anchors are another verdict: never reused under a different certificate.
    const other = await cached.verify({ ...request, trustAnchorsPem: seed.certC.certificatePem });
    expect(other).toMatchObject({ verified: false, code: 'ERR_VERIFICATION_FAILED', message: expect.stringContaining("the signature's certificate chain does not contain any trusted certificate") });
  });

  it('50 concurrent discover + verify of one uncached image: one tag resolution, one fetch of each signature', async () => {
    const cached = createWorkers({ registry: client, cache: new MemoryCacheStore() });
    const requests = await requestsDuring(() =>
      Promise.all(
        Array.from({ length: 50 }, async () => {
          const found = await cached.discover({ image: image('signed') });
          return cached.verify({ artifact: `${found.repository}@${found.descriptor.digest}`, trustAnchorsPem: seed.certA.certificatePem, maxSignatureAttempts: 10 });
        }),
      ),
    );
    const tagResolutions = requests.filter((r) => r.path.endsWith('/manifests/signed'));
    expect(tagResolutions).toHaveLength(1);
    const byPath = new Map<string, number>();
    for (const r of requests) byPath.set(`${r.method} ${r.path}`, (byPath.get(`${r.method} ${r.path}`) ?? 0) + 1);
    for (const [path, count] of byPath) expect([path, count]).toEqual([path, 1]);
  });

  it('evicts a poisoned content entry (bytes that do not hash to their key) and reads the registry again', async () => {
    const store = new MemoryCacheStore();
    const cached = createWorkers({ registry: client, cache: store });
    const found = await cached.discover({ image: image('signed'), artifactTypes: ['application/vnd.cncf.notary.signature'] });
    const signature = found.referrers['application/vnd.cncf.notary.signature']![0]!;
    await store.set(contentKey(signature.digest), Buffer.from('{"schemaVersion":2,"layers":[]}'));
    await expect(
      cached.verify({ artifact: `${found.repository}@${found.descriptor.digest}`, trustAnchorsPem: seed.certA.certificatePem, maxSignatureAttempts: 10 }),
    ).resolves.toMatchObject({ verified: true, signatureDigest: signature.digest });
    expect((await store.get(contentKey(signature.digest)))?.toString()).not.toBe('{"schemaVersion":2,"layers":[]}');
  });
});
