/**
 * Verify one signature envelope against an OCI artifact (reference §8;
 * notation-go `verifier.Verify`): select the statement, run the pipeline,
 * then match the signed target descriptor and the required user metadata.
 * All but the target match is `verifyEnvelope`, which `verifyBlob` shares.
 */
import type { Descriptor } from '@notary-gate/oci';
import { NotaryError } from '../errors';
import { goQuote } from '../trustpolicy/go-format';
import { resolveVerificationLevel } from '../trustpolicy/levels';
import { OciTrustPolicyDocument } from '../trustpolicy/oci-policy';
import type { TrustPolicyStatement } from '../trustpolicy/statement';
import type { TrustStore } from '../truststore/types';
import type { EnvelopeContent, NotaryPayload, VerificationLevel, VerificationOutcome } from '../types';
import type { RevocationChecker } from '../revocation';
import type { PluginOptions } from './plugin';
import { asNotaryError } from './as-notary-error';
import { processSignature } from './process-signature';
import { readPayload, targetMismatchError, userMetadataError } from './target';

/** What verifying one envelope takes besides its target: the inputs `verifySignature` and `verifyBlob` share. */
export interface EnvelopeVerificationOptions extends PluginOptions {
  envelope: Buffer;
  /** The envelope blob's media type (`application/jose+json` or `application/cose`). */
  signatureMediaType: string;
  trustStore: TrustStore;
  /** The verification time (expiry, certificate validity). */
  now: Date;
  /** Key/value pairs that must be annotations of the signed target. */
  userMetadata?: Readonly<Record<string, string>>;
  revocation?: RevocationChecker;
}

export interface VerifySignatureOptions extends EnvelopeVerificationOptions {
  /** The manifest descriptor of the artifact being verified (resolved from the registry). */
  targetDescriptor: Descriptor;
  /**
   * The statement to verify under, or a whole OCI trust policy document whose
   * statement is chosen by `artifactReference`'s repository.
   */
  trustPolicy: TrustPolicyStatement | OciTrustPolicyDocument;
  /** `registry/repository@sha256:…`; required with a policy document. */
  artifactReference?: string;
}

/**
 * The outcome of one signature: every step's result in run order and the
 * error that failed it (null when verified). Throws only for misuse
 * (TypeError) or when no statement applies (ERR_NO_APPLICABLE_POLICY).
 */
export async function verifySignature(options: VerifySignatureOptions): Promise<VerificationOutcome> {
  const statement = statementFor(options.trustPolicy, options.artifactReference);
  return verifyEnvelope(statement, options, (payload) => targetMismatchError(payload, options.targetDescriptor));
}

/**
 * The steps notation-go `Verify` and `VerifyBlob` share: the statement's
 * level, the pipeline, then the signed payload checked against the target
 * (`targetError`, the one step that differs) and the required user metadata.
 */
export async function verifyEnvelope(
  statement: TrustPolicyStatement,
  options: EnvelopeVerificationOptions,
  targetError: (payload: NotaryPayload, envelope: EnvelopeContent) => NotaryError | null,
): Promise<VerificationOutcome> {
  const level = levelOf(statement);
  // A skipped statement verifies nothing and reports nothing (notation returns at once).
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
    // As notation: the metadata error, when there is one, replaces the mismatch error.
    outcome.error = targetError(payload, envelope);
    if (options.userMetadata && Object.keys(options.userMetadata).length > 0) {
      outcome.error = userMetadataError(payload, options.userMetadata) ?? outcome.error;
    }
  } catch (error) {
    outcome.error = asNotaryError(error, 'ERR_PAYLOAD_INVALID');
  }
  return outcome;
}

function statementFor(trustPolicy: TrustPolicyStatement | OciTrustPolicyDocument, artifactReference: string | undefined): TrustPolicyStatement {
  if (!(trustPolicy instanceof OciTrustPolicyDocument)) return trustPolicy;
  if (artifactReference === undefined) throw new TypeError('artifactReference is required to choose a statement of a trust policy document');
  return trustPolicy.applicableStatement(artifactReference);
}

/** The statement's level; a statement that does not validate never verifies anything. */
export function levelOf(statement: TrustPolicyStatement): VerificationLevel {
  try {
    return resolveVerificationLevel(statement.signatureVerification);
  } catch (error) {
    throw new NotaryError('ERR_TRUST_POLICY', `trust policy statement ${goQuote(statement.name)} has invalid signatureVerification: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
