/**
 * The listing half of `notation inspect <reference>`: the Notary signatures
 * of a subject, fetched through the Repository port and read into the inspect
 * model, in listing order. As in notation (`cmd/notation/inspect.go`):
 * at most `maxSignatures` are examined (default 100) and a warning says when
 * more exist; a signature whose manifest or envelope cannot be fetched, or
 * whose envelope cannot be read, becomes a skipped outcome with notation's
 * warning; a failure to list the referrers propagates (nothing can be shown).
 */
import { MediaTypes, type Descriptor, type ImageManifest, type Repository } from '@notary-gate/oci';
import { NotaryError } from '../errors';
import { mapBounded } from './map-bounded';
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
const DEFAULT_MAX_ENVELOPE_BYTES = 32 * 1024 * 1024;

export async function collectSignatures(repository: Repository, subject: Descriptor, options: CollectSignaturesOptions = {}): Promise<CollectedSignatures> {
  const maxSignatures = options.maxSignatures ?? DEFAULT_MAX_SIGNATURES;
  if (!Number.isInteger(maxSignatures) || maxSignatures <= 0) {
    throw new TypeError(`max-signatures value ${maxSignatures} must be a positive number`);
  }
  const listed = await repository.referrers(subject.digest, { artifactType: MediaTypes.notarySignature });
  const examined = listed.slice(0, maxSignatures);
  const outcomes = await mapBounded(examined, options.concurrency ?? 8, async (descriptor) => {
    let envelope: { bytes: Buffer; mediaType: string };
    try {
      envelope = await fetchEnvelope(repository, descriptor, options.maxEnvelopeBytes ?? DEFAULT_MAX_ENVELOPE_BYTES);
    } catch (error) {
      return skippedOutcome(descriptor.digest, error, 'fetch');
    }
    return inspectSignature({ manifestDigest: descriptor.digest, envelopeBytes: envelope.bytes, mediaType: envelope.mediaType });
  });
  return listed.length > maxSignatures
    ? { outcomes, maxSignaturesWarning: `exceeded configured limit of max signatures ${maxSignatures} to examine` }
    : { outcomes };
}

/** notation-go `FetchSignatureBlob`: the signature manifest's single layer (reference §2). */
async function fetchEnvelope(repository: Repository, descriptor: Descriptor, maxBytes: number): Promise<{ bytes: Buffer; mediaType: string }> {
  const { manifest } = await repository.fetchManifest(descriptor);
  const layers = 'layers' in manifest && Array.isArray(manifest.layers) ? (manifest as ImageManifest).layers : [];
  if (layers.length !== 1) {
    // sic: notation-go's spelling
    throw new NotaryError('ERR_SIGNATURE_MANIFEST_INVALID', `signature manifest requries exactly one signature envelope blob, got ${layers.length}`);
  }
  const layer = layers[0]!;
  if (layer.size > maxBytes) throw new NotaryError('ERR_ENVELOPE_TOO_LARGE', `signature blob too large: ${layer.size} bytes`);
  return { bytes: await repository.fetchBlob(layer, maxBytes), mediaType: layer.mediaType };
}
