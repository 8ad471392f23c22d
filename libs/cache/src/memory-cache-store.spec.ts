import { MemoryCacheStore } from './memory-cache-store';
import type { CacheMetrics } from './metrics';
import { describeCacheStoreContract } from './testing/cache-store-contract';

describe('MemoryCacheStore', () => {
  let store = new MemoryCacheStore();
  beforeEach(() => {
    store = new MemoryCacheStore();
  });
  describeCacheStoreContract(() => ({ store, key: (name) => name }));

  it('expires by the injected clock', async () => {
    let now = 1_000;
    const clocked = new MemoryCacheStore({ now: () => now, defaultTtlMs: 500 });
    await clocked.set('a', Buffer.from('1'));
    await clocked.set('b', Buffer.from('2'), 2_000);
    now = 1_499;
    expect(await clocked.get('a')).toEqual(Buffer.from('1'));
    now = 1_500;
    expect(await clocked.get('a')).toBeNull();
    expect(await clocked.get('b')).toEqual(Buffer.from('2'));
    now = 3_000;
    expect(await clocked.get('b')).toBeNull();
    expect(clocked.size).toBe(0);
  });

  it('evicts the least recently used entries to stay within its byte bound', async () => {
    // Each entry: 1-byte key + 99-byte value = 100 bytes; room for three.
    const bounded = new MemoryCacheStore({ maxBytes: 300 });
    const value = (fill: number) => Buffer.alloc(99, fill);
    await bounded.set('a', value(1));
    await bounded.set('b', value(2));
    await bounded.set('c', value(3));
    expect(bounded.size).toBe(300);
    await bounded.get('a'); // a is now the most recently used; b the least
    await bounded.set('d', value(4));
    expect(await bounded.get('b')).toBeNull();
    expect(await bounded.get('a')).toEqual(value(1));
    expect(await bounded.get('c')).toEqual(value(3));
    expect(await bounded.get('d')).toEqual(value(4));
    expect(bounded.size).toBe(300);

    // A large entry pushes out as many old ones as it needs.
    await bounded.set('e', Buffer.alloc(199, 5));
    expect(bounded.size).toBe(300);
    expect(await bounded.get('a')).toBeNull();
    expect(await bounded.get('c')).toBeNull();
    expect(await bounded.get('d')).toEqual(value(4));
  });

  it('does not keep an entry larger than the whole cache, and replacing an entry frees its old bytes', async () => {
    const bounded = new MemoryCacheStore({ maxBytes: 100 });
    await bounded.set('k', Buffer.alloc(50));
    await bounded.set('big', Buffer.alloc(200));
    expect(await bounded.get('big')).toBeNull();
    expect(await bounded.get('k')).not.toBeNull();
    await bounded.set('k', Buffer.alloc(10));
    expect(bounded.size).toBe(11);
  });

  it('keeps its own copy of a value', async () => {
    const bytes = Buffer.from('abc');
    await store.set('k', bytes);
    bytes[0] = 0x7a;
    expect((await store.get('k'))?.toString()).toBe('abc');
  });

  it('counts hits, misses and fills per cache kind', async () => {
    const events: string[] = [];
    const metrics: CacheMetrics = {
      hit: (kind) => events.push(`hit:${kind}`),
      miss: (kind) => events.push(`miss:${kind}`),
      fill: (kind) => events.push(`fill:${kind}`),
      error: (kind, operation) => events.push(`error:${kind}:${operation}`),
    };
    const counted = new MemoryCacheStore({ metrics });
    const key = `ng:v1:content:sha256:${'a'.repeat(64)}`;
    await counted.fill(key, 1_000, async () => ({ value: Buffer.from('x') }));
    await counted.fill(key, 1_000, async () => ({ value: Buffer.from('y') }));
    expect(events).toEqual(['miss:content', 'fill:content', 'hit:content']);
  });

  it('rejects a negative size bound', () => {
    expect(() => new MemoryCacheStore({ maxBytes: -1 })).toThrow(TypeError);
  });
});
