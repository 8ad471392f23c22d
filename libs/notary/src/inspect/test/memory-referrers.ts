/**
 * Test support: a Repository whose only capability is `referrers`, answered
 * from a table (subject digest → referrer descriptors). It records every call
 * and how many were in flight at once, so tests can check that the graph is
 * fetched level by level in parallel and that a digest is fetched once.
 */
import type { Descriptor, Repository } from '@notary-gate/oci';

export interface ReferrersCall {
  digest: string;
  artifactType?: string;
}

export class TableReferrers implements Repository {
  readonly calls: ReferrersCall[] = [];
  maxInFlight = 0;
  private inFlight = 0;

  constructor(
    readonly name: string,
    private readonly table: Record<string, Descriptor[]>,
  ) {}

  async referrers(subjectDigest: string, options: { artifactType?: string } = {}): Promise<Descriptor[]> {
    this.calls.push({ digest: subjectDigest, ...options });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight--;
    const all = this.table[subjectDigest] ?? [];
    return options.artifactType === undefined ? all : all.filter((d) => d.artifactType === options.artifactType);
  }

  resolve(): Promise<Descriptor> {
    throw new TypeError('not used by discover');
  }
  fetchManifest(): never {
    throw new TypeError('not used by discover');
  }
  fetchBlob(): never {
    throw new TypeError('not used by discover');
  }
  pushBlob(): never {
    throw new TypeError('not used by discover');
  }
  pushManifest(): never {
    throw new TypeError('not used by discover');
  }
}

/** An image-manifest descriptor of `artifactType` with a recognisable fake digest. */
export function referrer(digest: string, artifactType: string, annotations?: Record<string, string>): Descriptor {
  return {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest,
    size: 700,
    artifactType,
    ...(annotations ? { annotations } : {}),
  };
}
