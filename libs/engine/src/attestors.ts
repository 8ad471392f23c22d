/**
 * Attestor sets and `count` (kyverno-notary-spec §2.4): every set must pass;
 * inside a set, entries are taken in order until `count` (default: all) have
 * verified; a failing entry contributes `.attestors[i].entries[j]: <error>`.
 * Entries run in parallel; the walk in order keeps Kyverno's messages exact.
 */
import type { AttestorSet, CertificateAttestor } from '@notary-gate/policy';
import { failure, success, type Outcome } from './outcome';

export type VerifyWithCertificates = (certificates: CertificateAttestor) => Promise<Outcome<string>>;

export function requiredCount(set: AttestorSet): number {
  return set.count && set.count > 0 ? set.count : set.entries.length;
}

/** Verify every set; the value is the verified digest. */
export async function verifyAttestorSets(sets: AttestorSet[], verify: VerifyWithCertificates): Promise<Outcome<string | undefined>> {
  // One set (the usual policy) needs no Promise.all.
  const outcomes = sets.length === 1 ? [await verifyAttestorSet(sets[0]!, '.attestors[0]', verify)] : await Promise.all(sets.map((set, index) => verifyAttestorSet(set, `.attestors[${index}]`, verify)));
  let digest: string | undefined;
  for (const outcome of outcomes) {
    if (!outcome.ok) return outcome;
    digest ??= outcome.value;
  }
  return success(digest);
}

async function verifyAttestorSet(set: AttestorSet, path: string, verify: VerifyWithCertificates): Promise<Outcome<string | undefined>> {
  const attempts = set.entries.map((entry, index) =>
    entry.attestor ? verifyAttestorSet(entry.attestor, `${path}.entries[${index}].attestor`, verify) : verify(entry.certificates ?? {}),
  );
  const required = requiredCount(set);
  const errors: string[] = [];
  let inconclusive = false;
  let verified = 0;
  let digest: string | undefined;
  for (let index = 0; index < attempts.length; index++) {
    const outcome = await attempts[index]!;
    if (outcome.ok) {
      verified++;
      digest ??= outcome.value;
      if (verified >= required) return success(digest);
    } else {
      inconclusive ||= outcome.inconclusive;
      // A nested set's errors already carry their own paths.
      errors.push(set.entries[index]!.attestor ? outcome.message : `${path}.entries[${index}]: ${outcome.message}`);
    }
  }
  return failure(errors.join('; '), inconclusive);
}
