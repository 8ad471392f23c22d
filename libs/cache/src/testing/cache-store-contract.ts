/**
 * Test support: the behaviour every CacheStore implementation shares, run by
 * the memory and the Redis specs alike (one port, one contract).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheStore, Produced } from '../cache-store';

export interface ContractContext {
  store: CacheStore;
  /** A key no other test uses. */
  key(name: string): string;
}

/** A producer that counts its runs and takes `delayMs`, so concurrent callers overlap. */
export function countingProducer(value: string | null, delayMs = 20): { runs: () => number; produce: () => Promise<Produced | null> } {
  let runs = 0;
  return {
    runs: () => runs,
    produce: async () => {
      runs += 1;
      await sleep(delayMs);
      return value === null ? null : { value: Buffer.from(value) };
    },
  };
}

export function describeCacheStoreContract(context: () => ContractContext): void {
  describe('CacheStore contract', () => {
    it('gets what was set, misses what was not, forgets what was deleted', async () => {
      const { store, key } = context();
      expect(await store.get(key('absent'))).toBeNull();
      await store.set(key('a'), Buffer.from([0, 1, 2, 255]));
      expect(await store.get(key('a'))).toEqual(Buffer.from([0, 1, 2, 255]));
      await store.delete(key('a'));
      expect(await store.get(key('a'))).toBeNull();
    });

    it('expires an entry after its TTL; a TTL <= 0 removes the key', async () => {
      const { store, key } = context();
      await store.set(key('short'), Buffer.from('x'), 60);
      await store.set(key('long'), Buffer.from('y'), 60_000);
      expect(await store.get(key('short'))).toEqual(Buffer.from('x'));
      await sleep(120);
      expect(await store.get(key('short'))).toBeNull();
      expect(await store.get(key('long'))).toEqual(Buffer.from('y'));
      await store.set(key('long'), Buffer.from('z'), 0);
      expect(await store.get(key('long'))).toBeNull();
    });

    it('fill returns the cached value without producing', async () => {
      const { store, key } = context();
      await store.set(key('k'), Buffer.from('cached'));
      const producer = countingProducer('fresh');
      expect(await store.fill(key('k'), 60_000, producer.produce)).toEqual(Buffer.from('cached'));
      expect(producer.runs()).toBe(0);
    });

    it('200 concurrent fills of one key produce once and all get the value', async () => {
      const { store, key } = context();
      const producer = countingProducer('value', 30);
      const results = await Promise.all(Array.from({ length: 200 }, () => store.fill(key('hot'), 60_000, producer.produce)));
      expect(producer.runs()).toBe(1);
      expect(results.every((result) => result?.toString() === 'value')).toBe(true);
      expect(await store.get(key('hot'))).toEqual(Buffer.from('value'));
      await store.fill(key('hot'), 60_000, producer.produce);
      expect(producer.runs()).toBe(1);
    });

    it('a producer returning null (inconclusive) caches nothing: the next fill produces again', async () => {
      const { store, key } = context();
      const producer = countingProducer(null);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.fill(key('unknown'), 60_000, producer.produce)));
      expect(results).toEqual(Array.from({ length: 10 }, () => null));
      expect(producer.runs()).toBe(1);
      expect(await store.get(key('unknown'))).toBeNull();
      await store.fill(key('unknown'), 60_000, producer.produce);
      expect(producer.runs()).toBe(2);
    });

    it('a producer that throws rejects every waiter with its error and caches nothing', async () => {
      const { store, key } = context();
      const failure = new Error('registry unavailable');
      let runs = 0;
      const failing = async (): Promise<Produced> => {
        runs += 1;
        await sleep(20);
        throw failure;
      };
      const settled = await Promise.allSettled(Array.from({ length: 50 }, () => store.fill(key('broken'), 60_000, failing)));
      expect(runs).toBe(1);
      expect(settled.every((result) => result.status === 'rejected' && result.reason === failure)).toBe(true);
      expect(await store.get(key('broken'))).toBeNull();
      const recovered = countingProducer('ok');
      expect(await store.fill(key('broken'), 60_000, recovered.produce)).toEqual(Buffer.from('ok'));
      expect(recovered.runs()).toBe(1);
    });

    it("an entry's own TTL shortens the fill's TTL; a stale entry is returned but not cached", async () => {
      const { store, key } = context();
      await store.fill(key('verdict'), 60_000, async () => ({ value: Buffer.from('v'), ttlMs: 60 }));
      expect(await store.get(key('verdict'))).toEqual(Buffer.from('v'));
      await sleep(120);
      expect(await store.get(key('verdict'))).toBeNull();
      expect(await store.fill(key('stale'), 60_000, async () => ({ value: Buffer.from('s'), ttlMs: 0 }))).toEqual(Buffer.from('s'));
      expect(await store.get(key('stale'))).toBeNull();
      await store.fill(key('capped'), 60, async () => ({ value: Buffer.from('c'), ttlMs: 60_000 }));
      await sleep(120);
      expect(await store.get(key('capped'))).toBeNull();
    });

    it('rejects a fill TTL that is not a positive number (misuse)', async () => {
      const { store, key } = context();
      expect(() => store.fill(key('bad'), 0, async () => null)).toThrow(TypeError);
      expect(() => store.fill(key('bad'), Number.NaN, async () => null)).toThrow(TypeError);
    });
  });
}
