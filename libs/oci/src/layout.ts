/**
 * An OCI image-layout directory (image-spec image-layout.md: `oci-layout`,
 * `index.json`, `blobs/<alg>/<hex>`) behind the Repository port, read and
 * write, compatible with the layouts notation / oras write:
 * - tags are `org.opencontainers.image.ref.name` annotations in index.json;
 * - referrers are found by walking every manifest reachable from index.json
 *   and keeping those whose `subject` is the subject (oras oci.Store
 *   `Predecessors`), which covers the `sha256-<hex>` tag index too;
 * - pushing a manifest with `subject` also maintains that tag index.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { KeyedMutex } from './concurrency';
import { parseDigest, referrersTag, sha256Digest, verifyDigest } from './digest';
import { OciError } from './errors';
import { resolveLimits } from './limits';
import { checkDescriptor, embeddedContent, isImageIndex, isManifestMediaType, manifestToPush, parseManifest } from './manifest';
import { isValidTag } from './reference';
import { addToReferrersIndex, fallbackIndexEntry, selectCandidates, verifyCandidates, type CandidateContext } from './referrers';
import type { OciRepository, ReferrerListing, ReferrersOptions } from './repository';
import { MediaTypes, type ContentLimits, type Descriptor, type FetchedManifest, type ImageIndex, type ImageManifest } from './types';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
const LAYOUT_FILE = 'oci-layout';
const INDEX_FILE = 'index.json';
const LAYOUT_VERSION = '1.0.0';
/** index.json lists every tag of the layout: allow it more room than one manifest. */
const MIN_INDEX_BYTES = 16 * 1024 * 1024;
/** Manifests visited when scanning for referrers, against pathological layouts. */
const MAX_SCANNED_MANIFESTS = 10_000;

export interface OciLayoutOptions {
  limits?: Partial<ContentLimits>;
  /** Parallel manifest reads when checking referrers. Default 8. */
  referrerConcurrency?: number;
}

/** Writers of one directory in this process take turns (index.json is read-modify-write). */
const directoryLocks = new KeyedMutex();

export class OciLayoutRepository implements OciRepository {
  readonly kind = 'oci-layout' as const;
  /** The directory as given, used in messages. */
  readonly name: string;
  readonly limits: ContentLimits;
  private readonly root: string;
  private readonly referrerConcurrency: number;

  constructor(directory: string, options: OciLayoutOptions = {}) {
    if (directory === '') throw new TypeError('OCI layout directory must not be empty');
    this.name = directory;
    this.root = resolvePath(directory);
    this.limits = resolveLimits(options.limits);
    this.referrerConcurrency = options.referrerConcurrency ?? 8;
  }

  async resolve(tagOrDigest: string): Promise<Descriptor> {
    const index = await this.readIndex();
    if (tagOrDigest.includes(':')) {
      this.checkDigest(tagOrDigest);
      const listed = await this.findInGraph(index, tagOrDigest);
      if (listed !== undefined) return { mediaType: listed.mediaType, digest: listed.digest, size: listed.size };
      // Not reachable from index.json but stored: describe it from its own content.
      const fetched = await this.readManifest(tagOrDigest, undefined, undefined);
      return fetched.descriptor;
    }
    if (!isValidTag(tagOrDigest)) throw this.invalidReference(`${this.name}:${tagOrDigest}`, 'tag must match [\\w][\\w.-]{0,127}');
    const tagged = findTagged(index, tagOrDigest);
    if (tagged === undefined) {
      throw new OciError('ERR_NOT_FOUND', `resolve ${this.display(tagOrDigest)}: tag not found in OCI layout`, this.details(tagOrDigest));
    }
    return { mediaType: tagged.mediaType, digest: tagged.digest, size: tagged.size };
  }

  async fetchManifest(target: string | Descriptor): Promise<FetchedManifest> {
    if (typeof target === 'string') {
      const descriptor = await this.resolve(target);
      return this.readManifest(descriptor.digest, descriptor.size, descriptor.mediaType);
    }
    checkDescriptor(target, 'descriptor', (reason) => new TypeError(reason));
    return this.readManifest(target.digest, target.size, target.mediaType);
  }

  async fetchBlob(descriptor: Descriptor, maxBytes: number): Promise<Buffer> {
    checkDescriptor(descriptor, 'descriptor', (reason) => new TypeError(reason));
    const what = `blob ${this.display(descriptor.digest)}`;
    if (descriptor.size > maxBytes) throw this.tooLarge(what, descriptor.digest, descriptor.size, maxBytes);
    const embedded = embeddedContent(descriptor, what, this.name, (actual) => this.sizeMismatch(what, descriptor.digest, descriptor.size, actual));
    if (embedded !== undefined) return embedded;
    return this.readBlobFile(descriptor.digest, what, maxBytes, descriptor.size);
  }

  async referrers(subjectDigest: string, options: ReferrersOptions = {}): Promise<Descriptor[]> {
    return (await this.fetchReferrers(subjectDigest, options)).referrers.map((referrer) => referrer.descriptor);
  }

  async fetchReferrers(subjectDigest: string, options: ReferrersOptions = {}): Promise<ReferrerListing> {
    this.checkDigest(subjectDigest);
    const index = await this.readIndex();
    const scanned = await this.scanManifests(index);
    const listed: Descriptor[] = [];
    for (const { descriptor, fetched } of scanned.values()) {
      if (fetched.manifest.subject?.digest === subjectDigest) listed.push(descriptor);
    }
    const context: CandidateContext = {
      repositoryName: this.name,
      registry: this.name,
      subjectDigest,
      maxReferrers: this.limits.maxReferrers,
      ...(options.artifactType === undefined ? {} : { artifactType: options.artifactType }),
    };
    const candidates = selectCandidates(listed, context);
    return verifyCandidates(candidates, context, this.referrerConcurrency, async (descriptor) => {
      const known = scanned.get(descriptor.digest);
      return known !== undefined ? known.fetched : this.fetchManifest(descriptor);
    });
  }

  async pushBlob(bytes: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = sha256Digest(bytes);
    await this.ensureLayout();
    await this.writeBlob(digest, bytes);
    return { mediaType, digest, size: bytes.length };
  }

  async pushManifest(bytes: Buffer, mediaType: string, tag?: string): Promise<Descriptor> {
    const { manifest, descriptor } = manifestToPush(bytes, mediaType, tag, this.limits.maxManifestBytes, (digest, size, max) =>
      this.tooLarge(`manifest ${this.display(digest)}`, digest, size, max),
    );
    await this.ensureLayout();
    await this.writeBlob(descriptor.digest, bytes);
    await directoryLocks.run(this.root, async () => {
      let index = await this.readIndex();
      index = tag === undefined ? withEntry(index, descriptor) : withTag(index, descriptor, tag);
      if (manifest.subject !== undefined) index = await this.withReferrer(index, manifest.subject.digest, fallbackIndexEntry(descriptor, manifest));
      await this.writeIndex(index);
    });
    return descriptor;
  }

  /** Adds the referrer to the subject's `sha256-<hex>` index, as notation's layouts carry one. */
  private async withReferrer(index: ImageIndex, subjectDigest: string, entry: Descriptor): Promise<ImageIndex> {
    const tag = referrersTag(subjectDigest);
    const tagged = findTagged(index, tag);
    let current: ImageIndex | undefined;
    if (tagged !== undefined) {
      const fetched = await this.readManifest(tagged.digest, tagged.size, tagged.mediaType);
      if (!isImageIndex(fetched.manifest)) throw this.layoutInvalid(`referrers tag ${tag} is not an image index`);
      current = fetched.manifest;
    }
    const { index: updated, changed } = addToReferrersIndex(current, entry);
    if (!changed) return index;
    const bytes = Buffer.from(JSON.stringify(updated));
    const digest = sha256Digest(bytes);
    await this.writeBlob(digest, bytes);
    const next = withTag(index, { mediaType: MediaTypes.ociIndex, digest, size: bytes.length }, tag, false);
    if (tagged !== undefined && tagged.digest !== digest && !next.manifests.some((d) => d.digest === tagged.digest)) {
      // The replaced index is garbage now (oras deletes it too, unless SkipReferrersGC).
      await rm(this.blobPath(tagged.digest), { force: true });
    }
    return next;
  }

  /** Every manifest reachable from index.json (indexes are descended), read and digest-checked once. */
  private async scanManifests(index: ImageIndex): Promise<Map<string, { descriptor: Descriptor; fetched: FetchedManifest }>> {
    const found = new Map<string, { descriptor: Descriptor; fetched: FetchedManifest }>();
    const queue: Descriptor[] = [...index.manifests];
    const visited = new Set<string>();
    while (queue.length > 0) {
      const descriptor = queue.shift()!;
      if (visited.has(descriptor.digest) || !isManifestMediaType(descriptor.mediaType)) continue;
      visited.add(descriptor.digest);
      if (visited.size > MAX_SCANNED_MANIFESTS) throw this.layoutInvalid(`more than ${MAX_SCANNED_MANIFESTS} manifests reachable from index.json`);
      let fetched: FetchedManifest;
      try {
        fetched = await this.readManifest(descriptor.digest, descriptor.size, descriptor.mediaType);
      } catch (error) {
        // Layouts legitimately omit content (e.g. other platforms); corrupt content is no referrer either.
        if (error instanceof OciError && !error.inconclusive) continue;
        throw error;
      }
      found.set(descriptor.digest, { descriptor, fetched });
      if (isImageIndex(fetched.manifest)) queue.push(...fetched.manifest.manifests);
    }
    return found;
  }

  private async findInGraph(index: ImageIndex, digest: string): Promise<Descriptor | undefined> {
    const direct = index.manifests.find((d) => d.digest === digest);
    if (direct !== undefined) return direct;
    const scanned = await this.scanManifests(index);
    for (const { fetched } of scanned.values()) {
      if (isImageIndex(fetched.manifest)) {
        const child = fetched.manifest.manifests.find((d) => d.digest === digest);
        if (child !== undefined) return child;
      }
    }
    return undefined;
  }

  private async readManifest(digest: string, size: number | undefined, mediaType: string | undefined): Promise<FetchedManifest> {
    const what = `manifest ${this.display(digest)}`;
    const bytes = await this.readBlobFile(digest, what, this.limits.maxManifestBytes, size);
    const manifest = parseManifest(bytes, what, this.details(digest));
    const type = manifest.mediaType ?? mediaType ?? (isImageIndex(manifest) ? MediaTypes.ociIndex : MediaTypes.ociManifest);
    return { descriptor: { mediaType: type, digest, size: bytes.length }, bytes, manifest };
  }

  private async readBlobFile(digest: string, what: string, max: number, expectedSize: number | undefined): Promise<Buffer> {
    const path = this.blobPath(digest);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new OciError('ERR_NOT_FOUND', `read ${what}: blob not found in OCI layout`, this.details(digest));
      }
      throw this.layoutInvalid(`cannot read ${what}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (expectedSize !== undefined && size !== expectedSize) throw this.sizeMismatch(what, digest, expectedSize, size);
    if (size > max) throw this.tooLarge(what, digest, size, max);
    const bytes = await readFile(path);
    verifyDigest(bytes, digest, { what: `read ${what}`, registry: this.name });
    return bytes;
  }

  private async readIndex(): Promise<ImageIndex> {
    let layout: string;
    try {
      layout = await readFile(join(this.root, LAYOUT_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new OciError('ERR_NOT_FOUND', `${this.name} is not an OCI image layout (no ${LAYOUT_FILE} file)`, { registry: this.name });
      }
      throw this.layoutInvalid(`cannot read ${LAYOUT_FILE}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      const version = (JSON.parse(layout) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
      if (typeof version !== 'string') throw new Error('no imageLayoutVersion');
    } catch {
      throw this.layoutInvalid(`${LAYOUT_FILE} has no imageLayoutVersion`);
    }
    let text: Buffer;
    try {
      const path = join(this.root, INDEX_FILE);
      const size = (await stat(path)).size;
      const max = Math.max(MIN_INDEX_BYTES, this.limits.maxManifestBytes);
      if (size > max) throw this.layoutInvalid(`${INDEX_FILE} is larger than ${max} bytes`);
      text = await readFile(path);
    } catch (error) {
      if (error instanceof OciError) throw error;
      throw this.layoutInvalid(`cannot read ${INDEX_FILE}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    let index: ImageManifest | ImageIndex;
    try {
      index = parseManifest(text, `${this.name}/${INDEX_FILE}`);
    } catch (error) {
      throw this.layoutInvalid((error as Error).message);
    }
    if (!isImageIndex(index)) throw this.layoutInvalid(`${INDEX_FILE} is not an image index`);
    return index;
  }

  /** Creates the directory, `oci-layout` and an empty `index.json` when missing. */
  private async ensureLayout(): Promise<void> {
    await mkdir(join(this.root, 'blobs'), { recursive: true });
    await writeIfAbsent(join(this.root, LAYOUT_FILE), Buffer.from(JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION })));
    await writeIfAbsent(join(this.root, INDEX_FILE), Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] })));
  }

  private async writeBlob(digest: string, bytes: Buffer): Promise<void> {
    const path = this.blobPath(digest);
    await mkdir(join(path, '..'), { recursive: true });
    await atomicWrite(path, bytes);
  }

  private async writeIndex(index: ImageIndex): Promise<void> {
    await atomicWrite(join(this.root, INDEX_FILE), Buffer.from(JSON.stringify(index)));
  }

  private blobPath(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return join(this.root, 'blobs', algorithm, hex);
  }

  private checkDigest(digest: string): void {
    try {
      parseDigest(digest);
    } catch (error) {
      throw this.invalidReference(`${this.name}@${digest}`, (error as Error).message);
    }
  }

  private display(reference: string): string {
    return reference.includes(':') ? `${this.name}@${reference}` : `${this.name}:${reference}`;
  }

  private details(reference: string): { registry: string; reference: string } {
    return { registry: this.name, reference: this.display(reference) };
  }

  private invalidReference(reference: string, reason: string): OciError {
    return new OciError('ERR_INVALID_REFERENCE', `invalid reference ${JSON.stringify(reference)}: ${reason}`, { registry: this.name, reference });
  }

  private layoutInvalid(reason: string): OciError {
    return new OciError('ERR_LAYOUT_INVALID', `OCI layout ${this.name}: ${reason}`, { registry: this.name });
  }

  private sizeMismatch(what: string, digest: string, expected: number, actual: number): OciError {
    return new OciError('ERR_SIZE_MISMATCH', `read ${what}: descriptor size is ${expected} bytes but the blob has ${actual}`, this.details(digest));
  }

  private tooLarge(what: string, digest: string, size: number, max: number): OciError {
    return new OciError('ERR_TOO_LARGE', `read ${what}: ${size} bytes exceeds the limit of ${max} bytes`, this.details(digest));
  }
}

function findTagged(index: ImageIndex, tag: string): Descriptor | undefined {
  // Last one wins, as when oras rebuilds its tag map from index.json.
  return [...index.manifests].reverse().find((d) => d.annotations?.[REF_NAME_ANNOTATION] === tag);
}

/** index.json with an untagged entry for `descriptor` unless the digest is already listed. */
function withEntry(index: ImageIndex, descriptor: Descriptor): ImageIndex {
  if (index.manifests.some((d) => d.digest === descriptor.digest)) return index;
  return { ...index, manifests: [...index.manifests, descriptor] };
}

/**
 * index.json with `tag` moved to `descriptor`. The manifest that carried the
 * tag stays listed, untagged, when `keepPrevious` and nothing else lists it.
 */
function withTag(index: ImageIndex, descriptor: Descriptor, tag: string, keepPrevious = true): ImageIndex {
  const manifests: Descriptor[] = [];
  for (const entry of index.manifests) {
    if (entry.annotations?.[REF_NAME_ANNOTATION] !== tag) {
      manifests.push(entry);
      continue;
    }
    const listedElsewhere = entry.digest === descriptor.digest || index.manifests.some((other) => other !== entry && other.digest === entry.digest);
    if (keepPrevious && !listedElsewhere) manifests.push(withoutRefName(entry));
  }
  manifests.push({ ...descriptor, annotations: { [REF_NAME_ANNOTATION]: tag } });
  return { ...index, manifests };
}

function withoutRefName(entry: Descriptor): Descriptor {
  const annotations = Object.fromEntries(Object.entries(entry.annotations ?? {}).filter(([key]) => key !== REF_NAME_ANNOTATION));
  const { annotations: _previous, ...bare } = entry;
  return Object.keys(annotations).length === 0 ? bare : { ...bare, annotations };
}

async function atomicWrite(path: string, bytes: Buffer): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

async function writeIfAbsent(path: string, bytes: Buffer): Promise<void> {
  try {
    await writeFile(path, bytes, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

