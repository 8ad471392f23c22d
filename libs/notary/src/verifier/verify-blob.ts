/**
 * Verify a detached signature over arbitrary bytes (reference §3, §8;
 * notation-go `verifier.VerifyBlob`): the statement is chosen by name or is
 * the global one; after the pipeline, the blob is hashed with the signing
 * key's hash and compared to the signed digest and size (and media type when
 * the caller gives one).
 */
import { BlobTrustPolicyDocument } from '../trustpolicy/blob-policy';
import type { TrustPolicyStatement } from '../trustpolicy/statement';
import type { TrustStore } from '../truststore/types';
import type { HashName, SignatureAlgorithm, VerificationOutcome } from '../types';
import type { RevocationChecker } from '../revocation';
import type { PluginOptions } from './plugin';
import { asNotaryError } from './as-notary-error';
import { processSignature } from './process-signature';
import { blobDescriptor, blobMismatchError, readPayload, userMetadataError } from './target';
import { levelOf } from './verify-signature';

export interface VerifyBlobOptions extends PluginOptions {
  blob: Buffer;
  envelope: Buffer;
  signatureMediaType: string;
  /** The statement, or a blob trust policy document with `trustPolicyName` (empty = the global statement). */
  trustPolicy: TrustPolicyStatement | BlobTrustPolicyDocument;
  trustPolicyName?: string;
  /** When given (non-empty), the signed media type must equal it. */
  contentMediaType?: string;
  trustStore: TrustStore;
  now: Date;
  userMetadata?: Readonly<Record<string, string>>;
  revocation?: RevocationChecker;
}

const HASH_OF: Record<SignatureAlgorithm, HashName> = {
  'RSASSA-PSS-SHA-256': 'SHA-256',
  'RSASSA-PSS-SHA-384': 'SHA-384',
  'RSASSA-PSS-SHA-512': 'SHA-512',
  'ECDSA-SHA-256': 'SHA-256',
  'ECDSA-SHA-384': 'SHA-384',
  'ECDSA-SHA-512': 'SHA-512',
};

export async function verifyBlob(options: VerifyBlobOptions): Promise<VerificationOutcome> {
  const statement =
    options.trustPolicy instanceof BlobTrustPolicyDocument ? options.trustPolicy.applicableStatement(options.trustPolicyName) : options.trustPolicy;
  const level = levelOf(statement);
  if (level.name === 'skip') return { level, results: [], error: null };

  const processed = await processSignature(options.envelope, options.signatureMediaType, {
    statement,
    level,
    trustStore: options.trustStore,
    now: options.now,
    revocation: options.revocation,
    ...(options.pluginDirectory === undefined ? {} : { pluginDirectory: options.pluginDirectory }),
  });
  const outcome: VerificationOutcome = { level, results: processed.results, error: processed.error };
  const envelope = processed.envelope;
  if (envelope) outcome.envelope = envelope;
  if (processed.error || !envelope) return outcome;

  try {
    const payload = readPayload(envelope);
    outcome.payload = payload;
    const derived = blobDescriptor(options.blob, HASH_OF[envelope.signerInfo.signatureAlgorithm], options.contentMediaType ?? '');
    outcome.error = blobMismatchError(payload, derived);
    if (options.userMetadata && Object.keys(options.userMetadata).length > 0) {
      outcome.error = userMetadataError(payload, options.userMetadata) ?? outcome.error;
    }
  } catch (error) {
    outcome.error = asNotaryError(error, 'ERR_PAYLOAD_INVALID');
  }
  return outcome;
}
