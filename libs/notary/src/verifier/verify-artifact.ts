/**
 * The outer loop over an artifact's signatures (reference §8 "Outer loop";
 * notation-go `notation.Verify`): list the Notary signature referrers, try up
 * to `maxSignatureAttempts`, succeed on the first that verifies.
 *
 * Failed is kept apart from inconclusive (STYLE.md §5): a registry that
 * cannot be reached, times out or answers 5xx yields ERR_INCONCLUSIVE, never
 * a verdict. Unlike notation, one signature whose manifest or blob cannot be
 * read does not stop the others from being tried: a junk referrer must not be
 * able to hide a good signature.
 */
import { type Descriptor, DEFAULT_LIMITS, isOciError, MediaTypes, type Repository } from '@notary-gate/oci';
import { isNotaryError, NotaryError } from '../errors';
import { goQuote } from '../trustpolicy/go-format';
import { OciTrustPolicyDocument } from '../trustpolicy/oci-policy';
import type { TrustPolicyStatement } from '../trustpolicy/statement';
import type { TrustStore } from '../truststore/types';
import type { VerificationOutcome } from '../types';
import type { RevocationChecker } from '../revocation';
import type { PluginOptions } from './plugin';
import { envelopeBlobOf, isNotarySignatureManifest } from './signature-manifest';
import { levelOf, verifySignature } from './verify-signature';

export interface VerifyArtifactOptions extends PluginOptions {
  repository: Repository;
  /** The artifact's manifest digest (`sha256:…`; a tag is resolved first) — signatures are its referrers. */
  digest: string;
  /** `registry/repository@digest` used for policy selection and messages; default `<repository.name>@<digest>`. */
  artifactReference?: string;
  trustPolicy: TrustPolicyStatement | OciTrustPolicyDocument;
  trustStore: TrustStore;
  now: Date;
  /** Most signatures evaluated (notation CLI default 100). */
  maxSignatureAttempts: number;
  userMetadata?: Readonly<Record<string, string>>;
  revocation?: RevocationChecker;
  /** Word for the "no signature" message: notation says `artifact`, Kyverno's admission says `image`. */
  noun?: 'artifact' | 'image';
  /** Largest envelope blob read (default 32 MiB). */
  maxEnvelopeBytes?: number;
}

export interface SignatureAttempt {
  /** The signature manifest digest. */
  digest: string;
  outcome: VerificationOutcome | undefined;
  error: NotaryError | null;
}

export interface ArtifactVerification {
  /** The artifact's resolved descriptor (when resolution succeeded). */
  artifact?: Descriptor;
  /** The verified signature's outcome (or the skip outcome), when verified. */
  outcome?: VerificationOutcome;
  /** Every signature tried, in order. */
  attempts: SignatureAttempt[];
  /** null when verified; ERR_INCONCLUSIVE when the answer is unknown. */
  error: NotaryError | null;
}

export async function verifyArtifact(options: VerifyArtifactOptions): Promise<ArtifactVerification> {
  const { repository, digest, maxSignatureAttempts } = options;
  if (!Number.isInteger(maxSignatureAttempts) || maxSignatureAttempts <= 0) {
    throw new TypeError(`verifyOptions.MaxSignatureAttempts expects a positive number, got ${maxSignatureAttempts}`);
  }
  const artifactReference = options.artifactReference ?? `${repository.name}@${digest}`;
  const statement = options.trustPolicy instanceof OciTrustPolicyDocument ? options.trustPolicy.applicableStatement(artifactReference) : options.trustPolicy;
  const level = levelOf(statement);
  if (level.name === 'skip') return { outcome: { level, results: [], error: null }, attempts: [], error: null };

  const attempts: SignatureAttempt[] = [];
  let artifact: Descriptor;
  let referrers: Descriptor[];
  try {
    artifact = await repository.resolve(digest);
    // A tag is resolved (notation warns that tags are mutable); a digest must resolve to itself.
    if (digest.includes(':') && artifact.digest !== digest) {
      return { attempts, error: new NotaryError('ERR_DIGEST_MISMATCH', `user input digest ${digest} does not match the resolved digest ${artifact.digest}`) };
    }
    referrers = await repository.referrers(artifact.digest, { artifactType: MediaTypes.notarySignature });
  } catch (error) {
    return { attempts, error: retrievalError(error, (message) => message) };
  }

  let inconclusive: NotaryError | undefined;
  const maxEnvelopeBytes = options.maxEnvelopeBytes ?? DEFAULT_LIMITS.maxEnvelopeBytes;
  for (const referrer of referrers) {
    if (attempts.length >= maxSignatureAttempts) break;
    let envelopeBlob: Descriptor;
    let envelope: Buffer;
    try {
      const fetched = await repository.fetchManifest(referrer);
      // Only Notary signatures count towards the attempts (notation filters them while listing).
      if (!isNotarySignatureManifest(fetched)) continue;
      envelopeBlob = envelopeBlobOf(fetched, maxEnvelopeBytes);
      envelope = await repository.fetchBlob(envelopeBlob, maxEnvelopeBytes);
    } catch (error) {
      const failure = retrievalError(
        error,
        (message) => `unable to retrieve digital signature with digest ${goQuote(referrer.digest)} associated with ${goQuote(artifactReference)} from the Repository, error : ${message}`,
      );
      if (failure.inconclusive) inconclusive ??= failure;
      attempts.push({ digest: referrer.digest, outcome: undefined, error: failure });
      continue;
    }

    const outcome = await verifySignature({
      envelope,
      signatureMediaType: envelopeBlob.mediaType,
      targetDescriptor: artifact,
      trustPolicy: statement,
      trustStore: options.trustStore,
      now: options.now,
      ...(options.userMetadata ? { userMetadata: options.userMetadata } : {}),
      ...(options.revocation ? { revocation: options.revocation } : {}),
      ...(options.pluginDirectory === undefined ? {} : { pluginDirectory: options.pluginDirectory }),
    });
    attempts.push({ digest: referrer.digest, outcome, error: outcome.error });
    if (outcome.error === null) return { artifact, outcome, attempts, error: null };
    if (outcome.error.inconclusive) inconclusive ??= outcome.error;
  }

  if (attempts.length === 0) {
    const noun = options.noun ?? 'artifact';
    return {
      artifact,
      attempts,
      error: new NotaryError('ERR_NO_SIGNATURE', `no signature is associated with ${goQuote(artifactReference)}, make sure the ${noun} was signed successfully`),
    };
  }
  // Some signature could not be evaluated and none verified: the answer is unknown.
  if (inconclusive) return { artifact, attempts, error: inconclusive };
  if (attempts.length >= maxSignatureAttempts) {
    return {
      artifact,
      attempts,
      error: new NotaryError(
        'ERR_TOO_MANY_SIGNATURES',
        `signature evaluation stopped. The configured limit of ${maxSignatureAttempts} signatures to verify per artifact exceeded`,
      ),
    };
  }
  const failures = attempts.map((attempt) => `failed to verify signature with digest ${attempt.digest}, ${attempt.error?.message ?? ''}`);
  return { artifact, attempts, error: new NotaryError('ERR_VERIFICATION_FAILED', ['signature verification failed', ...failures].join('\n')) };
}

/** Registry trouble: network/timeouts/5xx are inconclusive; other refusals fail retrieval. */
function retrievalError(error: unknown, word: (message: string) => string): NotaryError {
  if (isNotaryError(error)) return new NotaryError(error.code, word(error.message), { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  if (isOciError(error)) {
    return new NotaryError(error.inconclusive ? 'ERR_INCONCLUSIVE' : 'ERR_SIGNATURE_RETRIEVAL', word(message), { cause: error });
  }
  // Anything else (a bug, an unexpected throw) is not evidence against the signature.
  return new NotaryError('ERR_INCONCLUSIVE', word(message), { cause: error });
}

