/**
 * How workers reach registries: one shared RegistryClient (keep-alive pool,
 * token and capability caches), repositories opened by name and, when a cache
 * store is configured, read through it (CachingRepository).
 */
import type { CacheStore } from '@notary-gate/cache';
import { openRepository, parseReference, RegistryClient, type ImageReference, type OciRepository, type RegistryClientOptions } from '@notary-gate/oci';
import { CachingRepository, DEFAULT_LIFETIMES, type CacheLifetimes } from './caching-repository';

export interface RegistryAccessOptions {
  cache?: CacheStore;
  lifetimes?: Partial<CacheLifetimes>;
}

export class RegistryAccess {
  readonly client: RegistryClient;
  readonly cache: CacheStore | undefined;
  readonly lifetimes: CacheLifetimes;
  private readonly repositories = new Map<string, OciRepository>();

  constructor(client: RegistryClient | RegistryClientOptions = {}, options: RegistryAccessOptions = {}) {
    this.client = client instanceof RegistryClient ? client : new RegistryClient(client);
    this.cache = options.cache;
    this.lifetimes = { ...DEFAULT_LIFETIMES, ...options.lifetimes };
  }

  /** The repository of an image reference (`registry/repo[:tag|@digest]`), reused across jobs. */
  open(image: string | ImageReference): { repository: OciRepository; reference: ImageReference } {
    const reference = typeof image === 'string' ? parseReference(image) : image;
    const key = `${reference.registry}/${reference.repository}`;
    let repository = this.repositories.get(key);
    if (!repository) {
      const opened = openRepository(reference, this.client).repository;
      repository = this.cache ? new CachingRepository(opened, reference.registry, reference.repository, this.cache, this.lifetimes) : opened;
      this.repositories.set(key, repository);
    }
    return { repository, reference };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
