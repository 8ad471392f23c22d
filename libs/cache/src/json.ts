/**
 * JSON views over the byte-oriented port: the caches of tags, referrer lists
 * and verdicts hold small JSON documents.
 */
import type { CacheStore } from './cache-store';

type JsonPrimitive = string | number | boolean | null;

/**
 * `T` when it survives a JSON round trip unchanged; `never` where it would not
 * (functions, bigint, symbols, Date, Map, Set). Works with interfaces, which a
 * plain recursive `JsonValue` type would reject for lacking an index signature.
 */
export type JsonCompatible<T> = T extends JsonPrimitive
  ? T
  : T extends undefined
    ? undefined
    : T extends ((...args: never[]) => unknown) | bigint | symbol | Date | Map<unknown, unknown> | Set<unknown>
      ? never
      : T extends readonly (infer Item)[]
        ? readonly JsonCompatible<Item>[]
        : { [K in keyof T]: JsonCompatible<T[K]> };

/** The cached document, or null on a miss or an undecodable entry (treated as a miss). */
export async function getJson<T>(store: CacheStore, key: string): Promise<T | null> {
  return decode<T>(await store.get(key));
}

export async function setJson<T>(store: CacheStore, key: string, value: T & JsonCompatible<T>, ttlMs?: number): Promise<void> {
  await store.set(key, encode(value), ttlMs);
}

/** `fill` over JSON: the producer returns the document, or null for "do not cache". */
export async function fillJson<T>(
  store: CacheStore,
  key: string,
  ttlMs: number,
  produce: () => Promise<{ value: T & JsonCompatible<T>; ttlMs?: number } | null>,
): Promise<T | null> {
  // Every caller, the one whose producer ran included, gets a fresh decode of
  // the bytes: coalesced callers and other replicas only ever see bytes, so
  // all views are identical and no caller can mutate another's document.
  const bytes = await store.fill(key, ttlMs, async () => {
    const produced = await produce();
    return produced === null ? null : { value: encode(produced.value), ttlMs: produced.ttlMs };
  });
  return decode<T>(bytes);
}

function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function decode<T>(bytes: Buffer | null): T | null {
  if (bytes === null) return null;
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return null;
  }
}
