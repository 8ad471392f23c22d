/**
 * Attestations of one verifyImages entry (kyverno-notary-spec §2.6, §2.7):
 * for each attestation, the first referrer of its type is fetched and its
 * Notary signature verified per attestor entry (all in parallel); then one
 * evaluate job reads the verified payloads and runs the conditions and
 * `validate.deny`; finally the outcome is walked in Kyverno's order so that
 * counts and messages match Kyverno's exactly.
 */
import type { AttestationVerdict, EvaluateReply } from '@notary-gate/contracts';
import type { Attestation, CertificateAttestor, ImageVerification } from '@notary-gate/policy';
import { requiredCount } from './attestors';
import { failure, success, type Outcome } from './outcome';

/** The referrer of an attestation type: its digest, or why none could be used. */
export type FindAttestation = (type: string) => Promise<Outcome<string>>;
/** Verify the Notary signature of a referrer with one entry's certificates. */
export type VerifyAttestation = (referrerDigest: string, certificates: CertificateAttestor) => Promise<Outcome<string>>;
/** Evaluate the payloads of verified attestations (and validate.deny when asked). */
export type EvaluateAttestations = (verified: { attestation: Attestation; index: number; digest: string }[], withValidate: boolean) => Promise<Outcome<EvaluateReply>>;

export interface AttestationsResult {
  status: 'pass' | 'fail' | 'error';
  message: string;
}

export async function verifyAttestations(
  entry: ImageVerification,
  image: string,
  ruleName: string,
  find: FindAttestation,
  verify: VerifyAttestation,
  evaluate: EvaluateAttestations,
): Promise<AttestationsResult> {
  // 1. Signatures of every (attestation, set, entry), in parallel.
  const signatureOutcomes = await Promise.all(
    entry.attestations.map(async (attestation) => {
      const found = await find(attestation.type);
      return Promise.all(
        attestation.attestors.map((set) =>
          Promise.all(set.entries.map((attestor) => (found.ok ? verify(found.value, attestor.certificates ?? {}) : Promise.resolve(found)))),
        ),
      ).then((sets) => ({ found, sets }));
    }),
  );

  // 2. Payloads and conditions of the attestations that some entry verified.
  const toEvaluate = entry.attestations.flatMap((attestation, index) => {
    const outcome = signatureOutcomes[index]!;
    const anyVerified = outcome.sets.some((set) => set.some((result) => result.ok));
    return outcome.found.ok && anyVerified ? [{ attestation, index, digest: outcome.found.value }] : [];
  });
  const signaturesSuffice = entry.attestations.every((attestation, index) =>
    attestation.attestors.every((set, setIndex) => signatureOutcomes[index]!.sets[setIndex]!.filter((r) => r.ok).length >= requiredCount(set)),
  );
  let evaluation: EvaluateReply = { attestations: [] };
  if (toEvaluate.length > 0) {
    const evaluated = await evaluate(toEvaluate, Boolean(entry.validate) && signaturesSuffice);
    if (!evaluated.ok) return { status: evaluated.inconclusive ? 'error' : 'fail', message: evaluated.message };
    evaluation = evaluated.value;
  }
  const verdicts = new Map<number, AttestationVerdict>(evaluation.attestations.map((verdict) => [verdict.index, verdict]));

  // 3. Kyverno's walk: per attestation, per set, entries in order until `count` verified.
  for (const [index, attestation] of entry.attestations.entries()) {
    const errors: string[] = []; // shared across the sets of this attestation (Kyverno quirk)
    let inconclusive = false;
    for (const [setIndex, set] of attestation.attestors.entries()) {
      const required = requiredCount(set);
      let verified = 0;
      for (const signature of signatureOutcomes[index]!.sets[setIndex]!) {
        if (!signature.ok) {
          inconclusive ||= signature.inconclusive;
          errors.push(signature.message);
          continue;
        }
        const verdict = verdicts.get(index);
        if (!verdict || verdict.passed) {
          verified++;
          if (verified >= required) break;
        } else if (verdict.failure === 'payload') {
          errors.push(verdict.message ?? 'attestation payload could not be read');
        } else {
          // Kyverno prints the attestation index where the entry index belongs.
          errors.push(`.attestations[${index}].attestors[${setIndex}].entries[${index}]: ${verdict.message ?? ''}`);
        }
      }
      if (verified < required) {
        const detail = errors.length > 0 ? errors.join('; ') : 'attestations verification failed';
        return {
          status: inconclusive ? 'error' : 'fail',
          message: `image attestations verification failed, verifiedCount: ${verified}, requiredCount: ${required}, error: ${detail}`,
        };
      }
    }
  }

  if (entry.validate) {
    const validate = evaluation.validate;
    if (!validate) return { status: 'error', message: 'validation in verifyImages failed: validate.deny was not evaluated' };
    return validate.passed
      ? { status: 'pass', message: `verifyImages validation is passed in ${ruleName} rule` }
      : { status: 'fail', message: `validation in verifyImages failed: ${validate.message}` };
  }
  return { status: 'pass', message: `verified image attestations for ${image}` };
}

/** The first referrer of a type, as Kyverno's FetchAttestations picks it. */
export function firstReferrer(referrers: { digest: string }[] | undefined, image: string, type: string): Outcome<string> {
  const first = referrers?.[0];
  return first ? success(first.digest) : failure(`no matching attestations found for image ${image} with type ${type}`);
}
