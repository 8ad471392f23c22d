/**
 * One image against one verifyImages entry (kyverno-notary-spec §2.2–§2.3):
 * skip rules, attestors, attestations, and the digest that was verified.
 */
import type { ContainerImage } from '@notary-gate/admission';
import type { CertificateAttestor, ImageVerification } from '@notary-gate/policy';
import { verifyAttestorSets } from './attestors';
import { firstReferrer, verifyAttestations } from './attestations';
import { attempt, failure, success, type Outcome } from './outcome';
import { imageReferenceMatches, imageReferenceSkipped } from './policy-semantics';
import type { ImageCredentials } from './registry-credentials';
import type { RequestJobs } from './request-jobs';
import type { RuleStatus } from './types';

export interface ImageVerificationContext {
  policyName: string;
  ruleName: string;
  entry: ImageVerification;
  jobs: RequestJobs;
  maxSignatureAttempts: number;
  /** The rule context (request, images, context entries); `image` is added per image. */
  context: Record<string, unknown>;
  /** The registry credentials of an image's jobs; absent: jobs carry none. Throws FactUnavailable. */
  credentials?: ImageCredentials | undefined;
}

export interface ImageResponse {
  status: RuleStatus;
  message: string;
  /** The image string after verification (digest form once a digest is known). */
  image: string;
  /** The digest that was verified, when verification passed. */
  verifiedDigest?: string;
  warn: boolean;
  /** Whether the response is recorded in the verify-images annotation. */
  recorded: boolean;
}

export async function verifyImage(context: ImageVerificationContext, image: ContainerImage): Promise<ImageResponse | null> {
  const { entry, policyName, ruleName, jobs } = context;
  if (entry.attestors.length === 0 && entry.attestations.length === 0) return null;
  const imageString = image.reference;
  const skipMessage = `skipping image reference image ${imageString}, policy ${policyName} ruleName ${ruleName}`;
  if (!imageReferenceMatches(entry.imageReferences, image)) {
    return { status: 'skip', message: skipMessage, image: imageString, warn: false, recorded: false };
  }
  if (imageReferenceSkipped(entry.skipImageReferences, image)) {
    return { status: 'skip', message: skipMessage, image: imageString, warn: true, recorded: true };
  }
  // Asked before any job: a credential that cannot be had is a missing fact (FactUnavailable → failurePolicy), not a verdict.
  const asked = context.credentials?.(entry, image);
  const registryCredentials = asked === undefined ? undefined : await asked;
  const withCredentials = registryCredentials ? { registryCredentials } : {};

  const verifyWithCertificates = (artifactOf: () => Promise<Outcome<{ repository: string; digest: string }>>, wrap: boolean) =>
    (certificates: CertificateAttestor): Promise<Outcome<string>> =>
      attempt(async () => {
        const target = await artifactOf();
        if (!target.ok) return target;
        const artifact = `${target.value.repository}@${target.value.digest}`;
        const reply = await jobs.verify({
          artifact,
          trustAnchorsPem: trustAnchorsPem(certificates.cert ?? '', certificates.certChain ?? ''),
          maxSignatureAttempts: context.maxSignatureAttempts,
          // `useCache: false`: this entry's verification never reuses a cached verdict.
          ...(entry.useCache ? {} : { noCache: true }),
          ...withCredentials,
        });
        if (reply.verified) return success(target.value.digest);
        return failure(wrap ? `failed to verify ${artifact}: ${reply.message}` : reply.message);
      });

  const resolveImage = () =>
    attempt(async () => {
      const reply = await jobs.discover({ image: imageString, ...withCredentials });
      return success({ repository: reply.repository, digest: reply.descriptor.digest });
    });

  let digest = image.digest;
  if (entry.attestors.length > 0) {
    const outcome = await verifyAttestorSets(entry.attestors, verifyWithCertificates(resolveImage, true));
    if (!outcome.ok) {
      return {
        status: outcome.inconclusive ? 'error' : 'fail',
        message: `failed to verify image ${imageString}: ${outcome.message}`,
        image: imageString,
        warn: true,
        recorded: true,
      };
    }
    digest ??= outcome.value;
    if (entry.attestations.length === 0) {
      return { status: 'pass', message: `verified image signatures for ${imageString}`, image: digestForm(image, digest), ...(digest ? { verifiedDigest: digest } : {}), warn: false, recorded: true };
    }
  }

  // Attestations: the image digest comes from the registry when the image had none.
  const resolved = await resolveImage();
  if (!resolved.ok) {
    return { status: resolved.inconclusive ? 'error' : 'fail', message: `failed to verify image ${imageString}: ${resolved.message}`, image: imageString, warn: true, recorded: true };
  }
  const repository = resolved.value.repository;
  digest ??= resolved.value.digest;
  const attestedImage = digestForm(image, digest);
  const result = await verifyAttestations(
    entry,
    attestedImage,
    ruleName,
    (type) =>
      attempt(async () => {
        const reply = await jobs.discover({ image: `${repository}@${resolved.value.digest}`, artifactTypes: [type], ...withCredentials });
        return firstReferrer(reply.referrers[type], imageString, type);
      }),
    (referrerDigest, certificates) =>
      verifyWithCertificates(async () => success({ repository, digest: referrerDigest }), false)(certificates),
    (verified, withValidate) =>
      attempt(async () =>
        success(
          await jobs.evaluate({
            repository,
            image: attestedImage,
            ruleName,
            attestations: verified.map(({ attestation, index, digest: referrer }) => ({
              index,
              type: attestation.type,
              digest: referrer,
              conditions: attestation.conditions,
              ...(attestation.name ? { name: attestation.name } : {}),
            })),
            context: { ...context.context, image: imageVariable(image, digest) },
            ...(withValidate && entry.validate ? { validate: entry.validate } : {}),
            ...withCredentials,
          }),
        ),
      ),
  );
  return {
    status: result.status,
    message: result.message,
    image: attestedImage,
    ...(result.status === 'pass' && digest ? { verifiedDigest: digest } : {}),
    warn: result.status !== 'pass',
    recorded: true,
  };
}

function digestForm(image: ContainerImage, digest: string | undefined): string {
  return digest ? `${image.registry}/${image.path}@${digest}` : image.reference;
}

/** The `image` variable Kyverno adds while an image is verified. */
export function imageVariable(image: ContainerImage, digest: string | undefined): Record<string, unknown> {
  return {
    reference: image.reference,
    referenceWithTag: image.referenceWithTag,
    registry: image.registry,
    path: image.path,
    name: image.name,
    tag: image.tag ?? '',
    digest: digest ?? '',
  };
}

/**
 * Kyverno's trust anchors, `cert` + "\n" + `certChain` (kyverno-notary-spec §2.3), as one string object per pair:
 * the same policy gives the same object admission after admission, so the jobs' keys (which look long strings up by
 * identity first, with their hash already computed) do not copy and rehash kilobytes of PEM per admission. Bounded:
 * emptied when full.
 */
const PEM_PAIRS_KEPT = 256;
const pemPairs = new Map<string, Map<string, string>>();
let pemPairCount = 0;

function trustAnchorsPem(cert: string, certChain: string): string {
  let chains = pemPairs.get(cert);
  let joined = chains?.get(certChain);
  if (joined !== undefined) return joined;
  if (pemPairCount >= PEM_PAIRS_KEPT) {
    pemPairs.clear();
    pemPairCount = 0;
    chains = undefined;
  }
  if (chains === undefined) pemPairs.set(cert, (chains = new Map()));
  joined = `${cert}\n${certChain}`;
  chains.set(certChain, joined);
  pemPairCount++;
  return joined;
}
