/**
 * Reading a Notary signature manifest (reference §2; notation-go
 * `registry/repository.go` `signatureReferrers`, `getSignatureBlobDesc`,
 * `FetchSignatureBlob`): which referrers are Notary signatures, and the one
 * envelope blob each carries.
 */
import { type Descriptor, type FetchedManifest, MediaTypes } from '@notary-gate/oci';
import { NotaryError } from '../errors';
import { goQuote } from '../x509/go-quote';

/**
 * Whether a fetched referrer is a Notary signature in either accepted form:
 * `artifactType` = the Notary type with the OCI empty config, or the legacy
 * form with no `artifactType` and `config.mediaType` = the Notary type.
 */
export function isNotarySignatureManifest(fetched: FetchedManifest): boolean {
  const manifest = fetched.manifest as { artifactType?: string; config?: { mediaType?: string } };
  const configType = manifest.config?.mediaType;
  if (manifest.artifactType === MediaTypes.notarySignature) return configType === MediaTypes.ociEmpty;
  if (manifest.artifactType === undefined || manifest.artifactType === '') return configType === MediaTypes.notarySignature;
  // An OCI 1.1 artifact manifest keeps its type in artifactType and has no config.
  return fetched.descriptor.mediaType === MediaTypes.ociArtifactManifest && manifest.artifactType === MediaTypes.notarySignature;
}

/** The single envelope blob of a signature manifest (image manifest `layers`, artifact manifest `blobs`). Throws ERR_SIGNATURE_MANIFEST_INVALID. */
export function envelopeBlobOf(fetched: FetchedManifest, maxEnvelopeBytes: number): Descriptor {
  const { mediaType } = fetched.descriptor;
  if (mediaType !== MediaTypes.ociManifest && mediaType !== MediaTypes.ociArtifactManifest) {
    throw manifestError(`sigManifestDesc.MediaType requires ${goQuote(MediaTypes.ociManifest)} or ${goQuote(MediaTypes.ociArtifactManifest)}, got ${goQuote(mediaType)}`);
  }
  const document = fetched.manifest as unknown as Record<string, unknown>;
  const listed = mediaType === MediaTypes.ociManifest ? document['layers'] : document['blobs'];
  const blobs = Array.isArray(listed) ? (listed as Descriptor[]) : [];
  if (blobs.length !== 1) {
    // (sic) notation's wording.
    throw manifestError(`signature manifest requries exactly one signature envelope blob, got ${blobs.length}`);
  }
  const blob = blobs[0]!;
  if (typeof blob.digest !== 'string' || typeof blob.size !== 'number' || typeof blob.mediaType !== 'string') {
    throw manifestError('signature envelope blob descriptor is malformed');
  }
  if (blob.size > maxEnvelopeBytes) throw manifestError(`signature blob too large: ${blob.size} bytes`);
  return blob;
}

function manifestError(message: string): NotaryError {
  return new NotaryError('ERR_SIGNATURE_MANIFEST_INVALID', message);
}
