/**
 * How workers reach registries: one shared RegistryClient (keep-alive pool,
 * token and capability caches) and repositories opened by name.
 */
import { openRepository, parseReference, RegistryClient, type ImageReference, type OciRepository, type RegistryClientOptions } from '@notary-gate/oci';

export class RegistryAccess {
  readonly client: RegistryClient;
  private readonly repositories = new Map<string, OciRepository>();

  constructor(client: RegistryClient | RegistryClientOptions = {}) {
    this.client = client instanceof RegistryClient ? client : new RegistryClient(client);
  }

  /** The repository of an image reference (`registry/repo[:tag|@digest]`), reused across jobs. */
  open(image: string | ImageReference): { repository: OciRepository; reference: ImageReference } {
    const reference = typeof image === 'string' ? parseReference(image) : image;
    const key = `${reference.registry}/${reference.repository}`;
    let repository = this.repositories.get(key);
    if (!repository) {
      repository = openRepository(reference, this.client).repository;
      this.repositories.set(key, repository);
    }
    return { repository, reference };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
