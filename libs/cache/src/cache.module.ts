/**
 * The Nest wiring of the cache port: Redis when a URL is configured
 * (distributed mode), memory otherwise (embedded mode) — one token, two
 * providers (DESIGN.md "Two ways to run, one code path").
 */
import { type DynamicModule, Inject, Injectable, Module, type ModuleMetadata, type OnModuleDestroy } from '@nestjs/common';
import type { TierKeys } from '@notary-gate/contracts';
import { AuthenticatedCacheStore } from './authenticated-cache-store';
import type { CacheErrorHandler, ManagedCacheStore } from './cache-store';
import { MemoryCacheStore } from './memory-cache-store';
import type { CacheMetrics } from './metrics';
import { RedisCacheStore, type RedisCacheStoreOptions } from './redis-cache-store';

/** Injection token of the `ManagedCacheStore` (a `CacheStore` with ping and close). */
export const CACHE_STORE = Symbol('CACHE_STORE');
const CACHE_MODULE_OPTIONS = Symbol('CACHE_MODULE_OPTIONS');

export interface CacheModuleOptions {
  /** Redis when given, memory otherwise. */
  redisUrl?: string;
  /** Size bound of the memory store. Default 64 MiB. */
  maxMemoryBytes?: number;
  /** Prepended to every Redis key (a namespace per deployment). */
  keyPrefix?: string;
  /** TTL of `set` without one. Default: none. */
  defaultTtlMs?: number;
  metrics?: CacheMetrics;
  onError?: CacheErrorHandler;
  /** Redis tuning (timeouts, lock TTL, wait bound). */
  redis?: Pick<RedisCacheStoreOptions, 'commandTimeoutMs' | 'connectTimeoutMs' | 'lockTtlMs' | 'maxWaitMs' | 'maxPollIntervalMs' | 'tls' | 'username' | 'password' | 'sentinels' | 'cluster'>;
  /** How long boot waits for the first Redis connection before starting without cache. Default 2000 ms. */
  readyTimeoutMs?: number;
  /**
   * The tier key: every value is stored with a MAC bound to its key and
   * checked on read (a forged or copied value is evicted, then recomputed).
   * Required by the apps for Redis; optional for memory.
   */
  tierKeys?: TierKeys;
  /** Told of each value that failed authentication. */
  onRejected?: (key: string, why: string) => void;
}

export interface CacheModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // Nest's own factory-provider signature.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...deps: any[]) => CacheModuleOptions | Promise<CacheModuleOptions>;
  inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  /** Register the module globally (one store for the whole application). */
  isGlobal?: boolean;
}

/**
 * Builds the configured store; with Redis, waits up to `readyTimeoutMs` for
 * the connection and starts anyway (degraded, reconnecting) when Redis is down.
 */
export async function createCacheStore(options: CacheModuleOptions): Promise<ManagedCacheStore> {
  const store = await createBackend(options);
  if (!options.tierKeys) return store;
  return new AuthenticatedCacheStore(store, options.tierKeys, {
    namespace: options.keyPrefix ?? '',
    ...(options.onRejected ? { onRejected: options.onRejected } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}

async function createBackend(options: CacheModuleOptions): Promise<ManagedCacheStore> {
  if (options.redisUrl === undefined || options.redisUrl === '') {
    return new MemoryCacheStore({ maxBytes: options.maxMemoryBytes, defaultTtlMs: options.defaultTtlMs, metrics: options.metrics });
  }
  const store = new RedisCacheStore({
    ...options.redis,
    url: options.redisUrl,
    keyPrefix: options.keyPrefix,
    defaultTtlMs: options.defaultTtlMs,
    metrics: options.metrics,
    onError: options.onError,
  });
  await store.waitUntilReady(options.readyTimeoutMs ?? 2_000);
  return store;
}

@Injectable()
class CacheStoreLifecycle implements OnModuleDestroy {
  constructor(@Inject(CACHE_STORE) private readonly store: ManagedCacheStore) {}

  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }
}

@Module({})
export class CacheModule {
  static forRoot(options: CacheModuleOptions & { isGlobal?: boolean } = {}): DynamicModule {
    return CacheModule.forRootAsync({ useFactory: () => options, isGlobal: options.isGlobal });
  }

  /** For options that depend on other providers (configuration, the app's metrics registry). */
  static forRootAsync(options: CacheModuleAsyncOptions): DynamicModule {
    return {
      module: CacheModule,
      global: options.isGlobal ?? false,
      imports: options.imports ?? [],
      providers: [
        { provide: CACHE_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: CACHE_STORE, useFactory: createCacheStore, inject: [CACHE_MODULE_OPTIONS] },
        CacheStoreLifecycle,
      ],
      exports: [CACHE_STORE],
    };
  }
}
