/**
 * Content digests (OCI image-spec descriptor.md §Digests). Only the registered
 * algorithms are accepted, in their canonical form: lowercase hex of the exact
 * length, as go-digest validates them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { OciError } from './errors';

/** Registered digest algorithms and the length of their hex encoding. */
const HEX_LENGTH = { sha256: 64, sha384: 96, sha512: 128 } as const;

export type DigestAlgorithm = keyof typeof HEX_LENGTH;

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** The general digest grammar of distribution/reference (`algorithm:encoded`). */
const DIGEST_GRAMMAR = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Why `digest` is not a usable digest, or undefined when it is one. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0 || !DIGEST_GRAMMAR.test(digest)) return 'invalid checksum digest format';
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!Object.prototype.hasOwnProperty.call(HEX_LENGTH, algorithm)) return `unsupported digest algorithm ${JSON.stringify(algorithm)}`;
  if (hex.length !== HEX_LENGTH[algorithm as DigestAlgorithm]) return 'invalid checksum digest length';
  if (!/^[0-9a-f]+$/.test(hex)) return 'invalid checksum digest format (hex must be lowercase)';
  return undefined;
}

/** True when `digest` is a canonical sha256/sha384/sha512 digest. */
export function isDigest(digest: string): boolean {
  return digestProblem(digest) === undefined;
}

/** Splits and validates a digest; throws ERR_INVALID_DIGEST naming the digest and the reason. */
export function parseDigest(digest: string): ParsedDigest {
  const problem = digestProblem(digest);
  if (problem !== undefined) {
    throw new OciError('ERR_INVALID_DIGEST', `invalid digest ${JSON.stringify(digest)}: ${problem}`, { reference: digest });
  }
  const colon = digest.indexOf(':');
  return { algorithm: digest.slice(0, colon) as DigestAlgorithm, hex: digest.slice(colon + 1) };
}

/** `<algorithm>:<hex>` of `bytes`. */
export function computeDigest(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** `sha256:<hex>` of `bytes`. */
export function sha256Digest(bytes: Uint8Array): string {
  return computeDigest(bytes, 'sha256');
}

/** True when `bytes` hash to `digest` (with the digest's own algorithm). */
export function digestMatches(bytes: Uint8Array, digest: string): boolean {
  const { algorithm, hex } = parseDigest(digest);
  const actual = createHash(algorithm).update(bytes).digest();
  return timingSafeEqual(actual, Buffer.from(hex, 'hex'));
}

/**
 * Refuses `bytes` unless they hash to `digest`: ERR_DIGEST_MISMATCH naming
 * what was fetched (`context`, e.g. `manifest localhost:5000/app@sha256:…`).
 */
export function verifyDigest(bytes: Uint8Array, digest: string, context: { what?: string; registry?: string } = {}): void {
  if (digestMatches(bytes, digest)) return;
  const { algorithm } = parseDigest(digest);
  const what = context.what ?? 'content';
  throw new OciError(
    'ERR_DIGEST_MISMATCH',
    `${what}: received content has digest ${computeDigest(bytes, algorithm)}, not the requested ${digest}`,
    { reference: digest, ...(context.registry === undefined ? {} : { registry: context.registry }) },
  );
}

/** The referrers tag schema name of a digest: `sha256:<hex>` → `sha256-<hex>` (OCI distribution spec §Referrers Tag Schema). */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`;
}
