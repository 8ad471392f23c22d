/**
 * The integrity step (reference §8 step 1): pick the codec by media type,
 * parse, verify the signature against x5c[0]'s key, check the headers, run
 * the base checks, then check the payload content type — in notation-go's
 * order, so the first failure reported is the one notation reports.
 */
import { NotaryError, isNotaryError } from '../errors';
import { PAYLOAD_CONTENT_TYPE, type EnvelopeContent, type EnvelopeMediaType } from '../types';
import { goQuote } from '../x509/go-quote';
import { checkCriticalHeaders, completeContent } from './checks';
import type { EnvelopeCodec } from './codec';
import { COSE_MEDIA_TYPE, coseCodec } from './cose';
import { parseFailure, verifyFailure } from './failure';
import { JWS_MEDIA_TYPE, jwsCodec } from './jws';

export const ENVELOPE_MEDIA_TYPES: readonly EnvelopeMediaType[] = [JWS_MEDIA_TYPE, COSE_MEDIA_TYPE];

export function isEnvelopeMediaType(mediaType: string): mediaType is EnvelopeMediaType {
  return mediaType === JWS_MEDIA_TYPE || mediaType === COSE_MEDIA_TYPE;
}

function codecFor(mediaType: string): EnvelopeCodec<unknown> {
  if (mediaType === JWS_MEDIA_TYPE) return jwsCodec as EnvelopeCodec<unknown>;
  if (mediaType === COSE_MEDIA_TYPE) return coseCodec as EnvelopeCodec<unknown>;
  throw parseFailure(`signature envelope format with media type ${goQuote(mediaType)} is not supported`, 'ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE');
}

function toBuffer(bytes: Buffer | Uint8Array): Buffer {
  if (Buffer.isBuffer(bytes)) return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError('envelope bytes must be a Buffer or Uint8Array');
}

/** notation-go treats any error it did not expect as "verification inconclusive" (never a crash, never a pass). */
function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isNotaryError(error)) throw error;
    throw new NotaryError('ERR_INCONCLUSIVE', error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/**
 * Verify an envelope's integrity and return what it says. Throws NotaryError
 * whose message is notation's integrity error text (see `failure.ts`):
 * ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE, ERR_ENVELOPE_MALFORMED,
 * ERR_SIGNATURE_INVALID, ERR_UNSUPPORTED_ALGORITHM, ERR_ALGORITHM_MISMATCH,
 * ERR_WEAK_KEY, ERR_CRITICAL_HEADER, ERR_HEADER_INVALID, ERR_PAYLOAD_INVALID,
 * or a certificate-chain code (ERR_CERT_CHAIN_INVALID, ERR_CERT_KEY_USAGE, ERR_CERT_EKU…).
 *
 * Not checked here (the verifier's later steps): trust, identity, expiry
 * against now, certificate validity, timestamps, revocation, plugins.
 */
export function verifyEnvelope(bytes: Buffer | Uint8Array, mediaType: string): EnvelopeContent {
  const input = toBuffer(bytes);
  return guard(() => {
    const codec = codecFor(mediaType);
    const parsed = codec.parse(input);
    codec.verifySignature(parsed);
    const decoded = codec.content(parsed);
    checkCriticalHeaders(decoded);
    const content = completeContent(decoded);
    // After the cryptographic check, as notation-go does (reference §3 [impl]).
    if (content.payload.contentType !== PAYLOAD_CONTENT_TYPE) {
      throw verifyFailure('ERR_PAYLOAD_INVALID', `payload content type ${goQuote(content.payload.contentType)} not supported`);
    }
    return content;
  });
}

/**
 * Read an envelope without checking its signature (notation-core-go
 * `Content()`, what `notation inspect` shows): the headers and base checks
 * run, the cryptographic check, the critical-header policy and the payload
 * content-type check do not. Never trust what this returns.
 */
export function parseEnvelope(bytes: Buffer | Uint8Array, mediaType: string): EnvelopeContent {
  const input = toBuffer(bytes);
  return guard(() => {
    const codec = codecFor(mediaType);
    const parsed = codec.parse(input);
    return completeContent(codec.content(parsed));
  });
}
