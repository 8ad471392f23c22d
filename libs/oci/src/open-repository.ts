/**
 * The one entry point the CLI and the workers use: a reference string (image
 * or `oci-layout:`) in, the repository that serves it out.
 */
import { OciLayoutRepository } from './layout';
import { parseAnyReference, type AnyReference } from './reference';
import { RegistryClient, type RegistryClientOptions } from './registry-client';
import type { OciRepository } from './repository';

export interface OpenedRepository {
  repository: OciRepository;
  /** The parsed, normalised reference (`nginx` → `docker.io/library/nginx:latest`). */
  reference: AnyReference;
  /** Releases what `openRepository` created (a client built from options); a no-op otherwise. */
  close(): Promise<void>;
}

/**
 * Opens the repository of `reference`. Pass a shared `RegistryClient` (its
 * connection pool, token and capability caches are reused), or client options
 * to build one for this repository alone (then call `close()`).
 */
export function openRepository(reference: string | AnyReference, client: RegistryClient | RegistryClientOptions = {}): OpenedRepository {
  const parsed = typeof reference === 'string' ? parseAnyReference(reference) : reference;
  if (parsed.kind === 'oci-layout') {
    // The layout obeys the same content caps as the registry client.
    const limits = client.limits;
    const concurrency = client instanceof RegistryClient ? undefined : client.referrerConcurrency;
    const repository = new OciLayoutRepository(parsed.path, {
      ...(limits === undefined ? {} : { limits }),
      ...(concurrency === undefined ? {} : { referrerConcurrency: concurrency }),
    });
    return { repository, reference: parsed, close: async () => undefined };
  }
  if (client instanceof RegistryClient) {
    return { repository: client.repository(parsed), reference: parsed, close: async () => undefined };
  }
  const owned = new RegistryClient(client);
  return { repository: owned.repository(parsed), reference: parsed, close: () => owned.close() };
}
