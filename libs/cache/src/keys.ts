/**
 * Cache key builders, one per cache of the DESIGN table ("Caching"). Each key
 * carries every input of its value and the schema version, so a changed
 * input — another trust anchor, another option, another policy — can never
 * reuse an old entry (STYLE.md §8), and a changed value format bumps the
 * version instead of reading old bytes.
 *
 * Inputs are checked only for the separators the key layout relies on (a
 * registry holds no `/`, a repository no `:`, a tag no `:` or `/`, …), which
 * keeps the keys readable in redis-cli and unambiguous. Misuse throws TypeError.
 */
import { hashJson } from './canonical-json';

/** Bump when the layout of a key or of a cached value changes. */
export const CACHE_SCHEMA_VERSION = 'v1';
export const KEY_NAMESPACE = `ng:${CACHE_SCHEMA_VERSION}:`;

export type CacheKind = 'tag' | 'referrers' | 'content' | 'descriptor' | 'verdict';

const REGISTRY = /^[A-Za-z0-9.\-[\]:]+$/;
const REPOSITORY = /^[A-Za-z0-9._\-/]+$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
// OCI image spec, "Digests": algorithm ":" encoded.
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * tag → digest: `ng:v1:tag:<registry>/<repository>:<tag>`. Tags move: keep it short-lived.
 * `scope` (a keyed hash of the credential identity) separates what one cluster's credentials
 * saw from what anonymous access or another cluster's credentials see: `…|cred=<scope>`.
 */
export function tagKey(registry: string, repository: string, tag: string, scope?: string): string {
  check('registry', registry, REGISTRY);
  checkRepository(repository);
  check('tag', tag, TAG);
  return `${KEY_NAMESPACE}tag:${registry}/${repository}:${tag}${scoped(scope)}`;
}

/**
 * Referrer list of a digest, per artifactType filter:
 * `ng:v1:referrers:<registry>/<repository>@<digest>|type=<artifactType>` (or `|all`).
 */
export function referrersKey(registry: string, repository: string, digest: string, artifactType?: string, scope?: string): string {
  check('registry', registry, REGISTRY);
  checkRepository(repository);
  check('digest', digest, DIGEST);
  if (artifactType !== undefined && (artifactType === '' || /\s/.test(artifactType))) {
    throw new TypeError(`cache key: invalid artifactType ${JSON.stringify(artifactType)}`);
  }
  const filter = artifactType === undefined ? 'all' : `type=${artifactType}`;
  return `${KEY_NAMESPACE}referrers:${registry}/${repository}@${digest}|${filter}${scoped(scope)}`;
}

/** The credential scope suffix of the keys of authenticated pulls ('' for the tier's own access). */
function scoped(scope: string | undefined): string {
  if (scope === undefined) return '';
  check('credential scope', scope, /^[0-9a-f]{16,64}$/);
  return `|cred=${scope}`;
}

/** Manifests, envelopes, payloads: content-addressed, so the digest is the whole input. */
export function contentKey(digest: string): string {
  check('digest', digest, DIGEST);
  return `${KEY_NAMESPACE}content:${digest}`;
}

/** The descriptor (media type, size) a manifest digest resolves to: content-addressed too. */
export function descriptorKey(digest: string): string {
  check('digest', digest, DIGEST);
  return `${KEY_NAMESPACE}descriptor:${digest}`;
}

export interface VerdictKeyInput {
  /** `registry/repository@digest`: the artifact that was verified. */
  artifact: string;
  /** The signature manifest, when the verdict is about one signature. */
  signatureDigest?: string;
  /** `hashTrustAnchors(...)` of the trust anchors the verdict was computed against. */
  trustAnchorsSha256: string;
  /**
   * Every other input that can change the verdict (maxSignatureAttempts,
   * verification level, policy hash, …): any plain JSON object, hashed canonically.
   */
  options: object;
}

/** A signature verdict: `ng:v1:verdict:<sha256 of the canonical JSON of every input>`. */
export function verdictKey(input: VerdictKeyInput): string {
  const at = input.artifact.lastIndexOf('@');
  const name = input.artifact.slice(0, at);
  if (at <= 0 || !name.includes('/') || /[\s@]/.test(name)) {
    throw new TypeError(`cache key: artifact must be registry/repository@digest, got ${JSON.stringify(input.artifact)}`);
  }
  check('artifact digest', input.artifact.slice(at + 1), DIGEST);
  if (input.signatureDigest !== undefined) check('signatureDigest', input.signatureDigest, DIGEST);
  check('trustAnchorsSha256', input.trustAnchorsSha256, SHA256_HEX);
  if (typeof input.options !== 'object' || input.options === null || Array.isArray(input.options)) {
    throw new TypeError('cache key: verdict options must be a plain object');
  }
  const hash = hashJson({
    artifact: input.artifact,
    signatureDigest: input.signatureDigest,
    trustAnchorsSha256: input.trustAnchorsSha256,
    options: input.options,
  });
  return `${KEY_NAMESPACE}verdict:${hash}`;
}

/**
 * SHA-256 of a set of trust anchors, given their certificate fingerprints
 * (hex, any case, with or without `:`). Order and duplicates do not matter:
 * the same set of anchors gives the same hash.
 */
export function hashTrustAnchors(fingerprints: readonly string[]): string {
  const normalised = fingerprints.map((fingerprint) => {
    const hex = String(fingerprint).trim().toLowerCase().replace(/:/g, '');
    if (!/^[0-9a-f]+$/.test(hex)) {
      throw new TypeError(`cache key: trust anchor fingerprint must be hex, got ${JSON.stringify(fingerprint)}`);
    }
    return hex;
  });
  return hashJson({ trustAnchors: [...new Set(normalised)].sort() });
}

/** The cache of the DESIGN table a key belongs to (a metrics label); `other` for foreign keys. */
export function cacheKindOf(key: string): CacheKind | 'other' {
  const match = /^ng:v\d+:(tag|referrers|content|descriptor|verdict):/.exec(key);
  return (match?.[1] as CacheKind | undefined) ?? 'other';
}

function check(what: string, value: string, pattern: RegExp): void {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new TypeError(`cache key: invalid ${what} ${JSON.stringify(value)}`);
  }
}

function checkRepository(repository: string): void {
  check('repository', repository, REPOSITORY);
  if (repository.startsWith('/') || repository.endsWith('/') || repository.includes('//')) {
    throw new TypeError(`cache key: invalid repository ${JSON.stringify(repository)}`);
  }
}
