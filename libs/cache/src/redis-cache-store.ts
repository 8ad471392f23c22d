/**
 * The distributed mode's cache: Redis through ioredis, shared by every
 * replica. `fill` coalesces in-process and takes a Redis lock, so N replicas
 * asking for one uncached key cause one `produce`.
 *
 * A Redis outage degrades to "no cache" and never fails the caller
 * (STYLE.md §5): the client queues nothing offline and times commands out
 * quickly; every error makes `get` miss, `set`/`delete` no-ops and `fill` run
 * `produce` directly (still coalesced in-process), is reported to `onError`
 * and the error metric, and ioredis keeps reconnecting so caching resumes when
 * Redis is back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { CacheErrorHandler, CacheOperation, ManagedCacheStore, Producer } from './cache-store';
import { InFlight } from './in-flight';
import { cacheKindOf } from './keys';
import { type CacheMetrics, noopCacheMetrics } from './metrics';
import { acquireLock, isLocked, releaseLock, renewLock } from './redis-lock';
import { assertFillTtl, assertOptionalTtl, effectiveTtl } from './ttl';

export interface RedisCacheStoreOptions {
  /** `redis://[user:password@]host:port[/db]` */
  url: string;
  /** Prepended to every key (a namespace per deployment or test run). Default none. */
  keyPrefix?: string;
  /** TTL of `set` without one; default: no expiry. */
  defaultTtlMs?: number;
  /** A command without a reply by then fails (and degrades). Default 500 ms. */
  commandTimeoutMs?: number;
  /** Connection attempt timeout. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Lifetime of a fill lock; renewed while `produce` runs, so a crashed holder frees it after this. Default 5000 ms. */
  lockTtlMs?: number;
  /** How long a fill waits for another replica's `produce` before producing itself. Default 10 000 ms. */
  maxWaitMs?: number;
  /** Longest pause between two checks of another replica's lock (backs off from 5 ms). Default 50 ms. */
  maxPollIntervalMs?: number;
  metrics?: CacheMetrics;
  /** Every Redis error the store swallowed; connection errors once per outage. */
  onError?: CacheErrorHandler;
  /** TLS (also implied by `rediss://`): PEM CA, client certificate and key. */
  tls?: { ca?: string; cert?: string; key?: string };
  /** ACL user and password (override any in the URL). */
  username?: string;
  password?: string;
  /** Redis Sentinel: the sentinels (`host:port`) and the monitored master's name; `url` then only gives defaults. */
  sentinels?: { hosts: string[]; name: string };
  /** Redis Cluster: `url` lists seed nodes, comma-separated. */
  cluster?: boolean;
}

type Attempt<T> = { ok: true; value: T } | { ok: false };

const FIRST_POLL_MS = 5;

export class RedisCacheStore implements ManagedCacheStore {
  readonly backend = 'redis' as const;
  private readonly client: Redis | Cluster;
  private readonly inFlight = new InFlight<Buffer | null>();
  private readonly keyPrefix: string;
  private readonly defaultTtlMs: number | undefined;
  private readonly lockTtlMs: number;
  private readonly maxWaitMs: number;
  private readonly maxPollIntervalMs: number;
  private readonly metrics: CacheMetrics;
  private readonly onError: CacheErrorHandler;
  private outageReported = false;
  private closed = false;

  constructor(options: RedisCacheStoreOptions) {
    assertOptionalTtl(options.defaultTtlMs);
    this.keyPrefix = options.keyPrefix ?? '';
    this.defaultTtlMs = options.defaultTtlMs;
    this.lockTtlMs = positive('lockTtlMs', options.lockTtlMs ?? 5_000);
    this.maxWaitMs = positive('maxWaitMs', options.maxWaitMs ?? 10_000);
    this.maxPollIntervalMs = positive('maxPollIntervalMs', options.maxPollIntervalMs ?? 50);
    this.metrics = options.metrics ?? noopCacheMetrics;
    this.onError = options.onError ?? (() => undefined);
    this.client = connectRedis(options, {
      // Fail fast instead of queueing while disconnected: a cache that waits is worse than none.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: positive('commandTimeoutMs', options.commandTimeoutMs ?? 500),
      connectTimeout: positive('connectTimeoutMs', options.connectTimeoutMs ?? 2_000),
      // ioredis arms this timer on disconnect even for a socket that is already
      // gone (a refused connection); its 2 s default would hold the process open.
      disconnectTimeout: 100,
      // Keep reconnecting for ever, backing off to one attempt a second.
      retryStrategy: (attempt: number) => Math.min(attempt * 50, 1_000),
    });
    this.client.on('error', (error: Error) => {
      if (this.closed || this.outageReported) return;
      this.outageReported = true;
      this.report(error, 'connection', 'other');
    });
    this.client.on('ready', () => {
      this.outageReported = false;
    });
  }

  /** Resolves true once connected, false if not within `timeoutMs`. Never rejects. */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.client.status !== 'ready') {
      if (this.closed || this.client.status === 'end' || Date.now() >= deadline) return false;
      await sleep(10);
    }
    return true;
  }

  async get(key: string): Promise<Buffer | null> {
    const kind = cacheKindOf(key);
    const cached = await this.attempt('get', kind, () => this.client.getBuffer(this.valueKey(key)));
    const value = cached.ok ? cached.value : null;
    if (value === null) this.metrics.miss(kind);
    else this.metrics.hit(kind);
    return value;
  }

  async set(key: string, value: Buffer, ttlMs?: number): Promise<void> {
    assertOptionalTtl(ttlMs);
    await this.write(key, cacheKindOf(key), value, ttlMs ?? this.defaultTtlMs);
  }

  async delete(key: string): Promise<void> {
    await this.attempt('delete', cacheKindOf(key), () => this.client.del(this.valueKey(key)));
  }

  fill(key: string, ttlMs: number, produce: Producer): Promise<Buffer | null> {
    assertFillTtl(ttlMs);
    return this.inFlight.run(key, () => this.fillAcrossReplicas(key, ttlMs, produce));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.quit();
    } catch {
      // Not connected: stop reconnecting instead.
      this.client.disconnect();
    }
  }

  /**
   * Read-through with one producer across replicas: look up; on a miss take
   * the lock and produce, or wait for the holder and look up again. A waiter
   * that outlives `maxWaitMs` (holder stuck) or meets an outage produces itself.
   */
  private async fillAcrossReplicas(key: string, ttlMs: number, produce: Producer): Promise<Buffer | null> {
    const kind = cacheKindOf(key);
    const giveUpAt = Date.now() + this.maxWaitMs;
    for (;;) {
      const cached = await this.attempt('fill', kind, () => this.client.getBuffer(this.valueKey(key)));
      if (!cached.ok) return this.produceAndStore(key, kind, ttlMs, produce);
      if (cached.value !== null) {
        this.metrics.hit(kind);
        return cached.value;
      }
      if (Date.now() >= giveUpAt) return this.produceAndStore(key, kind, ttlMs, produce);
      const lock = await this.attempt('lock', kind, () => acquireLock(this.client, this.lockKey(key), this.lockTtlMs));
      if (!lock.ok) return this.produceAndStore(key, kind, ttlMs, produce);
      if (lock.value !== null) return this.produceUnderLock(key, kind, ttlMs, produce, lock.value);
      if (!(await this.waitForHolder(key, kind, giveUpAt))) return this.produceAndStore(key, kind, ttlMs, produce);
    }
  }

  private async produceUnderLock(key: string, kind: string, ttlMs: number, produce: Producer, token: string): Promise<Buffer | null> {
    const lockKey = this.lockKey(key);
    const renewal = setInterval(() => {
      void this.attempt('lock', kind, () => renewLock(this.client, lockKey, token, this.lockTtlMs));
    }, Math.max(1, Math.floor(this.lockTtlMs / 3)));
    renewal.unref();
    try {
      // Another replica may have filled and released between our miss and our lock.
      const cached = await this.attempt('fill', kind, () => this.client.getBuffer(this.valueKey(key)));
      if (cached.ok && cached.value !== null) {
        this.metrics.hit(kind);
        return cached.value;
      }
      // The value is written before the lock is released, so waiters find it.
      return await this.produceAndStore(key, kind, ttlMs, produce);
    } finally {
      clearInterval(renewal);
      await this.attempt('unlock', kind, () => releaseLock(this.client, lockKey, token));
    }
  }

  /** Runs `produce` and caches a non-null result; without the lock when Redis is down or the holder is stuck. */
  private async produceAndStore(key: string, kind: string, ttlMs: number, produce: Producer): Promise<Buffer | null> {
    this.metrics.miss(kind);
    this.metrics.fill(kind);
    const produced = await produce();
    if (produced === null) return null;
    await this.write(key, kind, produced.value, effectiveTtl(ttlMs, produced.ttlMs));
    return produced.value;
  }

  /**
   * Polls the lock until its holder releases it (true) — having stored the
   * value, or not (a null or failed produce) — or until `giveUpAt` (true: the
   * caller looks up once more, then produces itself). False on a Redis error.
   */
  private async waitForHolder(key: string, kind: string, giveUpAt: number): Promise<boolean> {
    let pause = FIRST_POLL_MS;
    while (Date.now() < giveUpAt) {
      await sleep(Math.min(pause, Math.max(1, giveUpAt - Date.now())));
      pause = Math.min(pause * 2, this.maxPollIntervalMs);
      const locked = await this.attempt('lock', kind, () => isLocked(this.client, this.lockKey(key)));
      if (!locked.ok) return false;
      if (!locked.value) return true;
    }
    return true;
  }

  private async write(key: string, kind: string, value: Buffer, ttlMs: number | undefined): Promise<void> {
    const valueKey = this.valueKey(key);
    if (ttlMs === undefined) {
      await this.attempt('set', kind, () => this.client.set(valueKey, value));
    } else if (ttlMs <= 0) {
      // Already stale: make sure no older value outlives it.
      await this.attempt('set', kind, () => this.client.del(valueKey));
    } else {
      await this.attempt('set', kind, () => this.client.set(valueKey, value, 'PX', Math.ceil(ttlMs)));
    }
  }

  /** Runs one Redis command; an error is reported and turned into "no answer". */
  private async attempt<T>(operation: CacheOperation, kind: string, command: () => Promise<T>): Promise<Attempt<T>> {
    try {
      return { ok: true, value: await command() };
    } catch (error) {
      this.report(error instanceof Error ? error : new Error(String(error)), operation, kind);
      return { ok: false };
    }
  }

  private report(error: Error, operation: CacheOperation, kind: string): void {
    this.metrics.error(kind, operation);
    try {
      this.onError(error, operation);
    } catch {
      // A failing error hook must not turn a cache outage into a failed request.
    }
  }

  private valueKey(key: string): string {
    return this.keyPrefix + key;
  }

  private lockKey(key: string): string {
    return `${this.keyPrefix}lock:${key}`;
  }
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/**
 * The ioredis client for the options: one server (`redis://`, `rediss://`),
 * Sentinel, or Cluster, with TLS (CA, client certificate) and ACL credentials
 * as Redis users configure them. The URL's own user and password are used
 * unless `username`/`password` are given.
 */
function connectRedis(options: RedisCacheStoreOptions, base: RedisOptions): Redis | Cluster {
  const first = new URL(options.url.split(',')[0]!.trim());
  const tlsWanted = first.protocol === 'rediss:' || options.tls !== undefined;
  const tls = tlsWanted ? { ...(options.tls?.ca ? { ca: options.tls.ca } : {}), ...(options.tls?.cert ? { cert: options.tls.cert } : {}), ...(options.tls?.key ? { key: options.tls.key } : {}) } : undefined;
  const auth = {
    ...(options.username !== undefined ? { username: options.username } : first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(options.password !== undefined ? { password: options.password } : first.password ? { password: decodeURIComponent(first.password) } : {}),
  };
  const db = Number(first.pathname.replace(/^\//, '') || 0);
  if (options.cluster) {
    const nodes = options.url.split(',').map((entry) => {
      const node = new URL(entry.trim());
      return { host: node.hostname, port: Number(node.port || 6379) };
    });
    return new Cluster(nodes, {
      enableOfflineQueue: false,
      clusterRetryStrategy: (attempt: number) => Math.min(attempt * 50, 1_000),
      redisOptions: { ...base, ...auth, ...(tls ? { tls } : {}) },
    });
  }
  if (options.sentinels) {
    return new Redis({
      ...base,
      ...auth,
      db,
      name: options.sentinels.name,
      sentinels: options.sentinels.hosts.map((hostPort) => {
        const [host, port] = hostPort.split(':');
        return { host: host!, port: Number(port || 26379) };
      }),
      ...(auth.username ? { sentinelUsername: auth.username } : {}),
      ...(auth.password ? { sentinelPassword: auth.password } : {}),
      ...(tls ? { tls, sentinelTLS: tls, enableTLSForSentinelMode: true } : {}),
    });
  }
  return new Redis({ ...base, ...auth, host: first.hostname, port: Number(first.port || 6379), db, ...(tls ? { tls } : {}) });
}
