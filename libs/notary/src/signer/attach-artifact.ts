/**
 * Attaches an artifact (an SBOM, a scan report, a VEX document…) to a subject
 * as `oras attach` does: the payload as the single layer of an OCI 1.1
 * artifact manifest whose `subject` is the given manifest, so it shows up as
 * a referrer of it — and can then be signed itself with `signArtifact`.
 */
import type { Descriptor, Repository } from '@notary-gate/oci';
import { NotaryError } from '../errors';
import { packManifest, pushPackedManifest } from './pack-manifest';

/** oras's default layer media type for attached files. */
export const DEFAULT_ATTACHMENT_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar';
/** The layer annotation oras sets to the attached file's name. */
export const ANNOTATION_TITLE = 'org.opencontainers.image.title';

export interface AttachArtifactOptions {
  repository: Repository;
  /** The manifest the artifact is attached to. */
  subject: Descriptor;
  artifactType: string;
  payload: Buffer;
  /** Media type of the payload layer; default `application/vnd.oci.image.layer.v1.tar` (as oras). */
  mediaType?: string;
  /** Manifest annotations. */
  annotations?: Record<string, string>;
  /** File name recorded as the layer's `org.opencontainers.image.title`. */
  title?: string;
  /** Creation time for `org.opencontainers.image.created`; default now. */
  created?: Date;
}

/** Pushes the payload and its artifact manifest; returns the manifest's descriptor. */
export async function attachArtifact(options: AttachArtifactOptions): Promise<Descriptor> {
  if (!options.artifactType) {
    throw new NotaryError('ERR_SIGNER_INVALID', 'an artifact type is required to attach an artifact');
  }
  if (!Buffer.isBuffer(options.payload)) throw new TypeError('payload must be a Buffer');
  const layer = await options.repository.pushBlob(options.payload, options.mediaType ?? DEFAULT_ATTACHMENT_MEDIA_TYPE);
  const layerDescriptor: Descriptor = { mediaType: layer.mediaType, digest: layer.digest, size: layer.size };
  if (options.title) layerDescriptor.annotations = { [ANNOTATION_TITLE]: options.title };
  const manifest = packManifest({
    artifactType: options.artifactType,
    layers: [layerDescriptor],
    subject: options.subject,
    ...(options.annotations ? { annotations: options.annotations } : {}),
    created: options.created ?? new Date(),
  });
  return pushPackedManifest(options.repository, manifest);
}
