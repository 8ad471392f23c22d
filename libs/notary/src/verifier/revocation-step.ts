/**
 * Code-signing chain revocation (reference §8 step 6; notation-go
 * `verifyRevocation`): ask the revocation port about the envelope's chain and
 * fold the per-certificate answers as notation's `revocationFinalResult`.
 * Offline (the default) every certificate without OCSP/CRL endpoints is OK,
 * and a revocable one is `unknown`.
 */
import { isNotaryError, NotaryError } from '../errors';
import { offlineRevocationChecker, type RevocationChecker, type RevocationCheckOptions, summarizeRevocation } from '../revocation';
import type { EnvelopeContent } from '../types';
import { goQuote } from '../x509/go-quote';

export async function revocationError(envelope: EnvelopeContent, checker: RevocationChecker | undefined, now: Date): Promise<NotaryError | null> {
  const { certificateChain: chain, signedAttributes } = envelope.signerInfo;
  const options: RevocationCheckOptions = { purpose: 'codeSigning', now };
  // Only an authentic signing time lets a later-dated revocation be ignored.
  if (signedAttributes.signingScheme === 'notary.x509.signingAuthority') options.signingTime = signedAttributes.signingTime.date;

  let summary;
  try {
    summary = summarizeRevocation(await (checker ?? offlineRevocationChecker).check(chain, options), chain);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A checker that could not reach its servers is inconclusive, not a revocation verdict.
    const code = isNotaryError(error) && error.inconclusive ? 'ERR_INCONCLUSIVE' : 'ERR_REVOCATION_UNKNOWN';
    return new NotaryError(code, `unable to check revocation status, err: ${message}`, { cause: error });
  }
  switch (summary.status) {
    case 'ok':
      return null;
    case 'revoked':
      return new NotaryError('ERR_REVOKED', `signing certificate with subject ${goQuote(summary.subject ?? '')} is revoked`);
    default:
      return new NotaryError('ERR_REVOCATION_UNKNOWN', `signing certificate with subject ${goQuote(summary.subject ?? '')} revocation status is unknown`);
  }
}
