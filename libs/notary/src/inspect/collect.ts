/**
 * The listing half of `notation inspect <reference>`: the Notary signatures
 * of a subject, fetched through the Repository port and read into the inspect
 * model, in listing order. As in notation (`cmd/notation/inspect.go`):
 * at most `maxSignatures` are examined (default 100) and a warning says when
 * more exist; a signature whose manifest or envelope cannot be fetched, or
 * whose envelope cannot be read, becomes a skipped outcome with notation's
 * warning; a failure to list the referrers propagates (nothing can be shown).
 *
 * Two choices of ours, shared with the verifier (`verify-artifact.ts`):
 * a referrer that is not a Notary signature manifest in either accepted form
 * (reference §2) is left out and not counted; and a registry outage
 * (an `inconclusive` error: network, timeout, 429, 5xx) propagates instead of
 * skipping the one signature, since it is not a property of that signature
 * (STYLE.md §5).
 */
import { DEFAULT_LIMITS, MediaTypes, mapWithConcurrency, type Descriptor, type Repository } from '@notary-gate/oci';
import { envelopeBlobOf, isNotarySignatureManifest } from '../verifier/signature-manifest';
import { inspectSignature, skippedOutcome, type InspectOutcome } from './model';

export interface CollectSignaturesOptions {
  /** notation's `--max-signatures` (default 100). */
  maxSignatures?: number;
  /** Envelope size cap in bytes (default 32 MiB, reference §2). */
  maxEnvelopeBytes?: number;
  /** Signatures fetched at once (default 8). */
  concurrency?: number;
}

export interface CollectedSignatures {
  outcomes: InspectOutcome[];
  /** `exceeded configured limit of max signatures %d to examine`, when more signatures exist than were examined. */
  maxSignaturesWarning?: string;
}

export const DEFAULT_MAX_SIGNATURES = 100;

export async function collectSignatures(repository: Repository, subject: Descriptor, options: CollectSignaturesOptions = {}): Promise<CollectedSignatures> {
  const maxSignatures = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  if (!Number.isInteger(maxSignatures) || maxSignatures <= 0) {
    throw new TypeError(`max-signatures value ${maxSignatures} must be a positive number`);
  }
  const maxEnvelopeBytes = options.maxEnvelopeBytes ?? DEFAULT_LIMITS.maxEnvelopeBytes;
  const concurrency = options.concurrency ?? 8;
  const listed = await repository.referrers(subject.digest, { artifactType: MediaTypes.notarySignature });

  // Read in windows of the signatures still wanted: a referrer that turns out
  // not to be a Notary signature does not count, so the next one takes its place.
  const outcomes: InspectOutcome[] = [];
  let next = 0;
  while (outcomes.length < maxSignatures && next < listed.length) {
    const window = listed.slice(next, next + maxSignatures - outcomes.length);
    next += window.length;
    const read = await mapWithConcurrency(window, concurrency, (descriptor) => readSignature(repository, descriptor, maxEnvelopeBytes));
    for (const outcome of read) if (outcome !== undefined) outcomes.push(outcome);
  }
  return next < listed.length
    ? { outcomes, maxSignaturesWarning: `exceeded configured limit of max signatures ${maxSignatures} to examine` }
    : { outcomes };
}

/** One referrer read into the model; undefined when it is not a Notary signature manifest. */
async function readSignature(repository: Repository, descriptor: Descriptor, maxEnvelopeBytes: number): Promise<InspectOutcome | undefined> {
  let envelope: { bytes: Buffer; mediaType: string };
  try {
    const fetched = await repository.fetchManifest(descriptor);
    if (!isNotarySignatureManifest(fetched)) return undefined;
    // notation-go `FetchSignatureBlob`: the signature manifest's single blob (reference §2).
    const blob = envelopeBlobOf(fetched, maxEnvelopeBytes);
    envelope = { bytes: await repository.fetchBlob(blob, maxEnvelopeBytes), mediaType: blob.mediaType };
  } catch (error) {
    if (isInconclusive(error)) throw error;
    return skippedOutcome(descriptor.digest, error, 'fetch');
  }
  return inspectSignature({ manifestDigest: descriptor.digest, envelopeBytes: envelope.bytes, mediaType: envelope.mediaType });
}

/** Network, timeout, 429 and 5xx errors of the registry client (typed errors with an `inconclusive` flag). */
function isInconclusive(error: unknown): boolean {
  return error instanceof Error && (error as { inconclusive?: unknown }).inconclusive === true;
}
