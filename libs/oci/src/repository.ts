/**
 * The Repository port of types.ts, extended with what a verifier needs to
 * avoid fetching every signature manifest twice: referrers returned together
 * with their already digest-checked manifests, and the candidates dropped on
 * the way (with the reason).
 */
import type { OciError } from './errors';
import type { Descriptor, FetchedManifest, Repository } from './types';

export interface ReferrersOptions {
  /** Keep only referrers of this artifact type (e.g. `application/vnd.cncf.notary.signature`). */
  artifactType?: string;
}

/** A referrer checked to point at the subject, with its manifest. */
export interface Referrer {
  /** mediaType, digest, size of the referrer manifest; artifactType (or legacy config.mediaType) and annotations from the manifest itself. */
  descriptor: Descriptor;
  manifest: FetchedManifest;
}

/** A listed candidate that was not accepted, and why (ERR_SUBJECT_MISMATCH, ERR_NOT_FOUND, ERR_DIGEST_MISMATCH, …). */
export interface SkippedReferrer {
  descriptor: Descriptor;
  error: OciError;
}

export interface ReferrerListing {
  referrers: Referrer[];
  skipped: SkippedReferrer[];
}

/** A Repository (registry or OCI layout) that can also hand back referrer manifests. */
export interface OciRepository extends Repository {
  readonly kind: 'registry' | 'oci-layout';
  /**
   * Like `referrers()`, but returns each accepted referrer with its fetched
   * manifest, plus the candidates dropped (liars, dangling entries). At most
   * `maxReferrers` candidates are considered: more is ERR_TOO_MANY_REFERRERS.
   */
  fetchReferrers(subjectDigest: string, options?: ReferrersOptions): Promise<ReferrerListing>;
}
