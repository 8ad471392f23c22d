/**
 * Typed errors with stable codes (STYLE.md §4). Tests assert `code`; the
 * `message` reproduces notation-go's wording where notation users see it.
 */
export type NotaryErrorCode =
  // envelope & integrity (always enforced)
  | 'ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE' // media type is neither JWS nor COSE
  | 'ERR_ENVELOPE_MALFORMED' // cannot be parsed (truncated, garbage, wrong shape)
  | 'ERR_ENVELOPE_TOO_LARGE'
  | 'ERR_SIGNATURE_INVALID' // cryptographic check failed (tampered payload/signature)
  | 'ERR_UNSUPPORTED_ALGORITHM' // alg not in PS256/384/512, ES256/384/512, or key size not allowed
  | 'ERR_ALGORITHM_MISMATCH' // header alg differs from the one the signing key implies
  | 'ERR_CRITICAL_HEADER' // unknown critical header, or a required header not marked critical
  | 'ERR_HEADER_INVALID' // a protected header has the wrong type/value/absence
  | 'ERR_PAYLOAD_INVALID' // payload content type / JSON shape
  | 'ERR_CERT_CHAIN_INVALID' // x5c chain fails the certificate requirements
  | 'ERR_WEAK_KEY' // key type or size outside notation's rules
  | 'ERR_CERT_EKU' // leaf EKU not allowed for code signing / timestamping
  | 'ERR_CERT_KEY_USAGE'
  // authenticity
  | 'ERR_UNTRUSTED' // chain holds no trusted certificate
  | 'ERR_TRUSTED_IDENTITY' // leaf subject not among the trusted identities
  // time
  | 'ERR_SIGNATURE_EXPIRED'
  | 'ERR_CERT_EXPIRED' // a chain certificate is not valid at the verification / signing time
  | 'ERR_TIMESTAMP' // RFC 3161 countersignature missing or invalid
  // revocation
  | 'ERR_REVOKED'
  | 'ERR_REVOCATION_UNKNOWN'
  // the signed artifact
  | 'ERR_TARGET_MISMATCH' // payload targetArtifact is not the artifact being verified
  | 'ERR_USER_METADATA'
  // plugins (not supported: a signature requiring one never verifies)
  | 'ERR_PLUGIN_REQUIRED'
  // configuration
  | 'ERR_TRUST_POLICY'
  | 'ERR_TRUST_STORE'
  | 'ERR_NO_APPLICABLE_POLICY'
  // the outer loop over signatures
  | 'ERR_NO_SIGNATURE'
  | 'ERR_TOO_MANY_SIGNATURES'
  | 'ERR_VERIFICATION_FAILED' // every signature tried failed
  | 'ERR_SIGNATURE_MANIFEST_INVALID'
  | 'ERR_SIGNATURE_RETRIEVAL' // the registry refused or mangled what signature listing/reading needs (404, 401/403, bad answer)
  | 'ERR_DIGEST_MISMATCH'
  // signing
  | 'ERR_SIGNER_INVALID'
  // cannot decide: network, registry, timeout (never a "failed" verdict)
  | 'ERR_INCONCLUSIVE';

export class NotaryError extends Error {
  override readonly name: string = 'NotaryError';
  readonly code: NotaryErrorCode;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: NotaryErrorCode, message: string, options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }

  /** True when the failure is "could not decide", not "decided invalid" (STYLE.md §5). */
  get inconclusive(): boolean {
    return this.code === 'ERR_INCONCLUSIVE';
  }
}

export function isNotaryError(value: unknown, code?: NotaryErrorCode): value is NotaryError {
  return value instanceof NotaryError && (code === undefined || value.code === code);
}
