// libs/cache — one cache port (Redis or memory) with coalescing and a lock-guarded fill across replicas.
export type {
  CacheErrorHandler,
  CacheOperation,
  CacheStore,
  ManagedCacheStore,
  Produced,
  Producer,
} from './cache-store';
export { AuthenticatedCacheStore, type AuthenticatedCacheStoreOptions } from './authenticated-cache-store';
export { CACHE_STORE, CacheModule, createCacheStore, type CacheModuleAsyncOptions, type CacheModuleOptions } from './cache.module';
export { canonicalJson, hashJson, sha256Hex, type JsonValue } from './canonical-json';
export { fillJson, getJson, setJson, type JsonCompatible } from './json';
export {
  CACHE_SCHEMA_VERSION,
  KEY_NAMESPACE,
  cacheKindOf,
  contentKey,
  descriptorKey,
  hashTrustAnchors,
  referrersKey,
  tagKey,
  verdictKey,
  type CacheKind,
  type VerdictKeyInput,
} from './keys';
export { DEFAULT_MEMORY_CACHE_BYTES, MemoryCacheStore, type MemoryCacheStoreOptions } from './memory-cache-store';
export { noopCacheMetrics, type CacheMetrics } from './metrics';
export { RedisCacheStore, type RedisCacheStoreOptions } from './redis-cache-store';
