/**
 * The signature manifest notation-go pushes for an envelope (reference §2;
 * notation-go `registry/repository.go` `PushSignature`, `notation.go`
 * `generateAnnotations`): artifactType `application/vnd.cncf.notary.signature`,
 * one layer holding the envelope, the signed manifest as `subject`, and the
 * chain thumbprints plus the signing time as annotations.
 */
import { MediaTypes, type Descriptor, type ImageManifest } from '@notary-gate/oci';
import type { Certificate } from '../x509/certificate';
import { packManifest } from './pack-manifest';

export const ANNOTATION_X509_CHAIN_THUMBPRINT = 'io.cncf.notary.x509chain.thumbprint#S256';

/**
 * `io.cncf.notary.x509chain.thumbprint#S256`: a JSON array *string* of the
 * SHA-256 of each chain certificate in chain order, lowercase hex as Go's
 * `hex.EncodeToString` writes it.
 */
export function chainThumbprintAnnotation(chain: readonly Certificate[]): string {
  return JSON.stringify(chain.map((certificate) => certificate.sha256Fingerprint));
}

export interface SignatureManifestOptions {
  envelope: Descriptor;
  subject: Descriptor;
  certificateChain: readonly Certificate[];
  signingTime: Date;
}

export function buildSignatureManifest(options: SignatureManifestOptions): ImageManifest {
  return packManifest({
    artifactType: MediaTypes.notarySignature,
    layers: [options.envelope],
    subject: options.subject,
    annotations: { [ANNOTATION_X509_CHAIN_THUMBPRINT]: chainThumbprintAnnotation(options.certificateChain) },
    created: options.signingTime,
  });
}
