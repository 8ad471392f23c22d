/**
 * The cache port. Workers (discovery, verifier, evaluator) depend on this
 * interface only; the apps inject a Redis or an in-memory implementation.
 *
 * A cache outage is "no cache", never a failure (STYLE.md §5): no method of an
 * implementation rejects because of the backend; only `produce` errors reach
 * the caller of `fill`.
 */

/** What a `fill` producer returns: the value to cache, or `null` for "do not cache". */
export interface Produced {
  value: Buffer;
  /**
   * This entry's own lifetime. It can only shorten the fill's TTL (verdicts
   * expire at the earliest of the configured TTL, the certificate's notAfter
   * and the signature's expiry). `<= 0` means "already stale": returned, not cached.
   */
  ttlMs?: number;
}

/** Produces a value on a cache miss; `null` = inconclusive, never cached (STYLE.md §5). */
export type Producer = () => Promise<Produced | null>;

export interface CacheStore {
  /** The cached value, or `null` on a miss, an expired entry or a backend outage. */
  get(key: string): Promise<Buffer | null>;
  /**
   * Stores `value` for `ttlMs` (the store's default when omitted).
   * `ttlMs <= 0` removes the key: the value is already stale.
   */
  set(key: string, value: Buffer, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Read-through: the cached value if present; otherwise `produce` runs once
   * per key per process at a time (concurrent callers share it) and, with
   * Redis, once across replicas (lock-guarded). Resolves to `null` only when
   * `produce` did. A `produce` error rejects every caller sharing that run;
   * nothing is cached.
   *
   * Values returned by `get` and `fill` may be shared between callers: treat
   * them as read-only.
   */
  fill(key: string, ttlMs: number, produce: Producer): Promise<Buffer | null>;
}

/** A store the application owns: health for /readyz and shutdown. */
export interface ManagedCacheStore extends CacheStore {
  readonly backend: 'redis' | 'memory';
  /** True when the backend answers (always true for memory). Never rejects. */
  ping(): Promise<boolean>;
  /** Releases connections; the store must not be used afterwards. */
  close(): Promise<void>;
}

/** The operations reported to `onError` and to the error metric. */
export type CacheOperation = 'get' | 'set' | 'delete' | 'fill' | 'lock' | 'unlock' | 'connection';

/** Receives every backend error the store swallowed (the store itself never logs). */
export type CacheErrorHandler = (error: Error, operation: CacheOperation) => void;
