/**
 * Referrer selection shared by the registry and layout repositories (Notary
 * spec reference §12; OCI distribution spec §Listing Referrers). Whatever
 * lists the candidates — the referrers API, a `sha256-<hex>` tag index, a
 * layout scan — is not trusted: each candidate manifest is fetched by digest
 * and accepted only if its `subject` is the subject asked about.
 */
import { mapWithConcurrency } from './concurrency';
import { OciError } from './errors';
import { effectiveArtifactType } from './manifest';
import type { Referrer, ReferrerListing, SkippedReferrer } from './repository';
import { MediaTypes, type Descriptor, type FetchedManifest, type ImageIndex, type ImageManifest } from './types';

/** Candidate failures that mean "this one is not a referrer" rather than "we cannot tell". */
const SKIPPABLE_CODES = new Set(['ERR_NOT_FOUND', 'ERR_DIGEST_MISMATCH', 'ERR_SIZE_MISMATCH', 'ERR_TOO_LARGE', 'ERR_BAD_RESPONSE', 'ERR_INVALID_DIGEST']);

export interface CandidateContext {
  /** `localhost:5000/app` or the layout directory. */
  repositoryName: string;
  registry?: string;
  subjectDigest: string;
  artifactType?: string;
  maxReferrers: number;
}

/**
 * Dedupes by digest and drops candidates that declare another artifact type
 * (those declaring none are kept and judged on their manifest). More than
 * `maxReferrers` left is ERR_TOO_MANY_REFERRERS: a truncated list could hide
 * the one signature that matters, so we refuse instead of guessing.
 */
export function selectCandidates(candidates: readonly Descriptor[], context: CandidateContext): Descriptor[] {
  const seen = new Set<string>();
  const selected: Descriptor[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.digest)) continue;
    if (context.artifactType !== undefined && candidate.artifactType !== undefined && candidate.artifactType !== context.artifactType) continue;
    seen.add(candidate.digest);
    selected.push(candidate);
  }
  if (selected.length > context.maxReferrers) throw tooManyReferrers(context, selected.length);
  return selected;
}

export function tooManyReferrers(context: CandidateContext, count: number): OciError {
  const ofType = context.artifactType === undefined ? '' : ` of type ${context.artifactType}`;
  return new OciError(
    'ERR_TOO_MANY_REFERRERS',
    `${context.repositoryName}@${context.subjectDigest} has ${count > context.maxReferrers ? `more than ${context.maxReferrers}` : count} referrers${ofType}; refusing to consider a truncated list (raise limits.maxReferrers to allow more)`,
    { reference: `${context.repositoryName}@${context.subjectDigest}`, ...(context.registry === undefined ? {} : { registry: context.registry }) },
  );
}

/** The descriptor a referrer is reported with, taken from its verified manifest. */
export function referrerDescriptor(fetched: FetchedManifest): Descriptor {
  const artifactType = effectiveArtifactType(fetched.manifest);
  const annotations = fetched.manifest.annotations;
  return {
    mediaType: fetched.descriptor.mediaType,
    digest: fetched.descriptor.digest,
    size: fetched.descriptor.size,
    ...(artifactType === undefined ? {} : { artifactType }),
    ...(annotations === undefined ? {} : { annotations }),
  };
}

/**
 * Fetches each candidate (bounded concurrency) and keeps those whose manifest
 * names `subjectDigest` as subject and has the requested artifact type.
 * Definitive per-candidate failures are reported as skipped; inconclusive ones
 * (network, auth) abort the listing, because dropping a signature we could not
 * read would turn "unknown" into "unsigned".
 */
export async function verifyCandidates(
  candidates: readonly Descriptor[],
  context: CandidateContext,
  concurrency: number,
  fetchManifest: (descriptor: Descriptor) => Promise<FetchedManifest>,
): Promise<ReferrerListing> {
  const outcomes = await mapWithConcurrency(candidates, concurrency, async (candidate): Promise<Referrer | SkippedReferrer | undefined> => {
    let fetched: FetchedManifest;
    try {
      fetched = await fetchManifest(candidate);
    } catch (error) {
      if (error instanceof OciError && SKIPPABLE_CODES.has(error.code)) return { descriptor: candidate, error };
      throw error;
    }
    const subject = fetched.manifest.subject;
    if (subject?.digest !== context.subjectDigest) {
      return {
        descriptor: candidate,
        error: new OciError(
          'ERR_SUBJECT_MISMATCH',
          `referrer ${context.repositoryName}@${candidate.digest} was listed for ${context.subjectDigest} but its manifest has ${subject === undefined ? 'no subject' : `subject ${subject.digest}`}`,
          { reference: `${context.repositoryName}@${candidate.digest}`, ...(context.registry === undefined ? {} : { registry: context.registry }) },
        ),
      };
    }
    const descriptor = referrerDescriptor(fetched);
    if (context.artifactType !== undefined && descriptor.artifactType !== context.artifactType) return undefined;
    return { descriptor, manifest: fetched };
  });
  const referrers: Referrer[] = [];
  const skipped: SkippedReferrer[] = [];
  for (const outcome of outcomes) {
    if (outcome === undefined) continue;
    if ('manifest' in outcome) referrers.push(outcome);
    else skipped.push(outcome);
  }
  return { referrers, skipped };
}

/** The fallback-index entry for a pushed manifest (oras `indexReferrersForPush`). */
export function fallbackIndexEntry(descriptor: Descriptor, manifest: ImageManifest | ImageIndex): Descriptor {
  const artifactType = effectiveArtifactType(manifest);
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(manifest.annotations === undefined ? {} : { annotations: manifest.annotations }),
    ...(artifactType === undefined ? {} : { artifactType }),
  };
}

/**
 * The referrers index with `entry` added (oras `updateReferrersIndex`): empty
 * and duplicate entries dropped. `changed` is false when `entry` was already there.
 */
export function addToReferrersIndex(current: ImageIndex | undefined, entry: Descriptor): { index: ImageIndex; changed: boolean } {
  const existing = (current?.manifests ?? []).filter((d) => typeof d.digest === 'string' && d.digest !== '');
  const seen = new Set<string>();
  const manifests: Descriptor[] = [];
  for (const descriptor of existing) {
    if (seen.has(descriptor.digest)) continue;
    seen.add(descriptor.digest);
    manifests.push(descriptor);
  }
  const changed = !seen.has(entry.digest) || manifests.length !== (current?.manifests.length ?? 0);
  if (!seen.has(entry.digest)) manifests.push(entry);
  return { index: { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }, changed };
}
