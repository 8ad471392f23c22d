/**
 * notary.v1.verify: the Notary signatures of an artifact, verified as Kyverno
 * does for `type: Notary` (kyverno-notary-spec §2.5): every certificate of the
 * attestor (`cert` + `certChain`) is a trust anchor of one `ca` store, under a
 * fixed strict policy with `*` scope and identities, and no TSA.
 */
import type { VerifyReply, VerifyRequest } from '@notary-gate/contracts';
import { JobErrorCodes, JobFailure } from '@notary-gate/contracts';
import { MemoryTrustStore, parseCertificates, verifyArtifact, type Certificate, type TrustPolicyStatement } from '@notary-gate/notary';
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
}

export function verifyJob(access: RegistryAccess, options: VerifyJobOptions = {}): (request: VerifyRequest) => Promise<VerifyReply> {
  const now = options.now ?? (() => new Date());
  return (request) =>
    asJob(async () => {
      const { repository, reference } = access.open(request.artifact);
      if (!reference.digest) throw new JobFailure(JobErrorCodes.badRequest, `artifact ${request.artifact} must be a digest reference`);
      let anchors: Certificate[];
      try {
        anchors = parseCertificates(request.trustAnchorsPem);
        if (anchors.length === 0) throw new Error('no certificate found in the PEM data');
      } catch (error) {
        return { verified: false, digest: reference.digest, code: 'ERR_TRUST_STORE', message: `failed to parse certificates: ${(error as Error).message}` };
      }
      const trustStore = new MemoryTrustStore().add('ca', KYVERNO_STORE, { label: 'policy certificates', certificates: anchors });
      const result = await verifyArtifact({
        repository,
        digest: reference.digest,
        artifactReference: `${reference.registry}/${reference.repository}@${reference.digest}`,
        trustPolicy: KYVERNO_POLICY,
        trustStore,
        now: now(),
        maxSignatureAttempts: request.maxSignatureAttempts,
        noun: 'image',
      });
      if (result.error === null) {
        const verified = result.attempts[result.attempts.length - 1];
        const chain = result.outcome?.envelope?.signerInfo.certificateChain ?? [];
        const anchor = chain.find((certificate) => anchors.some((candidate) => candidate.equals(certificate)));
        return {
          verified: true,
          digest: reference.digest,
          signatureDigest: verified?.digest ?? '',
          ...(anchor ? { trustAnchorFingerprint: anchor.sha256Fingerprint } : {}),
        };
      }
      if (result.error.inconclusive) throw new JobFailure(JobErrorCodes.registryUnavailable, result.error.message);
      // The artifact itself could not be read (unknown digest, access denied): the registry's answer decides.
      if (!result.artifact) throw toJobFailure(result.error.cause ?? result.error);
      return { verified: false, digest: reference.digest, code: result.error.code, message: result.error.message };
    });
}
