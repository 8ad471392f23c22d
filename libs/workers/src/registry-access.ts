/**
 * How workers reach registries: one shared RegistryClient (keep-alive pool,
 * token and capability caches) for the tier's own access, repositories opened
 * by name and, when a cache store is configured, read through it
 * (CachingRepository).
 *
 * A job may carry its cluster's registry credentials (sealed, issue 9). They
 * are used for that job's registry only, through a client of their own
 * (sharing the connection pool), and what they let the worker see — tag
 * resolutions and referrer lists — is cached under a keyed hash of the
 * credential identity, so a cluster never reads what only another cluster's
 * credentials may see. Content by digest (checked against it on every read)
 * and verdicts stay shared. Credentials are never cached or logged; the
 * per-identity clients live in a small bounded map.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { CacheStore } from '@notary-gate/cache';
import type { RegistryCredentialEntry, RegistryCredentials, TierKeys } from '@notary-gate/contracts';
import { openRepository, parseReference, RegistryClient, type ImageReference, type OciRepository, type RegistryClientOptions } from '@notary-gate/oci';
import { CachingRepository, DEFAULT_LIFETIMES, type CacheLifetimes } from './caching-repository';

export interface RegistryAccessOptions {
  cache?: CacheStore;
  lifetimes?: Partial<CacheLifetimes>;
  /** Keys the hash naming a credential identity in cache keys (the tier key; a per-process random key otherwise). */
  tierKeys?: TierKeys;
  /** Most per-credential clients kept (least recently used closed first). Default 64. */
  maxCredentialClients?: number;
}

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export class RegistryAccess {
  readonly client: RegistryClient;
  readonly cache: CacheStore | undefined;
  readonly lifetimes: CacheLifetimes;
  private readonly clientOptions: RegistryClientOptions;
  private readonly repositories = new Map<string, OciRepository>();
  private readonly credentialClients = new Map<string, RegistryClient>();
  private readonly scopeOf: (registry: string, credential: RegistryCredentialEntry) => string;
  private readonly maxCredentialClients: number;

  constructor(client: RegistryClient | RegistryClientOptions = {}, options: RegistryAccessOptions = {}) {
    this.client = client instanceof RegistryClient ? client : new RegistryClient(client);
    this.clientOptions = client instanceof RegistryClient ? {} : client;
    this.cache = options.cache;
    this.lifetimes = { ...DEFAULT_LIFETIMES, ...options.lifetimes };
    this.maxCredentialClients = options.maxCredentialClients ?? 64;
    const keys = options.tierKeys;
    const processKey = randomBytes(32);
    this.scopeOf = (registry, credential) => {
      const identity = JSON.stringify([registry, credential.username ?? '', credential.password ?? '', credential.identityToken ?? '', credential.registryToken ?? '']);
      return keys ? keys.keyedHash('registry-credential', identity).slice(0, 32) : createHmac('sha256', processKey).update(identity).digest('hex').slice(0, 32);
    };
  }

  /**
   * The repository of an image reference (`registry/repo[:tag|@digest]`),
   * reused across jobs — through the job's credentials for its registry when
   * it carries some.
   */
  open(image: string | ImageReference, credentials?: RegistryCredentials): { repository: OciRepository; reference: ImageReference } {
    const reference = typeof image === 'string' ? parseReference(image) : image;
    const credential = credentialFor(credentials, reference.registry);
    const scope = credential ? this.scopeOf(reference.registry, credential) : undefined;
    const key = `${scope ?? '-'} ${reference.registry}/${reference.repository}`;
    let repository = this.repositories.get(key);
    if (!repository) {
      const client = scope && credential ? this.clientFor(scope, reference.registry, credential) : this.client;
      const opened = openRepository(reference, client).repository;
      repository = this.cache ? new CachingRepository(opened, reference.registry, reference.repository, this.cache, this.lifetimes, scope) : opened;
      this.repositories.set(key, repository);
    }
    return { repository, reference };
  }

  async close(): Promise<void> {
    await Promise.all([...this.credentialClients.values()].map((client) => client.close()));
    this.credentialClients.clear();
    await this.client.close();
  }

  private clientFor(scope: string, registry: string, credential: RegistryCredentialEntry): RegistryClient {
    let client = this.credentialClients.get(scope);
    if (client) {
      // Most recently used last.
      this.credentialClients.delete(scope);
      this.credentialClients.set(scope, client);
      return client;
    }
    const host = registry.toLowerCase();
    client = new RegistryClient({ ...this.clientOptions, credentials: (asked) => (sameRegistry(asked, host) ? credential : undefined) });
    this.credentialClients.set(scope, client);
    if (this.credentialClients.size > this.maxCredentialClients) {
      const [oldest, evicted] = this.credentialClients.entries().next().value as [string, RegistryClient];
      this.credentialClients.delete(oldest);
      for (const [name] of this.repositories) if (name.startsWith(`${oldest} `)) this.repositories.delete(name);
      void evicted.close();
    }
    return client;
  }
}

function sameRegistry(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || (DOCKER_HUB_ALIASES.has(x) && DOCKER_HUB_ALIASES.has(y));
}

function credentialFor(credentials: RegistryCredentials | undefined, registry: string): RegistryCredentialEntry | undefined {
  if (!credentials || typeof credentials !== 'object') return undefined;
  for (const [host, credential] of Object.entries(credentials)) {
    if (sameRegistry(host, registry) && credential && typeof credential === 'object') return credential;
  }
  return undefined;
}
