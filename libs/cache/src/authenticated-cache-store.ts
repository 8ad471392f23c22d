/**
 * Cache values authenticated with the tier key (DESIGN.md "Trust model: the
 * cache"). Whoever can write to Redis can write any bytes under any key —
 * keys are computable from public inputs — so every value is stored as
 *
 *     "NGA1" | kid (8 bytes) | HMAC-SHA256(mac key, namespace, key, value) (32 bytes) | value
 *
 * and checked on every read. The MAC covers the full cache key (and the
 * store's namespace), so a value copied under another key fails as surely as
 * a forged one. A value that fails is evicted and treated as a miss: `fill`
 * recomputes it. Semantic re-checks on use (a verdict's digest, a referrer's
 * subject) stay with the callers, which know what a value means.
 */
import type { TierKeys } from '@notary-gate/contracts';
import type { CacheErrorHandler, ManagedCacheStore, Producer } from './cache-store';

const MAGIC = Buffer.from('NGA1', 'ascii');
const KID_BYTES = 8;
const TAG_BYTES = 32;
const HEADER_BYTES = MAGIC.length + KID_BYTES + TAG_BYTES;

export interface AuthenticatedCacheStoreOptions {
  /** Bound into every MAC (e.g. the Redis key prefix): the same key in another namespace is another value. */
  namespace?: string;
  /** Told of each value that failed authentication (and was evicted). */
  onRejected?: (key: string, why: string) => void;
  onError?: CacheErrorHandler;
}

export class AuthenticatedCacheStore implements ManagedCacheStore {
  readonly backend: ManagedCacheStore['backend'];
  private readonly namespace: Buffer;

  constructor(
    private readonly inner: ManagedCacheStore,
    private readonly keys: TierKeys,
    private readonly options: AuthenticatedCacheStoreOptions = {},
  ) {
    if (!inner || typeof inner.get !== 'function') throw new TypeError('AuthenticatedCacheStore: a store is required');
    if (!keys || typeof keys.mac !== 'function') throw new TypeError('AuthenticatedCacheStore: tier keys are required');
    this.backend = inner.backend;
    this.namespace = Buffer.from(options.namespace ?? '', 'utf8');
  }

  async get(key: string): Promise<Buffer | null> {
    const stored = await this.inner.get(key);
    return stored === null ? null : this.checked(key, stored);
  }

  set(key: string, value: Buffer, ttlMs?: number): Promise<void> {
    return this.inner.set(key, this.wrap(key, value), ttlMs);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  async fill(key: string, ttlMs: number, produce: Producer): Promise<Buffer | null> {
    const wrapped: Producer = async () => {
      const produced = await produce();
      return produced === null ? null : { ...produced, value: this.wrap(key, produced.value) };
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const stored = await this.inner.fill(key, ttlMs, wrapped);
      if (stored === null) return null;
      const value = await this.checked(key, stored);
      if (value !== null) return value;
      // Evicted: the next fill misses and produces (once more at most: a writer racing us gets no loop).
    }
    const produced = await produce();
    return produced === null ? null : produced.value;
  }

  ping(): Promise<boolean> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The value with its authentication header. */
  private wrap(key: string, value: Buffer): Buffer {
    const { kid, tag } = this.keys.mac(this.namespace, Buffer.from(key, 'utf8'), value);
    return Buffer.concat([MAGIC, Buffer.from(kid, 'hex'), tag, value]);
  }

  /** The value when its header authenticates it under this key; otherwise evicts it and returns null. */
  private async checked(key: string, stored: Buffer): Promise<Buffer | null> {
    const why = this.problem(key, stored);
    if (why === undefined) return stored.subarray(HEADER_BYTES);
    this.options.onRejected?.(key, why);
    try {
      await this.inner.delete(key);
    } catch (error) {
      this.options.onError?.(error as Error, 'delete');
    }
    return null;
  }

  private problem(key: string, stored: Buffer): string | undefined {
    if (stored.length < HEADER_BYTES || !stored.subarray(0, MAGIC.length).equals(MAGIC)) return 'not authenticated';
    const kid = stored.subarray(MAGIC.length, MAGIC.length + KID_BYTES).toString('hex');
    const tag = stored.subarray(MAGIC.length + KID_BYTES, HEADER_BYTES);
    if (!this.keys.kids.includes(kid)) return `authenticated with an unknown key (kid ${kid})`;
    if (!this.keys.verifyMac(kid, tag, this.namespace, Buffer.from(key, 'utf8'), stored.subarray(HEADER_BYTES))) return 'authentication failed (forged, altered or copied from another key)';
    return undefined;
  }
}
