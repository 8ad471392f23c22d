/**
 * The OCI vocabulary every part of notary-gate shares: descriptors, manifests,
 * media types, and the Repository port implemented by the registry client and
 * by OCI image-layout directories.
 */

/** OCI content descriptor (image-spec descriptor.md). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  urls?: string[];
  data?: string;
  platform?: Record<string, unknown>;
}

export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociArtifactManifest: 'application/vnd.oci.artifact.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  notarySignature: 'application/vnd.cncf.notary.signature',
  jws: 'application/jose+json',
  cose: 'application/cose',
} as const;

/** The OCI empty descriptor `{}` used as config of artifact manifests. */
export const EMPTY_CONFIG: Descriptor = {
  mediaType: MediaTypes.ociEmpty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
};

/** An image or artifact manifest (OCI image manifest or Docker v2). */
export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** An OCI image index or Docker manifest list. */
export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** A manifest fetched by digest or tag, whose bytes were checked against its digest. */
export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
  /** Parsed JSON of `bytes`. */
  manifest: ImageManifest | ImageIndex;
}

/** Size caps against malicious registries (see anchors: peers' CVEs). */
export interface ContentLimits {
  /** Most referrers considered per subject. Default 50. */
  maxReferrers: number;
  /** Largest manifest accepted, in bytes. Default 4 MiB. */
  maxManifestBytes: number;
  /** Largest signature envelope accepted, in bytes. Default 32 MiB. */
  maxEnvelopeBytes: number;
  /** Largest attestation payload accepted, in bytes. Default 10 MiB. */
  maxPayloadBytes: number;
}

export const DEFAULT_LIMITS: ContentLimits = {
  maxReferrers: 50,
  maxManifestBytes: 4 * 1024 * 1024,
  maxEnvelopeBytes: 32 * 1024 * 1024,
  maxPayloadBytes: 10 * 1024 * 1024,
};

/**
 * One repository: in a registry (`registry/repo`) or an OCI image-layout
 * directory. Every read checks content against the digest asked for.
 */
export interface Repository {
  /** Human-readable name used in messages, e.g. `ghcr.io/kyverno/test-verify-image`. */
  readonly name: string;
  /** Resolve a tag or digest to the manifest's descriptor (HEAD, falling back to GET). */
  resolve(tagOrDigest: string): Promise<Descriptor>;
  /** Fetch a manifest by tag, digest or descriptor (≤ maxManifestBytes). */
  fetchManifest(target: string | Descriptor): Promise<FetchedManifest>;
  /** Fetch a blob by descriptor, refusing more than maxBytes or a digest mismatch. */
  fetchBlob(descriptor: Descriptor, maxBytes: number): Promise<Buffer>;
  /**
   * Referrers of a manifest digest, optionally filtered by artifactType: the
   * OCI 1.1 referrers API, falling back to the `sha256-<hex>` tag schema. Each
   * returned descriptor has been checked to point at a manifest whose `subject`
   * is `subjectDigest`; at most maxReferrers are considered.
   */
  referrers(subjectDigest: string, options?: { artifactType?: string }): Promise<Descriptor[]>;
  /** Upload a blob (skipped when already present); returns its descriptor. */
  pushBlob(bytes: Buffer, mediaType: string): Promise<Descriptor>;
  /**
   * Upload a manifest, optionally under a tag. When the manifest has a
   * `subject` and the store does not index referrers itself, the fallback
   * referrers index (`sha256-<hex>` tag) is updated.
   */
  pushManifest(bytes: Buffer, mediaType: string, tag?: string): Promise<Descriptor>;
}
