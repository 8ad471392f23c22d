/**
 * notary.v1.verify: the Notary signatures of an artifact, verified as Kyverno
 * does for `type: Notary` (kyverno-notary-spec §2.5): every certificate of the
 * attestor (`cert` + `certChain`) is a trust anchor of one `ca` store, under a
 * fixed strict policy with `*` scope and identities, and no TSA.
 */
import { fillJson, hashTrustAnchors, setJson, verdictKey } from '@notary-gate/cache';
import type { VerifyReply, VerifyRequest } from '@notary-gate/contracts';
import { JobErrorCodes, JobFailure } from '@notary-gate/contracts';
import {
  MemoryTrustStore,
  offlineRevocationChecker,
  parseCertificates,
  verifyArtifact,
  type ArtifactVerification,
  type Certificate,
  type RevocationChecker,
  type TrustPolicyStatement,
} from '@notary-gate/notary';
import { asJob, toJobFailure } from './job-errors';
import type { RegistryAccess } from './registry-access';

const KYVERNO_STORE = 'kyverno';
const KYVERNO_POLICY: TrustPolicyStatement = {
  name: 'kyverno',
  signatureVerification: { level: 'strict' },
  trustStores: [`ca:${KYVERNO_STORE}`],
  trustedIdentities: ['*'],
};

export interface VerifyJobOptions {
  now?: () => Date;
  /** Longest a positive verdict is reused (default 10 min); never past a certificate's notAfter or the signature's expiry. */
  verdictTtlMs?: number;
  /**
   * How certificate revocation is checked (kyverno-notary-spec §2.5 step 6):
   * `online` asks the certificates' OCSP responders / CRL distribution points
   * through `revocationChecker`; `offline` (default here) reports a revocable
   * certificate as unknown, which fails the strict level.
   */
  revocation?: { mode: 'online'; checker: RevocationChecker } | { mode: 'offline' };
}

/** Bumped whenever the verification rules change, so no verdict of older code is reused (2: positive verdicts carry validUntil). */
const VERDICT_RULES_VERSION = 2;

export function verifyJob(access: RegistryAccess, options: VerifyJobOptions = {}): (request: VerifyRequest) => Promise<VerifyReply> {
  const now = options.now ?? (() => new Date());
  const verdictTtlMs = options.verdictTtlMs ?? 10 * 60_000;
  const revocation = options.revocation ?? { mode: 'offline' };
  const revocationChecker = revocation.mode === 'online' ? revocation.checker : offlineRevocationChecker;
  return (request) =>
    asJob(async () => {
      const { repository, reference } = access.open(request.artifact, request.registryCredentials);
      if (!reference.digest) throw new JobFailure(JobErrorCodes.badRequest, `artifact ${request.artifact} must be a digest reference`);
      let anchors: Certificate[];
      try {
        anchors = parseCertificates(request.trustAnchorsPem);
        if (anchors.length === 0) throw new Error('no certificate found in the PEM data');
      } catch (error) {
        return { verified: false, digest: reference.digest, code: 'ERR_TRUST_STORE', message: `failed to parse certificates: ${(error as Error).message}` };
      }
      const artifact = `${reference.registry}/${reference.repository}@${reference.digest}`;
      const verify = async () => {
        const trustStore = new MemoryTrustStore().add('ca', KYVERNO_STORE, { label: 'policy certificates', certificates: anchors });
        const at = now();
        const result = await verifyArtifact({
          repository,
          digest: reference.digest!,
          artifactReference: artifact,
          trustPolicy: KYVERNO_POLICY,
          trustStore,
          now: at,
          maxSignatureAttempts: request.maxSignatureAttempts,
          noun: 'image',
          revocation: revocationChecker,
        });
        const ttlMs = verdictLifetime(result, at);
        const reply = toReply(result, reference.digest!, anchors);
        // The bound travels with a positive verdict, so that a cache of replies (the gateway's near-cache)
        // never keeps one past its certificate's notAfter or the signature's expiry.
        if (reply.verified && Number.isFinite(ttlMs)) reply.validUntil = at.getTime() + ttlMs;
        return { reply, ttlMs };
      };
      const cache = access.cache;
      if (!cache) return (await verify()).reply;
      // Every input of the verdict is in its key: the artifact, the anchors, the options and the rules' version.
      const key = verdictKey({
        artifact,
        trustAnchorsSha256: hashTrustAnchors(anchors.map((anchor) => anchor.sha256Fingerprint)),
        options: {
          maxSignatureAttempts: request.maxSignatureAttempts,
          policy: KYVERNO_POLICY.signatureVerification.level,
          revocation: revocation.mode,
          rules: VERDICT_RULES_VERSION,
        },
      });
      const produce = async () => {
        const { reply, ttlMs } = await verify();
        // A negative verdict lives as long as a referrer list: a signature may be added any time.
        return { value: reply, ttlMs: Math.min(verdictTtlMs, ttlMs, reply.verified ? verdictTtlMs : access.lifetimes.referrersTtlMs) };
      };
      if (request.noCache) {
        // `useCache: false`: never answer from the cache; the fresh verdict may still serve later requests that allow it.
        const { value, ttlMs } = await produce();
        if (ttlMs > 0) await setJson(cache, key, value, ttlMs).catch(() => undefined);
        return value;
      }
      const cached = await fillJson<VerifyReply>(cache, key, verdictTtlMs, produce);
      // Re-checked on use: a verdict is about the digest asked for, or it is not used (evicted, verified afresh).
      if (cached !== null && cached.digest === reference.digest && (!cached.verified || typeof cached.signatureDigest === 'string')) return cached;
      await cache.delete(key);
      return (await verify()).reply;
    });
}

/** The reply for a finished verification; an inconclusive one throws (and is never cached). */
function toReply(result: ArtifactVerification, digest: string, anchors: Certificate[]): VerifyReply {
  if (result.error === null) {
    const verified = result.attempts[result.attempts.length - 1];
    const chain = result.outcome?.envelope?.signerInfo.certificateChain ?? [];
    const anchor = chain.find((certificate) => anchors.some((candidate) => candidate.equals(certificate)));
    return {
      verified: true,
      digest,
      signatureDigest: verified?.digest ?? '',
      ...(anchor ? { trustAnchorFingerprint: anchor.sha256Fingerprint } : {}),
    };
  }
  if (result.error.inconclusive) throw new JobFailure(JobErrorCodes.registryUnavailable, result.error.message);
  // The artifact itself could not be read (unknown digest, access denied): the registry's answer decides.
  if (!result.artifact) throw toJobFailure(result.error.cause ?? result.error);
  return { verified: false, digest, code: result.error.code, message: result.error.message };
}

/** A verdict holds until the earliest notAfter of the signing chain and the signature's expiry. */
function verdictLifetime(result: ArtifactVerification, at: Date): number {
  // "Revocation status unknown" (a responder that could not be reached) is notation's failure, but
  // it says nothing lasting about the signature: answer it, never keep it.
  if (result.attempts.some((attempt) => attempt.error?.code === 'ERR_REVOCATION_UNKNOWN' || attempt.outcome?.results.some((step) => step.error?.code === 'ERR_REVOCATION_UNKNOWN'))) {
    return 0;
  }
  const signerInfo = result.outcome?.envelope?.signerInfo;
  if (!signerInfo) return Number.POSITIVE_INFINITY;
  const limits = signerInfo.certificateChain.map((certificate) => certificate.notAfter.getTime());
  if (signerInfo.signedAttributes.expiry) limits.push(signerInfo.signedAttributes.expiry.date.getTime());
  return Math.min(...limits) - at.getTime();
}
