/**
 * A repository in a registry, implementing the Repository port over the OCI
 * distribution API. Every byte read is hashed and checked against the digest
 * asked for, and capped while streaming.
 */
import { computeDigest, isDigest, parseDigest, referrersTag, sha256Digest, verifyDigest } from './digest';
import { OciError, isOciError } from './errors';
import { abandonBody, discardBody, readCapped } from './http/body';
import { nextLink } from './http/link';
import type { ExchangeContext, RegistryTransport } from './http/registry-transport';
import { contentLength, contentType, headerValue, readErrorSummary, unexpectedStatus, type HttpResponse } from './http/response';
import { KeyedMutex } from './concurrency';
import { MANIFEST_MEDIA_TYPES, checkDescriptor, embeddedContent, isImageIndex, isManifestMediaType, manifestToPush, parseManifest } from './manifest';
import { isValidTag, type ImageReference } from './reference';
import { addToReferrersIndex, fallbackIndexEntry, selectCandidates, tooManyReferrers, verifyCandidates, type CandidateContext } from './referrers';
import type { OciRepository, ReferrerListing, ReferrersOptions } from './repository';
import { MediaTypes, type ContentLimits, type Descriptor, type FetchedManifest, type ImageIndex, type ImageManifest } from './types';

export type ReferrersCapability = 'supported' | 'unsupported';

/** State shared by all repositories of one client. */
export interface RepositoryContext {
  transport: RegistryTransport;
  limits: ContentLimits;
  /** Parallel manifest fetches when checking referrer candidates. */
  referrerConcurrency: number;
  /** Referrers API support, cached per repository name (oras caches it per repository too). */
  capabilities: Map<string, ReferrersCapability>;
  /** Serialises updates of one fallback referrers index. */
  indexLocks: KeyedMutex;
  onWarning: (message: string) => void;
  /** Told as a blob upload goes (bytes handed to the connection so far, of the total). */
  onUploadProgress?: (event: UploadProgress) => void;
}

/** How far one blob upload is. */
export interface UploadProgress {
  digest: string;
  sent: number;
  total: number;
}

/** Blobs from this size on are uploaded in chunks with progress reports; smaller ones go in one piece. */
const PROGRESS_THRESHOLD = 1024 * 1024;
const UPLOAD_CHUNK = 256 * 1024;

/** `bytes` as chunks, afresh on every iteration (a retried PUT sends it again from the start), reporting progress. */
function uploadChunks(bytes: Buffer, digest: string, report: (event: UploadProgress) => void): AsyncIterable<Buffer> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let sent = 0; sent < bytes.length; ) {
        const chunk = bytes.subarray(sent, sent + UPLOAD_CHUNK);
        yield chunk;
        sent += chunk.length;
        report({ digest, sent, total: bytes.length });
      }
    },
  };
}

const ACCEPT_MANIFESTS = MANIFEST_MEDIA_TYPES.join(', ');
/** Upper bound on referrers API pages, against a server that pages forever. */
const MIN_PAGE_BUDGET = 10;

export class RegistryRepository implements OciRepository {
  readonly kind = 'registry' as const;
  /** `registry/repository`, e.g. `localhost:5000/app`. */
  readonly name: string;
  readonly registry: string;
  readonly repository: string;
  private readonly host: string;
  private readonly shared: RepositoryContext;

  constructor(reference: ImageReference, shared: RepositoryContext) {
    this.name = reference.name;
    this.registry = reference.registry;
    this.repository = reference.repository;
    this.host = reference.endpoint;
    this.shared = shared;
  }

  async resolve(tagOrDigest: string): Promise<Descriptor> {
    const target = this.checkTarget(tagOrDigest);
    const context = this.context(`resolve ${this.display(target)}`, target);
    const headed = await this.shared.transport.exchange(
      context,
      { method: 'HEAD', url: this.url(`/manifests/${target}`), headers: { accept: ACCEPT_MANIFESTS } },
      async (response): Promise<Descriptor | undefined> => {
        await discardBody(response.body);
        if (response.status === 405) return undefined; // HEAD not allowed: GET and hash instead
        if (response.status !== 200) throw await unexpectedStatus(response, context);
        const digest = headerValue(response, 'docker-content-digest');
        const size = contentLength(response);
        const mediaType = contentType(response);
        if (digest === undefined || size === undefined || !isManifestMediaType(mediaType)) return undefined;
        if (!isDigest(digest)) return undefined;
        if (target.includes(':') && digest !== target) {
          throw new OciError('ERR_DIGEST_MISMATCH', `${context.action}: registry reports digest ${digest} for ${target}`, this.details(target));
        }
        return { mediaType: mediaType!, digest, size };
      },
    );
    if (headed !== undefined) return headed;
    return (await this.fetchManifest(target)).descriptor;
  }

  async fetchManifest(target: string | Descriptor): Promise<FetchedManifest> {
    const descriptor = typeof target === 'string' ? undefined : checkDescriptor(target, 'descriptor', (reason) => new TypeError(reason));
    const reference = descriptor?.digest ?? this.checkTarget(target as string);
    const byDigest = reference.includes(':');
    const max = this.shared.limits.maxManifestBytes;
    const what = `manifest ${this.display(reference)}`;
    if (descriptor !== undefined && descriptor.size > max) throw this.tooLarge(what, reference, descriptor.size, max);
    const context = this.context(`fetch ${what}`, reference);
    return this.shared.transport.exchange(
      context,
      { method: 'GET', url: this.url(`/manifests/${reference}`), headers: { accept: ACCEPT_MANIFESTS } },
      async (response) => {
        if (response.status !== 200) throw await unexpectedStatus(response, context);
        const bytes = await this.readBody(response, what, reference, max, descriptor?.size);
        let digest: string;
        if (byDigest) {
          verifyDigest(bytes, reference, { what: `fetch ${what}`, registry: this.registry });
          digest = reference;
        } else {
          // By tag there is nothing to compare with but the header: it must agree with the bytes.
          const claimed = headerValue(response, 'docker-content-digest');
          if (claimed !== undefined && isDigest(claimed)) {
            verifyDigest(bytes, claimed, { what: `fetch ${what}`, registry: this.registry });
            digest = claimed;
          } else {
            digest = sha256Digest(bytes);
          }
        }
        const manifest = parseManifest(bytes, `${what}`, this.details(reference));
        const mediaType = manifestMediaType(manifest, contentType(response), descriptor?.mediaType);
        return { descriptor: { mediaType, digest, size: bytes.length }, bytes, manifest };
      },
    );
  }

  async fetchBlob(descriptor: Descriptor, maxBytes: number): Promise<Buffer> {
    checkDescriptor(descriptor, 'descriptor', (reason) => new TypeError(reason));
    const what = `blob ${this.display(descriptor.digest)}`;
    if (descriptor.size > maxBytes) throw this.tooLarge(what, descriptor.digest, descriptor.size, maxBytes);
    const embedded = embeddedContent(descriptor, what, this.registry, (actual) => this.sizeMismatch(what, descriptor.digest, descriptor.size, `${actual} bytes`));
    if (embedded !== undefined) return embedded;
    const context = this.context(`fetch ${what}`, descriptor.digest);
    return this.shared.transport.exchange(context, { method: 'GET', url: this.url(`/blobs/${descriptor.digest}`) }, async (response) => {
      if (response.status !== 200) throw await unexpectedStatus(response, context);
      const bytes = await this.readBody(response, what, descriptor.digest, maxBytes, descriptor.size);
      verifyDigest(bytes, descriptor.digest, { what: `fetch ${what}`, registry: this.registry });
      return bytes;
    });
  }

  async referrers(subjectDigest: string, options: ReferrersOptions = {}): Promise<Descriptor[]> {
    return (await this.fetchReferrers(subjectDigest, options)).referrers.map((referrer) => referrer.descriptor);
  }

  async fetchReferrers(subjectDigest: string, options: ReferrersOptions = {}): Promise<ReferrerListing> {
    parseDigest(subjectDigest);
    const candidateContext: CandidateContext = {
      repositoryName: this.name,
      registry: this.registry,
      subjectDigest,
      maxReferrers: this.shared.limits.maxReferrers,
      ...(options.artifactType === undefined ? {} : { artifactType: options.artifactType }),
    };
    let listed: Descriptor[] | undefined;
    if (this.shared.capabilities.get(this.name) !== 'unsupported') {
      listed = await this.referrersByApi(subjectDigest, candidateContext);
      this.shared.capabilities.set(this.name, listed === undefined ? 'unsupported' : 'supported');
    }
    listed ??= await this.referrersByTagSchema(subjectDigest);
    const candidates = selectCandidates(listed, candidateContext);
    return verifyCandidates(candidates, candidateContext, this.shared.referrerConcurrency, (descriptor) => this.fetchManifest(descriptor));
  }

  async pushBlob(bytes: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = sha256Digest(bytes);
    const descriptor: Descriptor = { mediaType, digest, size: bytes.length };
    const what = `blob ${this.display(digest)}`;
    const existsContext = this.context(`check ${what}`, digest, true);
    const exists = await this.shared.transport.exchange(existsContext, { method: 'HEAD', url: this.url(`/blobs/${digest}`) }, async (response) => {
      await discardBody(response.body);
      if (response.status === 200) return true;
      if (response.status === 404) return false;
      throw await unexpectedStatus(response, existsContext);
    });
    if (exists) return descriptor;

    const startContext = this.context(`start upload of ${what}`, digest, true);
    const location = await this.shared.transport.exchange(startContext, { method: 'POST', url: this.url('/blobs/uploads/') }, async (response) => {
      if (response.status !== 202) throw await unexpectedStatus(response, startContext);
      await discardBody(response.body);
      const header = headerValue(response, 'location');
      if (header === undefined) throw new OciError('ERR_BAD_RESPONSE', `${startContext.action}: upload response has no Location header`, this.details(digest));
      return this.shared.transport.followUrl(header, response.url, startContext);
    });
    location.searchParams.set('digest', digest);
    const putContext = this.context(`upload ${what}`, digest, true);
    await this.shared.transport.exchange(
      putContext,
      {
        method: 'PUT',
        url: location,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
        body: this.shared.onUploadProgress !== undefined && bytes.length >= PROGRESS_THRESHOLD ? uploadChunks(bytes, digest, this.shared.onUploadProgress) : bytes,
      },
      async (response) => {
        if (response.status !== 201) throw await unexpectedStatus(response, putContext);
        await discardBody(response.body);
      },
    );
    return descriptor;
  }

  async pushManifest(bytes: Buffer, mediaType: string, tag?: string): Promise<Descriptor> {
    const { manifest, descriptor } = manifestToPush(bytes, mediaType, tag, this.shared.limits.maxManifestBytes, (digest, size, max) =>
      this.tooLarge(`manifest ${this.display(digest)}`, digest, size, max),
    );
    const indexedBySubject = await this.putManifest(bytes, mediaType, descriptor.digest);
    if (tag !== undefined) await this.putManifest(bytes, mediaType, tag);
    // No OCI-Subject header: the registry did not index the referrer, keep the tag-schema index (oras pushWithIndexing).
    if (manifest.subject !== undefined && !indexedBySubject) await this.indexReferrer(manifest.subject, fallbackIndexEntry(descriptor, manifest));
    return descriptor;
  }

  /** PUTs a manifest; true when the registry answered `OCI-Subject` (it indexes referrers itself). */
  private async putManifest(bytes: Buffer, mediaType: string, reference: string): Promise<boolean> {
    const context = this.context(`push manifest ${this.display(reference)}`, reference, true);
    return this.shared.transport.exchange(
      context,
      { method: 'PUT', url: this.url(`/manifests/${reference}`), headers: { 'content-type': mediaType }, body: bytes },
      async (response) => {
        if (response.status !== 201 && response.status !== 200) throw await unexpectedStatus(response, context);
        await discardBody(response.body);
        const returned = headerValue(response, 'docker-content-digest');
        if (returned !== undefined && isDigest(returned) && returned !== computeDigest(bytes, parseDigest(returned).algorithm)) {
          throw new OciError('ERR_DIGEST_MISMATCH', `${context.action}: registry stored digest ${returned}, not ${sha256Digest(bytes)}`, this.details(reference));
        }
        return headerValue(response, 'oci-subject') !== undefined;
      },
    );
  }

  /** Adds a referrer to the `sha256-<hex>` index of its subject, then deletes the replaced index. */
  private async indexReferrer(subject: Descriptor, entry: Descriptor): Promise<void> {
    const tag = referrersTag(subject.digest);
    await this.shared.indexLocks.run(`${this.name}@${subject.digest}`, async () => {
      let current: FetchedManifest | undefined;
      try {
        current = await this.fetchManifest(tag);
      } catch (error) {
        if (!isOciError(error, 'ERR_NOT_FOUND')) throw error;
      }
      if (current !== undefined && !isImageIndex(current.manifest)) {
        throw new OciError('ERR_BAD_RESPONSE', `referrers tag ${this.display(tag)} is not an image index`, this.details(tag));
      }
      const { index, changed } = addToReferrersIndex(current?.manifest as ImageIndex | undefined, entry);
      if (!changed) return;
      const bytes = Buffer.from(JSON.stringify(index));
      await this.putManifest(bytes, MediaTypes.ociIndex, tag);
      if (current !== undefined && current.descriptor.digest !== sha256Digest(bytes)) await this.deleteOutdatedIndex(current.descriptor.digest);
    });
  }

  private async deleteOutdatedIndex(digest: string): Promise<void> {
    const context = this.context(`delete outdated referrers index ${this.display(digest)}`, digest, true);
    try {
      await this.shared.transport.exchange(context, { method: 'DELETE', url: this.url(`/manifests/${digest}`) }, async (response) => {
        if (response.status !== 202 && response.status !== 200 && response.status !== 204) throw await unexpectedStatus(response, context);
        await discardBody(response.body);
      });
    } catch (error) {
      // notation: a failed removal is only a warning (the index is garbage, not wrong).
      this.shared.onWarning(
        `Warning: Removal of outdated referrers index ${this.display(digest)} from remote registry failed. Garbage collection may be required. (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }

  /** Referrers API (`GET /v2/<name>/referrers/<digest>`), following pagination; undefined when unsupported. */
  private async referrersByApi(subjectDigest: string, candidates: CandidateContext): Promise<Descriptor[] | undefined> {
    let url: URL | undefined = this.url(`/referrers/${subjectDigest}`);
    if (candidates.artifactType !== undefined) url.searchParams.set('artifactType', candidates.artifactType);
    const listed: Descriptor[] = [];
    const seen = new Set<string>();
    const pageBudget = Math.max(MIN_PAGE_BUDGET, candidates.maxReferrers);
    for (let page = 0; url !== undefined; page++) {
      if (page >= pageBudget) throw new OciError('ERR_BAD_RESPONSE', `list referrers of ${this.display(subjectDigest)}: more than ${pageBudget} pages`, this.details(subjectDigest));
      const pageUrl: URL = url;
      const context = this.context(`list referrers of ${this.display(subjectDigest)}`, subjectDigest);
      const result = await this.shared.transport.exchange(context, { method: 'GET', url: pageUrl, headers: { accept: MediaTypes.ociIndex } }, async (response) => {
        if (response.status === 404) {
          const { codes } = await readErrorSummary(response.body);
          if (codes.includes('NAME_UNKNOWN')) {
            throw new OciError('ERR_NOT_FOUND', `${context.action}: repository ${this.name} not found (NAME_UNKNOWN)`, { ...this.details(subjectDigest), status: 404 });
          }
          return undefined; // any other 404: the API does not exist here
        }
        if (response.status !== 200) throw await unexpectedStatus(response, context);
        if (contentType(response) !== MediaTypes.ociIndex) {
          await discardBody(response.body);
          return undefined; // 200 of another type: not the referrers API (e.g. a catch-all page)
        }
        const bytes = await this.readBody(response, `referrers of ${this.display(subjectDigest)}`, subjectDigest, this.shared.limits.maxManifestBytes);
        const index = parseManifest(bytes, `referrers index of ${this.display(subjectDigest)}`, this.details(subjectDigest));
        if (!isImageIndex(index)) throw new OciError('ERR_BAD_RESPONSE', `${context.action}: response is not an image index`, this.details(subjectDigest));
        const filtersApplied = (headerValue(response, 'oci-filters-applied') ?? index.annotations?.['org.opencontainers.referrers.filtersApplied'] ?? '')
          .split(',')
          .map((s) => s.trim())
          .includes('artifactType');
        return { index, filtersApplied, next: nextLink(headerValue(response, 'link')) };
      });
      if (result === undefined) {
        if (page === 0) return undefined;
        throw new OciError('ERR_BAD_RESPONSE', `list referrers of ${this.display(subjectDigest)}: page ${page + 1} is not a referrers index`, this.details(subjectDigest));
      }
      for (const descriptor of result.index.manifests) {
        // Filter ourselves unless the registry says it did (OCI-Filters-Applied).
        if (candidates.artifactType !== undefined && !result.filtersApplied && descriptor.artifactType !== candidates.artifactType) continue;
        if (seen.has(descriptor.digest)) continue;
        seen.add(descriptor.digest);
        listed.push(descriptor);
      }
      if (listed.length > candidates.maxReferrers) throw tooManyReferrers(candidates, listed.length);
      if (result.next === undefined) {
        url = undefined;
      } else {
        const next = this.shared.transport.followUrl(result.next, pageUrl, context);
        if (next.origin !== pageUrl.origin) {
          throw new OciError('ERR_BAD_RESPONSE', `${context.action}: pagination link leaves ${pageUrl.origin}`, this.details(subjectDigest));
        }
        url = next;
      }
    }
    return listed;
  }

  /** Referrers tag schema: the index tagged `sha256-<hex>`; a missing tag means no referrers. */
  private async referrersByTagSchema(subjectDigest: string): Promise<Descriptor[]> {
    const tag = referrersTag(subjectDigest);
    let fetched: FetchedManifest;
    try {
      fetched = await this.fetchManifest(tag);
    } catch (error) {
      if (isOciError(error, 'ERR_NOT_FOUND')) return [];
      throw error;
    }
    if (!isImageIndex(fetched.manifest)) {
      throw new OciError('ERR_BAD_RESPONSE', `referrers tag ${this.display(tag)} is not an image index`, this.details(tag));
    }
    return fetched.manifest.manifests;
  }

  /**
   * Reads a body under `max`; when the expected size is known, the
   * Content-Length and the bytes received must equal it.
   */
  private async readBody(response: HttpResponse, what: string, reference: string, max: number, expectedSize?: number): Promise<Buffer> {
    const length = contentLength(response);
    if (length !== undefined && expectedSize !== undefined && length !== expectedSize) {
      await discardBody(response.body);
      throw this.sizeMismatch(what, reference, expectedSize, `Content-Length ${length}`);
    }
    if (length !== undefined && length > max) {
      abandonBody(response.body);
      throw this.tooLarge(what, reference, length, max);
    }
    const cap = expectedSize === undefined ? max : Math.min(expectedSize, max);
    const bytes = await readCapped(response.body, cap, (received) =>
      expectedSize !== undefined && expectedSize <= max
        ? this.sizeMismatch(what, reference, expectedSize, `more than ${expectedSize} bytes`)
        : this.tooLarge(what, reference, received, max),
    );
    if (expectedSize !== undefined) this.checkSize(bytes.length, expectedSize, what, reference);
    return bytes;
  }

  private checkSize(actual: number, expected: number, what: string, reference: string): void {
    if (actual !== expected) throw this.sizeMismatch(what, reference, expected, `${actual} bytes`);
  }

  private sizeMismatch(what: string, reference: string, expected: number, got: string): OciError {
    return new OciError('ERR_SIZE_MISMATCH', `fetch ${what}: descriptor size is ${expected} bytes but the registry sent ${got}`, this.details(reference));
  }

  private tooLarge(what: string, reference: string, size: number, max: number): OciError {
    return new OciError('ERR_TOO_LARGE', `fetch ${what}: ${size > max ? `more than ${max}` : size} bytes exceeds the limit of ${max} bytes`, this.details(reference));
  }

  private checkTarget(tagOrDigest: string): string {
    if (tagOrDigest.includes(':')) {
      try {
        parseDigest(tagOrDigest);
      } catch (error) {
        throw new OciError('ERR_INVALID_REFERENCE', `invalid reference ${JSON.stringify(`${this.name}@${tagOrDigest}`)}: ${(error as Error).message}`, this.details(tagOrDigest));
      }
    } else if (!isValidTag(tagOrDigest)) {
      throw new OciError('ERR_INVALID_REFERENCE', `invalid reference ${JSON.stringify(`${this.name}:${tagOrDigest}`)}: tag must match [\\w][\\w.-]{0,127}`, this.details(tagOrDigest));
    }
    return tagOrDigest;
  }

  /** `localhost:5000/app@sha256:…` or `localhost:5000/app:tag`. */
  private display(reference: string): string {
    return reference.includes(':') ? `${this.name}@${reference}` : `${this.name}:${reference}`;
  }

  private details(reference: string): { registry: string; reference: string } {
    return { registry: this.registry, reference: this.display(reference) };
  }

  private context(action: string, reference: string, push = false): ExchangeContext {
    return { registry: this.registry, host: this.host, repository: this.repository, action, reference: this.display(reference), push };
  }

  private url(suffix: string): URL {
    return this.shared.transport.url(this.host, `/v2/${this.repository}${suffix}`);
  }
}

/** The manifest's own mediaType wins; else a manifest Content-Type; else the descriptor's; else by shape. */
function manifestMediaType(manifest: ImageManifest | ImageIndex, responseType: string | undefined, descriptorType: string | undefined): string {
  if (manifest.mediaType !== undefined && manifest.mediaType !== '') return manifest.mediaType;
  if (isManifestMediaType(responseType)) return responseType!;
  if (descriptorType !== undefined) return descriptorType;
  return isImageIndex(manifest) ? MediaTypes.ociIndex : MediaTypes.ociManifest;
}
