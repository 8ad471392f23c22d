import { fillJson, getJson, setJson } from './json';
import { MemoryCacheStore } from './memory-cache-store';

interface Reply {
  verified: boolean;
  digest: string;
  note?: string;
  checks: { name: string; ok: boolean }[];
}

const reply: Reply = { verified: true, digest: 'sha256:1', checks: [{ name: 'integrity', ok: true }] };

describe('JSON helpers', () => {
  it('round-trip documents, interfaces included', async () => {
    const store = new MemoryCacheStore();
    await setJson(store, 'r', reply);
    expect(await getJson<Reply>(store, 'r')).toEqual(reply);
    expect(await getJson(store, 'absent')).toBeNull();
  });

  it('fillJson produces once, caches the document, and gives each caller its own copy', async () => {
    const store = new MemoryCacheStore();
    let runs = 0;
    const produce = async () => {
      runs += 1;
      return { value: reply };
    };
    const [first, second] = await Promise.all([fillJson(store, 'f', 1_000, produce), fillJson(store, 'f', 1_000, produce)]);
    expect(runs).toBe(1);
    expect(first).toEqual(reply);
    expect(first).not.toBe(second);
    expect(await fillJson(store, 'f', 1_000, produce)).toEqual(reply);
    expect(runs).toBe(1);
  });

  it('fillJson caches nothing when the producer returns null', async () => {
    const store = new MemoryCacheStore();
    expect(await fillJson<Reply>(store, 'n', 1_000, async () => null)).toBeNull();
    expect(await store.get('n')).toBeNull();
  });

  it('treats an undecodable entry as a miss', async () => {
    const store = new MemoryCacheStore();
    await store.set('bad', Buffer.from('{not json'));
    expect(await getJson(store, 'bad')).toBeNull();
  });

  it('accepts only values that survive JSON (checked by the compiler)', async () => {
    const store = new MemoryCacheStore();
    // Compiled, never run: the compiler is what rejects these.
    const rejectedByTheCompiler = async (): Promise<void> => {
      // @ts-expect-error a Date would come back as a string
      await setJson(store, 'd', { when: new Date(0) });
      // @ts-expect-error a function does not survive JSON
      await setJson(store, 'f', { f: () => 1 });
      // @ts-expect-error neither does a bigint
      await fillJson(store, 'b', 1_000, async () => ({ value: { n: 1n } }));
    };
    void rejectedByTheCompiler;
    await setJson(store, 'ok', { a: [1, 'x', null, { b: false }] });
    expect(await getJson(store, 'ok')).toEqual({ a: [1, 'x', null, { b: false }] });
  });
});
