/**
 * Packs an OCI 1.1 artifact manifest the way oras-go v2 `oras.PackManifest`
 * does with `PackManifestVersion1_1` (the call notation-go makes, reference §2):
 * an OCI image manifest with `artifactType`, the OCI empty descriptor as
 * config, the given layers, an optional `subject`, and the
 * `org.opencontainers.image.created` annotation (oras adds it when missing).
 * Field order follows Go's struct order so the bytes look like notation's.
 */
import { EMPTY_CONFIG, MediaTypes, type Descriptor, type ImageManifest, type Repository } from '@notary-gate/oci';
import { formatRfc3339 } from '../x509/time-format';

export const ANNOTATION_CREATED = 'org.opencontainers.image.created';

export interface PackManifestOptions {
  artifactType: string;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
  /** Used for `org.opencontainers.image.created` when the annotations do not set it. */
  created: Date;
}

/** The manifest object, with the fields in the order oras-go marshals them. */
export function packManifest(options: PackManifestOptions): ImageManifest {
  if (!options.artifactType) throw new TypeError('artifactType is required for an OCI 1.1 artifact manifest');
  const annotations: Record<string, string> = { ...options.annotations };
  // oras-go `ensureAnnotationCreated`: RFC 3339, UTC, second precision.
  annotations[ANNOTATION_CREATED] ??= formatRfc3339(new Date(Math.floor(options.created.getTime() / 1000) * 1000));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    artifactType: options.artifactType,
    config: { ...EMPTY_CONFIG },
    layers: options.layers.map(plainDescriptor),
  };
  if (options.subject) manifest.subject = subjectDescriptor(options.subject);
  manifest.annotations = annotations;
  return manifest;
}

/**
 * Pushes the empty config blob (the registry checks that every blob a
 * manifest names exists) and then the manifest; returns the manifest's
 * descriptor, carrying `artifactType` and `annotations` as a referrers
 * listing shows them.
 */
export async function pushPackedManifest(repository: Repository, manifest: ImageManifest): Promise<Descriptor> {
  await repository.pushBlob(Buffer.from('{}'), MediaTypes.ociEmpty);
  const pushed = await repository.pushManifest(Buffer.from(JSON.stringify(manifest)), MediaTypes.ociManifest);
  const descriptor: Descriptor = { mediaType: MediaTypes.ociManifest, digest: pushed.digest, size: pushed.size };
  if (manifest.artifactType) descriptor.artifactType = manifest.artifactType;
  if (manifest.annotations) descriptor.annotations = { ...manifest.annotations };
  return descriptor;
}

/** A layer descriptor keeps mediaType, digest, size and its annotations. */
function plainDescriptor(descriptor: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
  if (descriptor.annotations && Object.keys(descriptor.annotations).length > 0) out.annotations = { ...descriptor.annotations };
  return out;
}

/** The `subject` names the manifest only by mediaType, digest and size (OCI image-spec manifest.md). */
function subjectDescriptor(descriptor: Descriptor): Descriptor {
  return { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
}
