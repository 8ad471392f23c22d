/**
 * Code-signing certificate chain requirements (reference §7.1, notation-core-go
 * `x509/codesigning_cert_validations.go`), with notation's exact messages.
 */
import type { Certificate } from './certificate';
import { chainError, validateChain } from './chain-rules';
import { goQuote } from './go-quote';
import { goView, type GoExtKeyUsage } from './go-view';

/**
 * EKUs a code-signing leaf must not carry, in notation's order.
 * Deliberate difference from notation-go: `Any` (anyExtendedKeyUsage) is
 * rejected too (`… must not contain Any eku`), as the Notary signature
 * specification requires; notation-go accepts it (reference §7.1 [impl]).
 */
const EXCLUDED_CODE_SIGNING_EKUS: readonly GoExtKeyUsage[] = ['ServerAuth', 'ClientAuth', 'EmailProtection', 'Timestamping', 'OCSPSigning'];

/**
 * Validate a code-signing chain ordered leaf → root. Throws NotaryError:
 * ERR_CERT_CHAIN_INVALID (structure, signatures, basic constraints),
 * ERR_CERT_KEY_USAGE, ERR_CERT_EKU, ERR_WEAK_KEY / ERR_UNSUPPORTED_ALGORITHM
 * (leaf key, §6), ERR_CERT_EXPIRED (a certificate not valid at `signingTime`).
 * `signingTime` is given when signing; verification passes none (validity is
 * then the verifier's authentic-timestamp step, §8).
 */
export function validateCodeSigningCertChain(chain: readonly Certificate[], signingTime?: Date): void {
  validateChain(chain, { signingTime, keyUsageMustBeCritical: true, validateLeafExtendedKeyUsage: validateCodeSigningExtendedKeyUsage });
}

/**
 * An absent EKU is fine; a present one must not name a non-code-signing
 * purpose. notation reports the first offending EKU in certificate order;
 * `Any` is reported only when nothing notation rejects is present, so every
 * chain notation rejects fails here with notation's message.
 */
function validateCodeSigningExtendedKeyUsage(certificate: Certificate): void {
  const usages = goView(certificate).extKeyUsage;
  const offending = usages.find((eku) => EXCLUDED_CODE_SIGNING_EKUS.includes(eku)) ?? usages.find((eku) => eku === 'Any');
  if (offending) {
    throw chainError(
      'ERR_CERT_EKU',
      `certificate with subject ${goQuote(certificate.subject)}: extended key usage must not contain ${offending} eku`,
      certificate,
    );
  }
}
