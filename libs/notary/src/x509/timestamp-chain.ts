/**
 * Timestamping (TSA) certificate chain requirements (reference §7.2,
 * notation-core-go `x509/timestamp_cert_validations.go`): the code-signing
 * structure, but keyUsage need not be critical, the leaf EKU must be exactly
 * id-kp-timeStamping and critical (RFC 3161 §2.3), and no signing-time check.
 */
import type { Certificate } from './certificate';
import { chainError, validateChain } from './chain-rules';
import { goQuote } from './go-quote';
import { goView } from './go-view';

const EXTENDED_KEY_USAGE_OID = '2.5.29.37';

/**
 * Validate a TSA chain ordered leaf → root. Throws NotaryError with
 * notation's messages: ERR_CERT_CHAIN_INVALID, ERR_CERT_KEY_USAGE,
 * ERR_CERT_EKU, ERR_WEAK_KEY / ERR_UNSUPPORTED_ALGORITHM.
 */
export function validateTimestampingCertChain(chain: readonly Certificate[]): void {
  validateChain(chain, { keyUsageMustBeCritical: false, validateLeafExtendedKeyUsage: validateTimestampingExtendedKeyUsage });
}

function validateTimestampingExtendedKeyUsage(certificate: Certificate): void {
  const view = goView(certificate);
  const subject = goQuote(certificate.subject);
  if (view.extKeyUsage.length !== 1 || view.extKeyUsage[0] !== 'Timestamping' || view.unknownExtKeyUsage.length !== 0) {
    throw chainError('ERR_CERT_EKU', `timestamp signing certificate with subject ${subject} must have and only have Timestamping as extended key usage`, certificate);
  }
  const extension = view.extensions.find((candidate) => candidate.id === EXTENDED_KEY_USAGE_OID);
  if (extension && !extension.critical) {
    throw chainError('ERR_CERT_EKU', `timestamp signing certificate with subject ${subject} must have extended key usage extension marked as critical`, certificate);
  }
}
