import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ManagedCacheStore } from './cache-store';
import { CACHE_STORE, CacheModule } from './cache.module';
import { MemoryCacheStore } from './memory-cache-store';
import { RedisCacheStore } from './redis-cache-store';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

@Injectable()
class Consumer {
  constructor(@Inject(CACHE_STORE) readonly cache: ManagedCacheStore) {}
}

async function boot(cacheModule: ReturnType<typeof CacheModule.forRoot>) {
  @Module({ imports: [cacheModule], providers: [Consumer] })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: false });
}

describe('CacheModule', () => {
  it('provides the memory store without a Redis URL', async () => {
    const app = await boot(CacheModule.forRoot({ maxMemoryBytes: 1_024 }));
    const { cache } = app.get(Consumer);
    expect(cache).toBeInstanceOf(MemoryCacheStore);
    expect(cache.backend).toBe('memory');
    await cache.set('k', Buffer.from('v'));
    expect(await cache.get('k')).toEqual(Buffer.from('v'));
    await app.close();
  });

  it('provides the Redis store with a Redis URL, connected, and closes it with the module', async () => {
    const app = await boot(CacheModule.forRoot({ redisUrl: REDIS_URL, keyPrefix: `ng-test:module:${process.pid}:` }));
    const { cache } = app.get(Consumer);
    expect(cache).toBeInstanceOf(RedisCacheStore);
    expect(await cache.ping()).toBe(true);
    await app.close();
    expect(await cache.ping()).toBe(false);
  });

  it('takes its options from other providers with forRootAsync', async () => {
    const CONFIG = 'CONFIG';
    @Module({ providers: [{ provide: CONFIG, useValue: { maxMemoryBytes: 10 } }], exports: [CONFIG] })
    class ConfigModule {}
    const app = await boot(
      CacheModule.forRootAsync({ imports: [ConfigModule], inject: [CONFIG], useFactory: (config: { maxMemoryBytes: number }) => config }),
    );
    const { cache } = app.get(Consumer);
    await cache.set('too-big', Buffer.alloc(100));
    expect(await cache.get('too-big')).toBeNull();
    await app.close();
  });
});
