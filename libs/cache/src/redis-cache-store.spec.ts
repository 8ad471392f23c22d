import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Produced } from './cache-store';
import { RedisCacheStore, type RedisCacheStoreOptions } from './redis-cache-store';
import { countingProducer, describeCacheStoreContract } from './testing/cache-store-contract';

// The machine's shared Redis; every run works under its own prefix.
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `ng-test:cache:${randomUUID()}:`;

describe('RedisCacheStore', () => {
  const stores: RedisCacheStore[] = [];
  let admin: Redis;
  let errors: Error[];

  async function open(options: Partial<RedisCacheStoreOptions> = {}): Promise<RedisCacheStore> {
    const store = new RedisCacheStore({ url: REDIS_URL, keyPrefix: prefix, onError: (error) => errors.push(error), ...options });
    stores.push(store);
    expect(await store.waitUntilReady(2_000)).toBe(true);
    return store;
  }

  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  beforeEach(() => {
    errors = [];
  });
  afterEach(() => {
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  describe('one replica', () => {
    let store: RedisCacheStore;
    let test = 0;
    beforeAll(async () => {
      store = await open();
    });
    beforeEach(() => {
      test += 1;
    });
    describeCacheStoreContract(() => ({ store, key: (name) => `t${test}:${name}` }));

    it('writes under its key prefix with the TTL in Redis', async () => {
      await store.set('prefixed', Buffer.from('v'), 30_000);
      expect(await admin.getBuffer(`${prefix}prefixed`)).toEqual(Buffer.from('v'));
      const ttl = await admin.pttl(`${prefix}prefixed`);
      expect(ttl).toBeGreaterThan(29_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    });

    it('releases its lock whatever the producer did: value, null or throw', async () => {
      await store.fill('lock-value', 60_000, async () => ({ value: Buffer.from('v') }));
      await store.fill('lock-null', 60_000, async () => null);
      await expect(store.fill('lock-throw', 60_000, async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
      expect(await admin.keys(`${prefix}lock:lock-*`)).toEqual([]);
    });

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true);
    });
  });

  describe('replicas sharing one Redis', () => {
    it('100 concurrent fills on each of two replicas produce once overall', async () => {
      const [a, b] = [await open(), await open()];
      const producer = countingProducer('shared', 80);
      const key = `two-replicas:${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 100 }, () => [a.fill(key, 60_000, producer.produce), b.fill(key, 60_000, producer.produce)]).flat(),
      );
      expect(producer.runs()).toBe(1);
      expect(results.every((result) => result?.toString() === 'shared')).toBe(true);
      expect(await admin.exists(`${prefix}lock:${key}`)).toBe(0);
    });

    it('four replicas filling one key produce once even when the producer is fast', async () => {
      const replicas = await Promise.all([open(), open(), open(), open()]);
      const producer = countingProducer('fast', 0);
      const key = `fast:${randomUUID()}`;
      await Promise.all(replicas.flatMap((replica) => Array.from({ length: 25 }, () => replica.fill(key, 60_000, producer.produce))));
      expect(producer.runs()).toBe(1);
    });

    it('when the lock holder fails, the lock is released and a waiting replica produces itself', async () => {
      const [a, b] = [await open(), await open()];
      const key = `holder-fails:${randomUUID()}`;
      const failing = async (): Promise<Produced> => {
        await sleep(60);
        throw new Error('boom');
      };
      const first = a.fill(key, 60_000, failing);
      await sleep(15); // a holds the lock
      const second = countingProducer('from-b', 0);
      const waiting = b.fill(key, 60_000, second.produce);
      await expect(first).rejects.toThrow('boom');
      expect((await waiting)?.toString()).toBe('from-b');
      expect(second.runs()).toBe(1);
    });

    it('a replica waits at most maxWaitMs for a stuck holder, then produces itself', async () => {
      const store = await open({ maxWaitMs: 150 });
      const key = `stuck:${randomUUID()}`;
      // A holder that took the lock and never finishes.
      await admin.set(`${prefix}lock:${key}`, 'someone-else', 'PX', 10_000);
      const producer = countingProducer('mine', 0);
      const started = Date.now();
      expect((await store.fill(key, 60_000, producer.produce))?.toString()).toBe('mine');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(producer.runs()).toBe(1);
      // Not its lock: left alone.
      expect(await admin.get(`${prefix}lock:${key}`)).toBe('someone-else');
    });

    it('renews its lock while a slow producer runs, so no other replica starts a second one', async () => {
      const [a, b] = [await open({ lockTtlMs: 90 }), await open({ lockTtlMs: 90 })];
      const producer = countingProducer('slow', 400);
      const key = `slow:${randomUUID()}`;
      const first = a.fill(key, 60_000, producer.produce);
      await sleep(20);
      const second = b.fill(key, 60_000, producer.produce);
      expect((await Promise.all([first, second])).map(String)).toEqual(['slow', 'slow']);
      expect(producer.runs()).toBe(1);
    });

    it('a crashed holder frees the key after the lock TTL', async () => {
      const store = await open({ lockTtlMs: 100 });
      const key = `crashed:${randomUUID()}`;
      await admin.set(`${prefix}lock:${key}`, 'crashed-replica', 'PX', 100);
      const producer = countingProducer('after-crash', 0);
      expect((await store.fill(key, 60_000, producer.produce))?.toString()).toBe('after-crash');
      expect(producer.runs()).toBe(1);
    });
  });

  it('rejects invalid tuning with TypeError', () => {
    expect(() => new RedisCacheStore({ url: REDIS_URL, lockTtlMs: 0 })).toThrow(TypeError);
    expect(() => new RedisCacheStore({ url: REDIS_URL, maxWaitMs: -1 })).toThrow(TypeError);
  });
});
