/**
 * Collects what `notation inspect <reference>` shows for an artifact
 * (reference §13; notation `cmd/notation/inspect.go`): each Notary signature
 * referrer's envelope, read into the inspect model without verifying it.
 *
 * A signature that cannot be read (junk manifest, missing or oversized blob,
 * malformed envelope) becomes a skipped outcome, as notation skips it with a
 * warning; a registry outage is not a property of one signature and
 * propagates, so the caller can report it as such (STYLE.md §5).
 */
import { DEFAULT_LIMITS, MediaTypes, type Descriptor, type Repository } from '@notary-gate/oci';
import { envelopeBlobOf, isNotarySignatureManifest } from '../verifier/signature-manifest';
import { inspectSignature, skippedOutcome, type InspectOutcome } from './model';

export interface InspectArtifactOptions {
  /** Most signatures read (notation's `--max-signatures`, default 100). */
  maxSignatures?: number;
  /** Largest envelope blob read (default 32 MiB). */
  maxEnvelopeBytes?: number;
}

export const DEFAULT_MAX_INSPECTED_SIGNATURES = 100;

export interface InspectedArtifact {
  outcomes: InspectOutcome[];
  /** True when more signatures were listed than `maxSignatures`. */
  truncated: boolean;
}

export async function inspectArtifactSignatures(repository: Repository, subject: Descriptor, options: InspectArtifactOptions = {}): Promise<InspectedArtifact> {
  const maxSignatures = options.maxSignatures ?? DEFAULT_MAX_INSPECTED_SIGNATURES;
  if (!Number.isInteger(maxSignatures) || maxSignatures < 1) throw new TypeError(`maxSignatures must be a positive integer, got ${maxSignatures}`);
  const maxEnvelopeBytes = options.maxEnvelopeBytes ?? DEFAULT_LIMITS.maxEnvelopeBytes;

  const referrers = await repository.referrers(subject.digest, { artifactType: MediaTypes.notarySignature });
  const outcomes: InspectOutcome[] = [];
  for (const referrer of referrers) {
    if (outcomes.length >= maxSignatures) return { outcomes, truncated: true };
    try {
      const fetched = await repository.fetchManifest(referrer);
      if (!isNotarySignatureManifest(fetched)) continue;
      const blob = envelopeBlobOf(fetched, maxEnvelopeBytes);
      const envelopeBytes = await repository.fetchBlob(blob, maxEnvelopeBytes);
      outcomes.push(inspectSignature({ manifestDigest: referrer.digest, envelopeBytes, mediaType: blob.mediaType }));
    } catch (error) {
      if (isInconclusive(error)) throw error;
      outcomes.push(skippedOutcome(referrer.digest, error));
    }
  }
  return { outcomes, truncated: false };
}

/** Network, timeout, 429 and 5xx errors of the registry client (typed errors with an `inconclusive` flag). */
function isInconclusive(error: unknown): boolean {
  return error instanceof Error && (error as { inconclusive?: unknown }).inconclusive === true;
}
