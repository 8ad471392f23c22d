/**
 * The tier does not trust its cache (real Redis, real registry): a Redis
 * writer who overwrites the unsigned image's verdict with `verified: true`,
 * or copies the signed image's verdict or referrer list onto another image's
 * key, gets nothing through — the value fails authentication (tier key, bound
 * to its key), is evicted and recomputed. Without a tier key (the embedded
 * memory cache) the re-checks on use still hold: a verdict is about the
 * digest asked for, a referrer names the image as its subject.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createCacheStore, MemoryCacheStore, type CacheStore, type ManagedCacheStore } from '@notary-gate/cache';
import { TierKeys } from '@notary-gate/contracts';
import { RegistryClient } from '@notary-gate/oci';
import { Redis } from 'ioredis';
import { buildSeedImages, type SeedImages } from '../../../test/fixtures/seed-images';
import { startRegistry, type TestRegistry } from '../../../test/support/registry';
import { createWorkers } from '@notary-gate/workers';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SBOM = 'sbom/cyclone-dx';

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

const artifact = (name: keyof SeedImages['images']) => `${seed.repository}@${seed.images[name].digest}`;
const verifyOf = (cache: CacheStore) => (name: keyof SeedImages['images']) =>
  createWorkers({ registry: client, cache, revocation: 'offline' }).verify({ artifact: artifact(name), trustAnchorsPem: seed.certA.certificatePem, maxSignatureAttempts: 10 });

describe('a Redis writer without the tier key', () => {
  const prefix = `test-${randomUUID()}:`;
  let store: ManagedCacheStore;
  let attacker: Redis;
  const rejected: string[] = [];

  beforeAll(async () => {
    store = await createCacheStore({ redisUrl: REDIS_URL, keyPrefix: prefix, tierKeys: TierKeys.of(randomBytes(32)), onRejected: (key, why) => rejected.push(`${key}: ${why}`) });
    attacker = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    const keys = await attacker.keys(`${prefix}*`);
    if (keys.length > 0) await attacker.del(...keys);
    attacker.disconnect();
    await store.close();
  });

  const verdictKeys = async () => (await attacker.keys(`${prefix}ng:v1:verdict:*`)).sort();

  it('cannot get the unsigned image verified by forging or copying its cached verdict', async () => {
    const verify = verifyOf(store);
    await expect(verify('signed')).resolves.toMatchObject({ verified: true });
    const [signedKey] = await verdictKeys();
    await expect(verify('unsigned')).resolves.toMatchObject({ verified: false });
    const unsignedKey = (await verdictKeys()).find((key) => key !== signedKey)!;
    expect(unsignedKey).toBeDefined();

    // 1. A forged plain verdict where the unsigned one was.
    const forged = JSON.stringify({ verified: true, digest: seed.images.unsigned.digest, signatureDigest: seed.images.signed.digest });
    await attacker.set(unsignedKey, forged, 'PX', 60_000);
    await expect(verify('unsigned')).resolves.toMatchObject({ verified: false, code: 'ERR_NO_SIGNATURE' });
    // 2. The signed image's authentic verdict bytes copied under the unsigned image's key.
    await attacker.set(unsignedKey, (await attacker.getBuffer(signedKey!))!, 'PX', 60_000);
    await expect(verify('unsigned')).resolves.toMatchObject({ verified: false, code: 'ERR_NO_SIGNATURE' });
    expect(rejected.filter((line) => line.startsWith(unsignedKey.slice(prefix.length)))).toHaveLength(2);
    // Recomputed and stored authentic again: the next read is a hit that verifies.
    expect((await attacker.getBuffer(unsignedKey))!.subarray(0, 4).toString()).toBe('NGA1');
  });

  it("cannot give the MIT image the signed image's attestations by copying its referrer list", async () => {
    const workers = createWorkers({ registry: client, cache: store, revocation: 'offline' });
    const signed = await workers.discover({ image: `${seed.repository}:signed`, artifactTypes: [SBOM] });
    const mit = await workers.discover({ image: `${seed.repository}:mit`, artifactTypes: [SBOM] });
    expect(signed.referrers[SBOM]).toHaveLength(1);
    const referrerKey = (digest: string) => `${prefix}ng:v1:referrers:${seed.repository}@${digest}|type=${SBOM}`;
    await attacker.set(referrerKey(seed.images.mit.digest), (await attacker.getBuffer(referrerKey(seed.images.signed.digest)))!, 'PX', 60_000);
    const again = await workers.discover({ image: `${seed.repository}:mit`, artifactTypes: [SBOM] });
    expect(again.referrers[SBOM]).toEqual(mit.referrers[SBOM]);
    expect(again.referrers[SBOM]).not.toEqual(signed.referrers[SBOM]);
  });
});

describe('without a tier key (embedded memory cache), values are still re-checked on use', () => {
  it("a verdict copied onto another digest's key is evicted; a referrer list naming another subject is listed again", async () => {
    const store = new MemoryCacheStore();
    const writes: { key: string; value: Buffer }[] = [];
    const spy: CacheStore = {
      get: (key) => store.get(key),
      delete: (key) => store.delete(key),
      set: (key, value, ttl) => (writes.push({ key, value }), store.set(key, value, ttl)),
      fill: (key, ttl, produce) => store.fill(key, ttl, async () => {
        const produced = await produce();
        if (produced) writes.push({ key, value: produced.value });
        return produced;
      }),
    };
    const verify = verifyOf(spy);
    await verify('signed');
    const signedVerdict = writes.find((write) => write.key.includes(':verdict:'))!;
    await verify('unsigned');
    const unsignedVerdict = writes.filter((write) => write.key.includes(':verdict:'))[1]!;
    await store.set(unsignedVerdict.key, signedVerdict.value);
    await expect(verify('unsigned')).resolves.toMatchObject({ verified: false });

    const workers = createWorkers({ registry: client, cache: spy, revocation: 'offline' });
    const signed = await workers.discover({ image: `${seed.repository}:signed`, artifactTypes: [SBOM] });
    const mit = await workers.discover({ image: `${seed.repository}:mit`, artifactTypes: [SBOM] });
    const key = (digest: string) => `ng:v1:referrers:${seed.repository}@${digest}|type=${SBOM}`;
    await store.set(key(seed.images.mit.digest), (await store.get(key(seed.images.signed.digest)))!);
    const again = await workers.discover({ image: `${seed.repository}:mit`, artifactTypes: [SBOM] });
    expect(again.referrers[SBOM]).toEqual(mit.referrers[SBOM]);
    expect(again.referrers[SBOM]).not.toEqual(signed.referrers[SBOM]);
  });
});
