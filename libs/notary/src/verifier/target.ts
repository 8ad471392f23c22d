/**
 * What was signed vs. what is being verified (reference §3; notation-go
 * `Verify` / `VerifyBlob` after `processSignature`): the payload's
 * `targetArtifact` must be the artifact, and required user metadata must be
 * among its annotations.
 */
import { createHash } from 'node:crypto';
import type { Descriptor } from '@notary-gate/oci';
import { NotaryError } from '../errors';
import type { EnvelopeContent, HashName, NotaryPayload } from '../types';

/**
 * The `{"targetArtifact": …}` payload document, read like Go's
 * `json.Unmarshal` into `envelope.Payload`: absent fields are zero values, a
 * field of the wrong JSON type is an error. Throws ERR_PAYLOAD_INVALID.
 */
export function readPayload(envelope: EnvelopeContent): NotaryPayload {
  let document: unknown;
  try {
    document = JSON.parse(envelope.payload.content.toString('utf8'));
  } catch (error) {
    throw new NotaryError('ERR_PAYLOAD_INVALID', (error as Error).message, { cause: error });
  }
  const root = objectOrEmpty(document, 'payload');
  const target = objectOrEmpty(root['targetArtifact'], 'targetArtifact');
  const descriptor: Descriptor = {
    mediaType: typed(target['mediaType'], 'string', 'targetArtifact.mediaType', ''),
    digest: typed(target['digest'], 'string', 'targetArtifact.digest', ''),
    size: typed(target['size'], 'number', 'targetArtifact.size', 0),
  };
  const annotations = target['annotations'];
  if (annotations !== undefined && annotations !== null) {
    const entries = Object.entries(objectOrEmpty(annotations, 'targetArtifact.annotations'));
    descriptor.annotations = Object.fromEntries(entries.map(([key, value]) => [key, typed(value, 'string', `targetArtifact.annotations.${key}`, '')]));
  }
  return { targetArtifact: descriptor };
}

function objectOrEmpty(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new NotaryError('ERR_PAYLOAD_INVALID', `json: cannot unmarshal ${what}: not an object`);
  return value as Record<string, unknown>;
}

function typed<T extends string | number>(value: unknown, type: 'string' | 'number', what: string, zero: T): T {
  if (value === undefined || value === null) return zero;
  if (typeof value !== type) throw new NotaryError('ERR_PAYLOAD_INVALID', `json: cannot unmarshal ${what}: not a ${type}`);
  return value as T;
}

/** oras `content.Equal`: media type, digest and size; annotations and artifactType are ignored. */
export function targetMismatchError(payload: NotaryPayload, artifact: Descriptor): NotaryError | null {
  const signed = payload.targetArtifact;
  if (signed.mediaType === artifact.mediaType && signed.digest === artifact.digest && signed.size === artifact.size) return null;
  return new NotaryError('ERR_TARGET_MISMATCH', 'content descriptor mismatch');
}

/** Every required key must be annotated with exactly the required value. */
export function userMetadataError(payload: NotaryPayload, required: Readonly<Record<string, string>> | undefined): NotaryError | null {
  const annotations = payload.targetArtifact.annotations ?? {};
  for (const [key, value] of Object.entries(required ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(annotations, key) || annotations[key] !== value) {
      return new NotaryError('ERR_USER_METADATA', 'unable to find specified metadata in the signature');
    }
  }
  return null;
}

const NODE_HASH: Record<HashName, { node: string; prefix: string }> = {
  'SHA-256': { node: 'sha256', prefix: 'sha256' },
  'SHA-384': { node: 'sha384', prefix: 'sha384' },
  'SHA-512': { node: 'sha512', prefix: 'sha512' },
};

/** The descriptor notation derives from blob bytes: digest with the signing key's hash, size, and the caller's media type. */
export function blobDescriptor(blob: Buffer, hash: HashName, mediaType: string): Descriptor {
  const algorithm = NODE_HASH[hash];
  return { mediaType, digest: `${algorithm.prefix}:${createHash(algorithm.node).update(blob).digest('hex')}`, size: blob.length };
}

/** notation `VerifyBlob`: digest and size must match; media type only when the caller gave one. */
export function blobMismatchError(payload: NotaryPayload, derived: Descriptor): NotaryError | null {
  const signed = payload.targetArtifact;
  if (signed.digest === derived.digest && signed.size === derived.size && (derived.mediaType === '' || derived.mediaType === signed.mediaType)) return null;
  return new NotaryError('ERR_TARGET_MISMATCH', 'integrity check failed. signature does not match the given blob');
}
