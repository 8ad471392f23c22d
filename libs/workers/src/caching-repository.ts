/**
 * A Repository that reads through the shared cache (DESIGN.md "Caching"):
 * tag → digest and referrer lists for a short time (tags move, signatures get
 * added), manifests and blobs by digest for long (content-addressed, and
 * re-checked against their digest on every read, so a poisoned cache entry
 * is refused like a lying registry). Concurrent misses for one key share one
 * registry round-trip in this process and, through the store's lock, across
 * replicas.
 */
import type { CacheStore } from '@notary-gate/cache';
import { contentKey, descriptorKey, fillJson, referrersKey, setJson, tagKey } from '@notary-gate/cache';
import {
  isDigest,
  OciError,
  parseManifest,
  verifyDigest,
  type Descriptor,
  type FetchedManifest,
  type OciRepository,
  type ReferrerListing,
  type ReferrersOptions,
} from '@notary-gate/oci';

export interface CacheLifetimes {
  /** tag → digest (default 60 s). */
  tagTtlMs: number;
  /** referrer lists (default 60 s). */
  referrersTtlMs: number;
  /** manifests, envelopes, payloads by digest (default 24 h). */
  contentTtlMs: number;
}

export const DEFAULT_LIFETIMES: CacheLifetimes = { tagTtlMs: 60_000, referrersTtlMs: 60_000, contentTtlMs: 24 * 3600_000 };

export class CachingRepository implements OciRepository {
  readonly kind: OciRepository['kind'];
  readonly name: string;

  constructor(
    private readonly inner: OciRepository,
    private readonly registry: string,
    private readonly path: string,
    private readonly store: CacheStore,
    private readonly lifetimes: CacheLifetimes = DEFAULT_LIFETIMES,
    /** Keyed hash of the credential identity this repository reads with; scopes tag and referrer keys. */
    private readonly scope?: string,
  ) {
    this.kind = inner.kind;
    this.name = inner.name;
  }

  async resolve(tagOrDigest: string): Promise<Descriptor> {
    // A digest's descriptor never changes (content-addressed); a tag's does (short-lived).
    const [key, ttl] = isDigest(tagOrDigest)
      ? [descriptorKey(tagOrDigest), this.lifetimes.contentTtlMs]
      : [tagKey(this.registry, this.path, tagOrDigest, this.scope), this.lifetimes.tagTtlMs];
    const descriptor = await fillJson<CachedDescriptor>(this.store, key, ttl, async () => {
      const resolved = plain(await this.inner.resolve(tagOrDigest));
      // A tag's answer also tells what its digest resolves to (content-addressed): verifying it next needs no second HEAD.
      if (!isDigest(tagOrDigest)) await setJson(this.store, descriptorKey(resolved.digest), resolved, this.lifetimes.contentTtlMs);
      return { value: resolved };
    });
    if (!descriptor || (isDigest(tagOrDigest) && descriptor.digest !== tagOrDigest)) {
      throw new OciError('ERR_DIGEST_MISMATCH', `cached descriptor of ${this.name}@${tagOrDigest} does not match its digest`, { registry: this.registry });
    }
    return descriptor;
  }

  async fetchManifest(target: string | Descriptor): Promise<FetchedManifest> {
    const digest = typeof target === 'string' ? (isDigest(target) ? target : (await this.resolve(target)).digest) : target.digest;
    const fetch = async (): Promise<Buffer> => (await this.inner.fetchManifest(typeof target === 'string' ? digest : target)).bytes;
    const bytes = await this.checkedContent(digest, 'cached manifest', fetch);
    const manifest = parseManifest(bytes, `manifest ${this.name}@${digest}`, { registry: this.registry, reference: `${this.name}@${digest}` });
    // The media type is the registry's Content-Type (kept with the descriptor), not the manifest's optional field.
    const mediaType = typeof target === 'string' ? (await this.resolve(digest)).mediaType : target.mediaType;
    return { descriptor: { mediaType, digest, size: bytes.length }, bytes, manifest };
  }

  async fetchBlob(descriptor: Descriptor, maxBytes: number): Promise<Buffer> {
    if (descriptor.size > maxBytes) {
      // Let the registry client produce its precise "too large" error.
      return this.inner.fetchBlob(descriptor, maxBytes);
    }
    return this.checkedContent(descriptor.digest, 'cached blob', () => this.inner.fetchBlob(descriptor, maxBytes));
  }

  /**
   * Content by digest through the cache, checked against its digest on every
   * read: bytes that do not match (a poisoned entry) are evicted and fetched
   * again from the registry, whose answer is checked the same way.
   */
  private async checkedContent(digest: string, what: string, fetch: () => Promise<Buffer>): Promise<Buffer> {
    const key = contentKey(digest);
    const bytes = await this.store.fill(key, this.lifetimes.contentTtlMs, async () => ({ value: await fetch() }));
    if (bytes === null) throw new TypeError('the cache store returned nothing for a producing fill');
    try {
      verifyDigest(bytes, digest, { what, registry: this.registry });
      return bytes;
    } catch {
      await this.store.delete(key);
      const fresh = await fetch();
      verifyDigest(fresh, digest, { what: what.replace(/^cached /, ''), registry: this.registry });
      await this.store.set(key, fresh, this.lifetimes.contentTtlMs);
      return fresh;
    }
  }

  async referrers(subjectDigest: string, options: ReferrersOptions = {}): Promise<Descriptor[]> {
    const key = referrersKey(this.registry, this.path, subjectDigest, options.artifactType, this.scope);
    const list = () =>
      fillJson<CachedDescriptor[]>(this.store, key, this.lifetimes.referrersTtlMs, async () => {
        const listing = await this.inner.fetchReferrers(subjectDigest, options);
        // The listing already fetched and checked each referrer manifest: keep the bytes, so verifying fetches none twice.
        await Promise.all(listing.referrers.map((referrer) => this.store.set(contentKey(referrer.descriptor.digest), referrer.manifest.bytes, this.lifetimes.contentTtlMs)));
        return { value: listing.referrers.map((referrer) => plain(referrer.descriptor)) };
      });
    const listed = (await list())!;
    // Re-checked on use, whatever the cache says: each referrer's manifest names this subject (and this artifactType).
    // A list that does not (copied from another image's key) is evicted and listed again from the registry.
    if (await this.allReferTo(listed, subjectDigest)) return listed;
    await this.store.delete(key);
    const relisted = (await list())!;
    if (await this.allReferTo(relisted, subjectDigest)) return relisted;
    throw new OciError('ERR_SUBJECT_MISMATCH', `referrers of ${this.name}@${subjectDigest} name another subject`, { registry: this.registry });
  }

  private async allReferTo(descriptors: readonly CachedDescriptor[], subjectDigest: string): Promise<boolean> {
    const manifests = await Promise.all(descriptors.map((descriptor) => this.fetchManifest(descriptor)));
    return manifests.every(({ manifest }) => manifest.subject?.digest === subjectDigest);
  }

  async fetchReferrers(subjectDigest: string, options: ReferrersOptions = {}): Promise<ReferrerListing> {
    const descriptors = await this.referrers(subjectDigest, options);
    const referrers = await Promise.all(descriptors.map(async (descriptor) => ({ descriptor, manifest: await this.fetchManifest(descriptor) })));
    return { referrers, skipped: [] };
  }

  pushBlob(bytes: Buffer, mediaType: string): Promise<Descriptor> {
    return this.inner.pushBlob(bytes, mediaType);
  }

  pushManifest(bytes: Buffer, mediaType: string, tag?: string): Promise<Descriptor> {
    return this.inner.pushManifest(bytes, mediaType, tag);
  }
}

/** What the JSON caches keep of a descriptor. */
interface CachedDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

function plain(descriptor: Descriptor): CachedDescriptor {
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(descriptor.artifactType !== undefined ? { artifactType: descriptor.artifactType } : {}),
    ...(descriptor.annotations !== undefined ? { annotations: descriptor.annotations } : {}),
  };
}
