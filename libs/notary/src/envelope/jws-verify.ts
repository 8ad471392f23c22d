/**
 * The cryptographic check of JWS `Verify` (reference §4.3 steps 2–3): the
 * compact form `protected.payload.signature` parsed and verified the way
 * golang-jwt v4 does it for notation (valid methods = the six algorithms,
 * claims validation off, JSON numbers), against x5c[0]'s key.
 *
 * RSA-PSS salt (§4.3 [impl]): golang-jwt verifies PS256/384/512 with
 * `PSSSaltLengthAuto` — any salt length — and signs with salt = hash
 * length. We verify with `RSA_PSS_SALTLEN_AUTO` too, so every envelope
 * notation accepts we accept; our signer uses the hash length.
 *
 * Node's `crypto.verify` is called directly (no jose): this is the hot path
 * of admission, and jose's extra checks are ones notation makes differently.
 */
import { constants as cryptoConstants, verify as cryptoVerify } from 'node:crypto';
import type { Certificate } from '../x509/certificate';
import { integrityFailure, verifyFailure } from './failure';
import { GoBase64Error, decodeRawUrl } from './go-base64';
import { goJsonSyntaxError, goUnmarshal, goUnmarshalTypeError, isJsonObject } from './go-json';
import { methodOf } from './jws-algorithms';
import { certificateAt, type ParsedJws } from './jws-model';
import { deepFreeze, remember } from './memo';

/** Every method golang-jwt v4 registers; any other `alg` is "unavailable". */
const JWT_REGISTERED = new Set(['ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'none']);

/** golang-jwt `DecodeSegment` (RawURLEncoding), failing as a `SignatureIntegrityError`. */
function decodeSegment(segment: string, clean = false): Buffer {
  if (clean) return Buffer.from(segment, 'base64url');
  try {
    return decodeRawUrl(segment);
  } catch (error) {
    if (error instanceof GoBase64Error) throw integrityFailure('ERR_ENVELOPE_MALFORMED', error.message);
    throw error;
  }
}

/**
 * golang-jwt decodes the claims with a `json.Decoder` into `MapClaims`: only
 * the first JSON value is read and it must be an object (or null).
 */
function checkClaims(bytes: Buffer): void {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    const syntax = goJsonSyntaxError(bytes, 'firstValue');
    if (syntax !== null) throw integrityFailure('ERR_ENVELOPE_MALFORMED', syntax);
    value = firstValueKind(bytes);
  }
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    throw integrityFailure('ERR_PAYLOAD_INVALID', goUnmarshalTypeError(value, 'jwt.MapClaims'));
  }
}

/** A stand-in value of the kind of the first JSON value in `bytes` (already known to be well-formed). */
function firstValueKind(bytes: Buffer): unknown {
  const text = bytes.toString('utf8').trimStart();
  const first = text[0];
  if (first === '{') return {};
  if (first === '[') return [];
  if (first === '"') return '';
  if (first === 't' || first === 'f') return true;
  if (first === 'n') return null;
  return 0;
}

/**
 * Decoding results that depend on a segment's text alone, kept for the
 * segments seen last: the same envelope is verified again and again under
 * admission (each pod, each policy), and its header and claims need not be
 * re-parsed. Values are frozen, so sharing them is safe.
 */
const SEGMENT_MEMO_LIMIT = 512;
const segmentMemo = {
  headers: new Map<string, { bytes: Buffer; value: unknown }>(),
  claims: new Map<string, true>(),
};

/** golang-jwt: the header segment, base64url then JSON into `map[string]interface{}`. */
function decodeJwtHeader(protectedSegment: string, clean: boolean): { bytes: Buffer; value: unknown } {
  let bytes: Buffer;
  try {
    bytes = clean ? Buffer.from(protectedSegment, 'base64url') : decodeRawUrl(protectedSegment);
  } catch (error) {
    if (!(error instanceof GoBase64Error)) throw error;
    const bearer = `${protectedSegment}.`.toLowerCase().startsWith('bearer ');
    throw integrityFailure('ERR_ENVELOPE_MALFORMED', bearer ? "tokenstring should not contain 'bearer '" : error.message);
  }
  const header = goUnmarshal(bytes);
  if ('error' in header) throw integrityFailure('ERR_ENVELOPE_MALFORMED', header.error);
  if (header.value !== null && !isJsonObject(header.value)) {
    throw integrityFailure('ERR_HEADER_INVALID', goUnmarshalTypeError(header.value, 'map[string]interface {}'));
  }
  const decoded = { bytes, value: deepFreeze(header.value) };
  remember(segmentMemo.headers, protectedSegment, decoded, SEGMENT_MEMO_LIMIT);
  return decoded;
}

/** golang-jwt `Parser.Parse` with notation's options, over `protected.payload.signature`. */
export function verifyJwsSignature(parsed: ParsedJws): void {
  if (parsed.certificates.length === 0) throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'certificate chain is not present');
  let leaf: Certificate;
  try {
    leaf = certificateAt(parsed, 0);
  } catch (cause) {
    throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'malformed leaf certificate', cause);
  }

  const { protected: protectedSegment, payload: payloadSegment, signature: signatureSegment } = parsed;
  if (protectedSegment.includes('.') || payloadSegment.includes('.') || signatureSegment.includes('.')) {
    throw integrityFailure('ERR_ENVELOPE_MALFORMED', 'token contains an invalid number of segments');
  }

  parsed.decodedHeader = segmentMemo.headers.get(protectedSegment) ?? decodeJwtHeader(protectedSegment, parsed.segmentsClean === true);
  const header = parsed.decodedHeader;

  const payload = decodeSegment(payloadSegment, parsed.segmentsClean);
  if (!segmentMemo.claims.has(payloadSegment)) {
    checkClaims(payload);
    remember(segmentMemo.claims, payloadSegment, true, SEGMENT_MEMO_LIMIT);
  }
  parsed.decodedPayload = payload;

  const alg = header.value === null ? undefined : (header.value as Record<string, unknown>).alg;
  if (typeof alg !== 'string') throw integrityFailure('ERR_UNSUPPORTED_ALGORITHM', 'signing method (alg) is unspecified.');
  if (!JWT_REGISTERED.has(alg)) throw integrityFailure('ERR_UNSUPPORTED_ALGORITHM', 'signing method (alg) is unavailable.');
  const method = methodOf(alg);
  if (!method) throw integrityFailure('ERR_UNSUPPORTED_ALGORITHM', `signing method ${alg} is invalid`);

  const signature = decodeSegment(signatureSegment, parsed.segmentsClean);
  parsed.decodedSignature = signature;
  const signingInput = signingInputOf(protectedSegment, payloadSegment);
  const key = leaf.publicKey;
  if (method.keyType === 'rsa') {
    if (key.asymmetricKeyType !== 'rsa') throw integrityFailure('ERR_ALGORITHM_MISMATCH', 'key is invalid');
    const valid = safeVerify(method.hash, signingInput, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_AUTO }, signature);
    if (!valid) throw integrityFailure('ERR_SIGNATURE_INVALID', 'crypto/rsa: verification error');
  } else {
    if (key.asymmetricKeyType !== 'ec') throw integrityFailure('ERR_ALGORITHM_MISMATCH', 'key is of invalid type');
    const valid = signature.length === 2 * method.coordinateLength! && safeVerify(method.hash, signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (!valid) throw integrityFailure('ERR_SIGNATURE_INVALID', 'crypto/ecdsa: verification error');
  }
}

/**
 * `protected.payload` as bytes. Both segments decoded as base64url, so they
 * hold only ASCII (the alphabet, or CR/LF that Go skips): write them as is.
 */
function signingInputOf(protectedSegment: string, payloadSegment: string): Buffer {
  const input = Buffer.allocUnsafe(protectedSegment.length + 1 + payloadSegment.length);
  input.write(protectedSegment, 0, 'latin1');
  input[protectedSegment.length] = 0x2e; // '.'
  input.write(payloadSegment, protectedSegment.length + 1, 'latin1');
  return input;
}

function safeVerify(hash: string, data: Buffer, key: Parameters<typeof cryptoVerify>[2], signature: Buffer): boolean {
  try {
    return cryptoVerify(hash, data, key, signature);
  } catch {
    return false; // e.g. a signature longer than the modulus, a key/curve mismatch
  }
}
