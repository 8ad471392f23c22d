/**
 * Verify a detached signature over arbitrary bytes (reference §3, §8;
 * notation-go `verifier.VerifyBlob`): the statement is chosen by name or is
 * the global one; after the pipeline, the blob is hashed with the signing
 * key's hash and compared to the signed digest and size (and media type when
 * the caller gives one).
 */
import { BlobTrustPolicyDocument } from '../trustpolicy/blob-policy';
import type { TrustPolicyStatement } from '../trustpolicy/statement';
import type { VerificationOutcome } from '../types';
import { hashOf } from '../x509/key-spec';
import { blobDescriptor, blobMismatchError } from './target';
import { verifyEnvelope, type EnvelopeVerificationOptions } from './verify-signature';

export interface VerifyBlobOptions extends EnvelopeVerificationOptions {
  blob: Buffer;
  /** The statement, or a blob trust policy document with `trustPolicyName` (empty = the global statement). */
  trustPolicy: TrustPolicyStatement | BlobTrustPolicyDocument;
  trustPolicyName?: string;
  /** When given (non-empty), the signed media type must equal it. */
  contentMediaType?: string;
}

export async function verifyBlob(options: VerifyBlobOptions): Promise<VerificationOutcome> {
  const statement =
    options.trustPolicy instanceof BlobTrustPolicyDocument ? options.trustPolicy.applicableStatement(options.trustPolicyName) : options.trustPolicy;
  return verifyEnvelope(statement, options, (payload, envelope) =>
    blobMismatchError(payload, blobDescriptor(options.blob, hashOf(envelope.signerInfo.signatureAlgorithm), options.contentMediaType ?? '')),
  );
}
