/**
 * The embedded mode's cache: in-process, bounded by bytes with least-recently
 * used eviction, per-entry TTL, and the same `fill` semantics as Redis
 * (coalesced; a single process needs no lock).
 */
import type { ManagedCacheStore, Producer } from './cache-store';
import { InFlight } from './in-flight';
import { cacheKindOf } from './keys';
import { type CacheMetrics, noopCacheMetrics } from './metrics';
import { assertFillTtl, assertOptionalTtl, effectiveTtl } from './ttl';

export const DEFAULT_MEMORY_CACHE_BYTES = 64 * 1024 * 1024;

export interface MemoryCacheStoreOptions {
  /** Upper bound of the bytes held (values plus keys). Default 64 MiB. */
  maxBytes?: number;
  /** TTL of `set` without one; default: until evicted. */
  defaultTtlMs?: number;
  /** Clock in epoch milliseconds (injectable for deterministic expiry tests). */
  now?: () => number;
  metrics?: CacheMetrics;
}

interface Entry {
  value: Buffer;
  /** Epoch ms after which the entry is stale; Infinity for none. */
  expiresAt: number;
  size: number;
}

export class MemoryCacheStore implements ManagedCacheStore {
  readonly backend = 'memory' as const;
  /** Map iteration order is insertion order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new InFlight<Buffer | null>();
  private readonly maxBytes: number;
  private readonly defaultTtlMs: number | undefined;
  private readonly now: () => number;
  private readonly metrics: CacheMetrics;
  private bytes = 0;

  constructor(options: MemoryCacheStoreOptions = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_CACHE_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new TypeError(`maxBytes must be a non-negative integer, got ${String(options.maxBytes)}`);
    }
    assertOptionalTtl(options.defaultTtlMs);
    this.maxBytes = maxBytes;
    this.defaultTtlMs = options.defaultTtlMs;
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? noopCacheMetrics;
  }

  /** Bytes currently held (values plus keys). */
  get size(): number {
    return this.bytes;
  }

  async get(key: string): Promise<Buffer | null> {
    return this.read(key);
  }

  async set(key: string, value: Buffer, ttlMs?: number): Promise<void> {
    assertOptionalTtl(ttlMs);
    this.write(key, value, ttlMs ?? this.defaultTtlMs);
  }

  async delete(key: string): Promise<void> {
    this.remove(key);
  }

  fill(key: string, ttlMs: number, produce: Producer): Promise<Buffer | null> {
    assertFillTtl(ttlMs);
    return this.inFlight.run(key, async () => {
      const kind = cacheKindOf(key);
      const cached = this.read(key);
      if (cached !== null) {
        this.metrics.hit(kind);
        return cached;
      }
      this.metrics.miss(kind);
      this.metrics.fill(kind);
      const produced = await produce();
      if (produced === null) return null;
      this.write(key, produced.value, effectiveTtl(ttlMs, produced.ttlMs));
      return produced.value;
    });
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
  }

  private read(key: string): Buffer | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    if (entry.expiresAt <= this.now()) {
      this.remove(key);
      return null;
    }
    // Re-insert to mark it most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  private write(key: string, value: Buffer, ttlMs: number | undefined): void {
    this.remove(key);
    const size = value.byteLength + Buffer.byteLength(key, 'utf8');
    // A stale value, or one larger than the whole cache, is simply not kept.
    if ((ttlMs !== undefined && ttlMs <= 0) || size > this.maxBytes) return;
    // Copy: the caller keeps ownership of its buffer.
    const entry: Entry = { value: Buffer.from(value), expiresAt: ttlMs === undefined ? Infinity : this.now() + ttlMs, size };
    this.entries.set(key, entry);
    this.bytes += size;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.size;
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.size;
  }
}
