/**
 * A Redis outage degrades to "no cache" and never fails the caller; caching
 * resumes when Redis is back. Uses a private redis-server, killed with SIGKILL
 * mid-run and restarted on the same port.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheOperation } from './cache-store';
import { RedisCacheStore } from './redis-cache-store';
import { countingProducer } from './testing/cache-store-contract';
import { type RedisServer, startRedisServer } from './testing/redis-server';

describe('RedisCacheStore during a Redis outage', () => {
  let server: RedisServer;
  let store: RedisCacheStore;
  const reported: CacheOperation[] = [];
  const metricErrors: string[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    store = new RedisCacheStore({
      url: server.url,
      keyPrefix: 'outage:',
      onError: (_error, operation) => reported.push(operation),
      metrics: { hit: () => undefined, miss: () => undefined, fill: () => undefined, error: (kind, operation) => metricErrors.push(`${kind}:${operation}`) },
    });
    expect(await store.waitUntilReady(2_000)).toBe(true);
  });

  afterAll(async () => {
    await store.close();
    await server.stop();
  });

  it('keeps answering while Redis dies mid-run, and caches again once it is back', async () => {
    // Healthy: the second fill is a hit.
    const warm = countingProducer('warm', 0);
    await store.fill('k', 60_000, warm.produce);
    await store.fill('k', 60_000, warm.produce);
    expect(warm.runs()).toBe(1);
    expect(reported).toEqual([]);

    // Traffic keeps flowing while the server is killed.
    const traffic = countingProducer('during', 5);
    let stop = false;
    const failures: unknown[] = [];
    const load = (async () => {
      let round = 0;
      while (!stop) {
        round += 1;
        const key = `load-${round % 5}`;
        await Promise.all([
          store.fill(key, 60_000, traffic.produce).then((value) => expect(value?.toString()).toBe('during')),
          store.set(`s-${round}`, Buffer.from('x'), 60_000),
          store.get(key),
        ]).catch((error: unknown) => failures.push(error));
      }
    })();
    await sleep(50);
    await server.kill();
    await sleep(150);

    // Down: get misses, set and delete are no-ops, fill produces every time — none throws.
    expect(await store.get('k')).toBeNull();
    await expect(store.set('k', Buffer.from('v'), 60_000)).resolves.toBeUndefined();
    await expect(store.delete('k')).resolves.toBeUndefined();
    const down = countingProducer('down', 5);
    const coalesced = await Promise.all(Array.from({ length: 20 }, () => store.fill('down', 60_000, down.produce)));
    expect(coalesced.every((value) => value?.toString() === 'down')).toBe(true);
    expect(down.runs()).toBe(1); // still coalesced in-process
    await store.fill('down', 60_000, down.produce);
    expect(down.runs()).toBe(2); // but nothing is cached
    expect(await store.ping()).toBe(false);

    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(reported).toContain('get');
    expect(reported).toContain('set');
    expect(reported).toContain('fill');
    expect(metricErrors).toContain('other:get');

    // Back on the same port: the client reconnects and caching resumes.
    await server.restart();
    expect(await store.waitUntilReady(3_000)).toBe(true);
    expect(await store.ping()).toBe(true);
    const back = countingProducer('back', 0);
    await store.fill('k', 60_000, back.produce);
    await store.fill('k', 60_000, back.produce);
    expect(back.runs()).toBe(1);
    expect(await store.get('k')).toEqual(Buffer.from('back'));
  });

  it('starts degraded when Redis is not there at all, without throwing', async () => {
    const nowhere = new RedisCacheStore({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 200 });
    try {
      expect(await nowhere.waitUntilReady(100)).toBe(false);
      expect(await nowhere.get('a')).toBeNull();
      await nowhere.set('a', Buffer.from('b'));
      const producer = countingProducer('p', 0);
      expect((await nowhere.fill('a', 1_000, producer.produce))?.toString()).toBe('p');
      expect(await nowhere.ping()).toBe(false);
    } finally {
      await nowhere.close();
    }
  });
});
