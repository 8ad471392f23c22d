/**
 * Parsing and shape checks of manifests and indexes (OCI image-spec
 * manifest.md, image-index.md; Docker v2 schema 2). Content arrives from
 * untrusted registries: every descriptor is checked before anyone uses it.
 */
import { digestProblem, sha256Digest, verifyDigest } from './digest';
import { OciError } from './errors';
import { isValidTag } from './reference';
import { EMPTY_CONFIG, MediaTypes, type Descriptor, type ImageIndex, type ImageManifest } from './types';

/** Everything we accept when fetching a manifest (the `Accept` header of GET/HEAD). */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaTypes.ociManifest,
  MediaTypes.ociIndex,
  MediaTypes.dockerManifest,
  MediaTypes.dockerManifestList,
  MediaTypes.ociArtifactManifest,
];

const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([MediaTypes.ociIndex, MediaTypes.dockerManifestList]);

/** True for an image index / manifest list (has `manifests`). */
export function isImageIndex(manifest: ImageManifest | ImageIndex): manifest is ImageIndex {
  return Array.isArray((manifest as ImageIndex).manifests);
}

/** True when `mediaType` names a manifest or index we understand. */
export function isManifestMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && MANIFEST_MEDIA_TYPES.includes(mediaType);
}

/**
 * The artifact type of a manifest as oras reports it for referrers: its
 * `artifactType`, else (legacy signatures) its `config.mediaType`.
 */
export function effectiveArtifactType(manifest: ImageManifest | ImageIndex): string | undefined {
  if (manifest.artifactType !== undefined && manifest.artifactType !== '') return manifest.artifactType;
  return isImageIndex(manifest) ? undefined : manifest.config.mediaType;
}

type Problem = (reason: string) => Error;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkAnnotations(value: unknown, where: string, problem: Problem): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) throw problem(`${where}: annotations must map strings to strings`);
  return value as Record<string, string>;
}

/** Checks one descriptor's required fields (descriptor.md §Properties). */
export function checkDescriptor(value: unknown, where: string, problem: Problem): Descriptor {
  if (!isRecord(value)) throw problem(`${where}: descriptor is not an object`);
  const { mediaType, digest, size, artifactType } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw problem(`${where}: descriptor has no mediaType`);
  if (typeof digest !== 'string') throw problem(`${where}: descriptor has no digest`);
  const bad = digestProblem(digest);
  if (bad !== undefined) throw problem(`${where}: descriptor digest ${JSON.stringify(digest.slice(0, 150))}: ${bad}`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw problem(`${where}: descriptor size must be a non-negative integer`);
  if (artifactType !== undefined && typeof artifactType !== 'string') throw problem(`${where}: artifactType must be a string`);
  checkAnnotations(value['annotations'], where, problem);
  return value as unknown as Descriptor;
}

/**
 * Parses manifest bytes into an image manifest or index, checking the shape.
 * Legacy OCI artifact manifests (`blobs`, no `config`) are returned with their
 * blobs as `layers` and the empty config, the way notation-go reads them.
 * `describe` names the content in errors (`manifest localhost:5000/app@sha256:…`).
 */
export function parseManifest(bytes: Buffer, describe: string, details: { registry?: string; reference?: string } = {}): ImageManifest | ImageIndex {
  const problem: Problem = (reason) => new OciError('ERR_BAD_RESPONSE', `${describe}: ${reason}`, details);
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw problem('not valid JSON');
  }
  if (!isRecord(document)) throw problem('not a JSON object');
  if (document['schemaVersion'] !== 2) throw problem(`unsupported schemaVersion ${JSON.stringify(document['schemaVersion'])} (only 2)`);
  const mediaType = document['mediaType'];
  if (mediaType !== undefined && typeof mediaType !== 'string') throw problem('mediaType must be a string');
  const artifactType = document['artifactType'];
  if (artifactType !== undefined && typeof artifactType !== 'string') throw problem('artifactType must be a string');
  checkAnnotations(document['annotations'], 'manifest', problem);
  if (document['subject'] !== undefined) checkDescriptor(document['subject'], 'subject', problem);

  if (Array.isArray(document['manifests']) || (mediaType !== undefined && INDEX_MEDIA_TYPES.has(mediaType))) {
    const manifests = document['manifests'];
    if (!Array.isArray(manifests)) throw problem('index has no manifests array');
    manifests.forEach((entry, i) => checkDescriptor(entry, `manifests[${i}]`, problem));
    return document as unknown as ImageIndex;
  }
  if (mediaType === MediaTypes.ociArtifactManifest) {
    const blobs = document['blobs'] ?? [];
    if (!Array.isArray(blobs)) throw problem('blobs must be an array');
    blobs.forEach((entry, i) => checkDescriptor(entry, `blobs[${i}]`, problem));
    return { ...(document as unknown as ImageManifest), config: EMPTY_CONFIG, layers: blobs as Descriptor[] };
  }
  checkDescriptor(document['config'], 'config', problem);
  const layers = document['layers'];
  if (!Array.isArray(layers)) throw problem('manifest has no layers array');
  layers.forEach((entry, i) => checkDescriptor(entry, `layers[${i}]`, problem));
  return document as unknown as ImageManifest;
}

/**
 * The checks both repositories make before pushing a manifest: a valid tag
 * and well-formed manifest bytes (misuse: TypeError), then the size limit
 * (`tooLarge`, worded by the repository). Returns the parsed manifest and the
 * descriptor it is pushed as, with its artifactType.
 */
export function manifestToPush(
  bytes: Buffer,
  mediaType: string,
  tag: string | undefined,
  maxBytes: number,
  tooLarge: (digest: string, size: number, max: number) => OciError,
): { manifest: ImageManifest | ImageIndex; descriptor: Descriptor } {
  if (tag !== undefined && !isValidTag(tag)) throw new TypeError(`invalid tag ${JSON.stringify(tag)}`);
  let manifest: ImageManifest | ImageIndex;
  try {
    manifest = parseManifest(bytes, 'manifest to push');
  } catch (error) {
    throw new TypeError(error instanceof Error ? error.message : String(error));
  }
  const digest = sha256Digest(bytes);
  if (bytes.length > maxBytes) throw tooLarge(digest, bytes.length, maxBytes);
  const descriptor: Descriptor = { mediaType, digest, size: bytes.length, ...(manifest.artifactType === undefined ? {} : { artifactType: manifest.artifactType }) };
  return { manifest, descriptor };
}

/**
 * A descriptor's embedded `data` (descriptor.md §Embedded Content), checked
 * exactly like fetched bytes: its size (`sizeMismatch`, worded by the
 * repository), then its digest. Undefined when the descriptor embeds nothing.
 */
export function embeddedContent(descriptor: Descriptor, what: string, registry: string, sizeMismatch: (actual: number) => OciError): Buffer | undefined {
  if (descriptor.data === undefined) return undefined;
  const bytes = Buffer.from(descriptor.data, 'base64');
  if (bytes.length !== descriptor.size) throw sizeMismatch(bytes.length);
  verifyDigest(bytes, descriptor.digest, { what, registry });
  return bytes;
}
