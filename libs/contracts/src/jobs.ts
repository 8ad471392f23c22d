/**
 * Request and reply of each job, and the jobs port the engine runs them
 * through (NATS in the distributed mode, in-process when embedded). Messages
 * carry references and digests, never envelopes or payloads.
 */
import type { Subjects } from './subjects';

/** A content descriptor as OCI defines it. */
export interface DescriptorRef {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
}

// ---- registry credentials of the requesting cluster ----

/** Credentials for one registry, as a docker config holds them. */
export interface RegistryCredentialEntry {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (`identitytoken`). */
  identityToken?: string;
  /** A bearer token sent as is (`registrytoken`). */
  registryToken?: string;
}

/**
 * The requesting cluster's registry credentials by registry host
 * (`ghcr.io`, `registry.example:5000`), resolved by its gateway from the
 * pod's imagePullSecrets and the policy's imageRegistryCredentials. They
 * travel only inside sealed jobs; a worker uses them for that job, caches
 * what they let it see under a keyed hash of their identity, and never
 * caches or logs them.
 */
export type RegistryCredentials = Record<string, RegistryCredentialEntry>;

// ---- notary.v1.discover ----

export interface DiscoverRequest {
  /** `registry/repository:tag` or `registry/repository@digest` (normalised). */
  image: string;
  /** Referrers to list, by artifactType (e.g. `sbom/cyclone-dx`); none → only resolve. */
  artifactTypes?: string[];
  /** The requesting cluster's credentials for the registries this job reads (sealed; never cached or logged). */
  registryCredentials?: RegistryCredentials;
}

export interface DiscoverReply {
  /** `registry/repository` */
  repository: string;
  /** The manifest the tag resolved to. */
  descriptor: DescriptorRef;
  /** Referrers of that digest per requested artifactType, in registry index order. */
  referrers: Record<string, DescriptorRef[]>;
}

// ---- notary.v1.verify ----

export interface VerifyRequest {
  /** `registry/repository@digest`: the artifact whose Notary signatures are checked. */
  artifact: string;
  /** PEM text of the trust anchors (Kyverno: `cert` + "\n" + `certChain`). */
  trustAnchorsPem: string;
  /** Notation's per-artifact limit (Kyverno uses 10). */
  maxSignatureAttempts: number;
  /** The policy entry says `useCache: false`: verify afresh, never answer from a cached verdict (the result may be cached). */
  noCache?: boolean;
  /** The requesting cluster's credentials for the registries this job reads (sealed; never cached or logged). */
  registryCredentials?: RegistryCredentials;
}

export type VerifyReply =
  | {
      verified: true;
      digest: string;
      /** Digest of the signature manifest that verified. */
      signatureDigest: string;
      /** SHA-256 fingerprint of the trust anchor it chained to. */
      trustAnchorFingerprint?: string;
      /**
       * Epoch ms after which this verdict must not be reused: the earliest notAfter of the signing chain and the
       * signature's expiry. Absent when nothing bounds it; a cache of replies keeps one at most until then.
       */
      validUntil?: number;
    }
  | {
      verified: false;
      digest: string;
      /** notation's error text (e.g. `no signature is associated with "…", make sure the image was signed successfully`). */
      message: string;
      /** Stable code of the failure (ERR_NO_SIGNATURE, ERR_UNTRUSTED, …). */
      code: string;
    };

// ---- notary.v1.evaluate ----

export interface AttestationToEvaluate {
  /** Index in `attestations[]` of the policy entry. */
  index: number;
  name?: string;
  type: string;
  /** Digest of the attestation's referrer manifest (its signature already verified). */
  digest: string;
  /** Raw `conditions` of the policy (variables resolved against the payload). */
  conditions: unknown[];
}

export interface EvaluateRequest {
  /** `registry/repository` holding the attestations. */
  repository: string;
  /** The image string used in messages (`attestation checks failed for <img> …`). */
  image: string;
  attestations: AttestationToEvaluate[];
  /** The rule context: request, images, image, configMap and variable entries. */
  context: Record<string, unknown>;
  /** The entry's `validate` block, evaluated after the attestations over the named payloads. */
  validate?: { message?: string; deny?: { conditions: unknown } };
  ruleName: string;
  /** The requesting cluster's credentials for the registries this job reads (sealed; never cached or logged). */
  registryCredentials?: RegistryCredentials;
}

export interface AttestationVerdict {
  index: number;
  passed: boolean;
  /**
   * Why it failed, when it did: `payload` when the attestation could not be
   * read (Kyverno reports these as-is), `conditions` when its conditions are
   * false or cannot be evaluated (reported with the entry path).
   */
  failure?: 'payload' | 'conditions';
  message?: string;
}

export interface EvaluateReply {
  attestations: AttestationVerdict[];
  /** Present when `validate.deny` ran. */
  validate?: { passed: boolean; message: string };
}

/** Subject → request/reply, so client and handler agree by construction. */
export interface JobMap {
  [Subjects.discover]: { request: DiscoverRequest; reply: DiscoverReply };
  [Subjects.verify]: { request: VerifyRequest; reply: VerifyReply };
  [Subjects.evaluate]: { request: EvaluateRequest; reply: EvaluateReply };
}

/**
 * What the engine needs from the verification tier. Implementations throw
 * `JobFailure` when the work could not be done (never for a negative verdict).
 */
export interface JobsPort {
  discover(request: DiscoverRequest, options: JobOptions): Promise<DiscoverReply>;
  verify(request: VerifyRequest, options: JobOptions): Promise<VerifyReply>;
  evaluate(request: EvaluateRequest, options: JobOptions): Promise<EvaluateReply>;
}

export interface JobOptions {
  /** Absolute deadline, epoch milliseconds. */
  deadline: number;
  requestId: string;
}
