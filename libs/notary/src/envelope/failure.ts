/**
 * How envelope failures are reported. Every failure is a NotaryError whose
 * `message` is exactly the integrity error notation-go's verifier reports
 * (reference §8 step 1), so the verifier can use it verbatim:
 *
 * - failures while *parsing* (notation-core-go `ParseEnvelope`) carry the
 *   verifier's prefix: `unable to parse the digital signature, error : <reason>`;
 * - failures while *verifying* are the envelope's own text, e.g.
 *   `signature is invalid. Error: crypto/rsa: verification error`.
 *
 * `data.reason` holds the text without the parse prefix (what notation-core-go
 * itself returns, and what `notation inspect` prints), `data.phase` says which.
 */
import { NotaryError, type NotaryErrorCode } from '../errors';

export const PARSE_ERROR_PREFIX = 'unable to parse the digital signature, error : ';

export type EnvelopeFailurePhase = 'parse' | 'verify';

/** A failure of `ParseEnvelope` (always ERR_ENVELOPE_MALFORMED, or the unsupported media type). */
export function parseFailure(reason: string, code: NotaryErrorCode = 'ERR_ENVELOPE_MALFORMED', cause?: unknown): NotaryError {
  return new NotaryError(code, PARSE_ERROR_PREFIX + reason, withCause({ data: { reason, phase: 'parse' } }, cause));
}

/** A failure after parsing: the message is notation's text as is. */
export function verifyFailure(code: NotaryErrorCode, message: string, cause?: unknown): NotaryError {
  return new NotaryError(code, message, withCause({ data: { reason: message, phase: 'verify' } }, cause));
}

/** notation-core-go `SignatureIntegrityError`: `signature is invalid. Error: <cause>`. */
export function integrityFailure(code: NotaryErrorCode, cause: string): NotaryError {
  return verifyFailure(code, `signature is invalid. Error: ${cause}`);
}

function withCause(options: { data: Record<string, unknown>; cause?: unknown }, cause: unknown): typeof options {
  if (cause !== undefined) options.cause = cause;
  return options;
}
