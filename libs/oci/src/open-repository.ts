/**
 * The one entry point the CLI and the workers use: a reference string (image
 * or `oci-layout:`) in, the repository that serves it out.
 */
import { OciLayoutRepository } from './layout';
import { findMirror, mirroredLocation } from './mirror';
import { parseAnyReference, type AnyReference } from './reference';
import { RegistryClient, resolveMirrors, type RegistryClientOptions } from './registry-client';
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
  // A reference under a registry mirror is served from the mirror; `reference` keeps the name it was asked by.
  const mirrors = client instanceof RegistryClient ? client.mirrors : resolveMirrors(client.mirrors);
  const mirror = parsed.kind === 'registry' ? findMirror(mirrors, parsed) : undefined;
  const location = mirror !== undefined && parsed.kind === 'registry' ? mirroredLocation(mirror, parsed) : undefined;
  const layoutDirectory = parsed.kind === 'oci-layout' ? parsed.path : location?.kind === 'oci-layout' ? location.directory : undefined;
  if (layoutDirectory !== undefined) {
    // The layout obeys the same content caps as the registry client.
    const limits = client.limits;
    const concurrency = client instanceof RegistryClient ? undefined : client.referrerConcurrency;
    const repository = new OciLayoutRepository(layoutDirectory, {
      ...(limits === undefined ? {} : { limits }),
      ...(concurrency === undefined ? {} : { referrerConcurrency: concurrency }),
    });
    return { repository, reference: parsed, close: async () => undefined };
  }
  const served = location?.kind === 'registry' ? location.reference : parsed;
  if (served.kind !== 'registry') throw new TypeError('unreachable: layouts are opened above');
  if (client instanceof RegistryClient) {
    return { repository: client.repository(served), reference: parsed, close: async () => undefined };
  }
  const owned = new RegistryClient(client);
  return { repository: owned.repository(served), reference: parsed, close: () => owned.close() };
}
