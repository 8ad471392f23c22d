/**
 * Producing envelopes exactly as notation-go does (reference §4.4, §5;
 * notation-core-go `internal/base` `Sign`, `jws.Sign`, `cose.Sign`):
 * times truncated to whole seconds, the payload content type fixed, the
 * required headers marked critical, the certificate chain checked at the
 * signing time. The signature primitive is RSA-PSS (salt = hash length) or
 * ECDSA (raw r||s); the key alone picks the algorithm (§6).
 */
import { createPublicKey, KeyObject } from 'node:crypto';
import { NotaryError, isNotaryError } from '../errors';
import { PAYLOAD_CONTENT_TYPE, type ExtendedAttribute, type HashName, type SigningScheme } from '../types';
import type { Certificate } from '../x509/certificate';
import { validateCodeSigningCertChain } from '../x509/codesigning-chain';
import { goQuote } from '../x509/go-quote';
import { keySpecOf, type KeySpec } from '../x509/key-spec';
import { CborTag, type CborValue } from './cbor';
import { HEADER, isSigningScheme } from './codec';
import { LABEL, encodeProtectedHeader, epochTime, serializeCose, signCose, type HeaderLabel, type HeaderMap } from './cose';
import { goJsonMarshal } from './go-json';
import { jwtClaimsBytes, serializeJws, signJws, signingTimeHeader } from './jws';
import { formatSigningTime } from './rfc3339';

export type EnvelopeFormat = 'jws' | 'cose';

export interface SignEnvelopeOptions {
  format: EnvelopeFormat;
  /** The payload document (`buildPayload`), `application/vnd.cncf.notary.payload.v1+json`. */
  payload: Buffer;
  /** Default `notary.x509`. */
  signingScheme?: SigningScheme;
  /** Default: now. Truncated to whole seconds. */
  signingTime?: Date;
  /** Optional; truncated to whole seconds; must be after the signing time. */
  expiry?: Date;
  /** The private key of `certificateChain[0]`. */
  key: KeyObject;
  /** Leaf first, root last (notation requires the root). */
  certificateChain: readonly Certificate[];
  /** `io.cncf.notary.signingAgent`; omitted when empty. */
  signingAgent?: string;
  /** Extra signed attributes (JWS: string keys only). */
  extendedAttributes?: readonly ExtendedAttribute[];
  /**
   * An RFC 3161 TimeStampToken (DER) for `io.cncf.notary.timestampSignature`,
   * or a function that obtains one over the signature bytes. For an
   * asynchronous TSA use `prepareEnvelope`.
   */
  timestampToken?: Buffer | ((signature: Buffer, hash: HashName) => Buffer);
}

/** A signed envelope waiting for its unsigned attributes (`prepareEnvelope`). */
export interface PreparedEnvelope {
  /** The primitive signature bytes — what a timestamp is requested over. */
  signature: Buffer;
  /** The key spec's hash, for the timestamp request (§9). */
  hash: HashName;
  /** The envelope bytes, with the token (if any) in the unprotected header. */
  finish(timestampToken?: Buffer): Buffer;
}

/** Sign and serialize an envelope. Throws NotaryError ERR_SIGNER_INVALID, or TypeError on misuse. */
export function signEnvelope(options: SignEnvelopeOptions): Buffer {
  const prepared = prepareEnvelope(options);
  const token = typeof options.timestampToken === 'function' ? options.timestampToken(prepared.signature, prepared.hash) : options.timestampToken;
  return prepared.finish(token);
}

/** Sign now, add the unsigned attributes later — e.g. after an asynchronous timestamp request. */
export function prepareEnvelope(options: SignEnvelopeOptions): PreparedEnvelope {
  const request = validateRequest(options);
  return options.format === 'jws' ? prepareJws(request) : prepareCose(request);
}

interface SignRequest {
  payload: Buffer;
  scheme: SigningScheme;
  signingTime: Date;
  expiry: Date | undefined;
  key: KeyObject;
  chain: readonly Certificate[];
  spec: KeySpec;
  signingAgent: string | undefined;
  extendedAttributes: readonly ExtendedAttribute[];
}

function refuse(message: string, cause?: unknown): NotaryError {
  return new NotaryError('ERR_SIGNER_INVALID', message, cause === undefined ? {} : { cause });
}

/** Go's `Truncate(time.Second)`. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function validateRequest(options: SignEnvelopeOptions): SignRequest {
  if (options.format !== 'jws' && options.format !== 'cose') throw new TypeError(`unknown envelope format ${String(options.format)}`);
  if (!Buffer.isBuffer(options.payload)) throw new TypeError('payload must be a Buffer');
  if (!(options.key instanceof KeyObject) || options.key.type !== 'private') throw new TypeError('key must be a private KeyObject');
  const chain = options.certificateChain;
  if (!Array.isArray(chain) || chain.length === 0) throw new TypeError('certificateChain must hold at least the signing certificate');
  const scheme = options.signingScheme ?? 'notary.x509';
  if (!isSigningScheme(scheme)) throw refuse(`unsupported SigningScheme: \`${String(scheme)}\``);

  let spec: KeySpec;
  try {
    spec = keySpecOf(chain[0]!);
  } catch (error) {
    if (isNotaryError(error)) throw refuse(error.message, error);
    throw error;
  }
  if (!sameKey(options.key, chain[0]!)) throw refuse('"key and certificate" param is invalid. Error: key not matches certificate');

  if (options.payload.length === 0) throw refuse('content not present');
  const signingTime = wholeSeconds(options.signingTime ?? new Date());
  const expiry = options.expiry ? wholeSeconds(options.expiry) : undefined;
  if (Number.isNaN(signingTime.getTime()) || (expiry && Number.isNaN(expiry.getTime()))) throw new TypeError('invalid date');
  if (expiry && expiry.getTime() <= signingTime.getTime()) throw refuse('expiry cannot be equal or before the signing time');

  try {
    validateCodeSigningCertChain(chain, signingTime);
  } catch (error) {
    if (isNotaryError(error)) throw refuse(`certificate-chain is invalid, ${error.message}`, error);
    throw error;
  }

  const request: SignRequest = {
    payload: options.payload,
    scheme,
    signingTime,
    expiry,
    key: options.key,
    chain,
    spec,
    signingAgent: options.signingAgent || undefined,
    extendedAttributes: options.extendedAttributes ?? [],
  };
  return request;
}

const publicKeyDer = new WeakMap<KeyObject, Buffer>();

function spki(key: KeyObject): Buffer {
  let der = publicKeyDer.get(key);
  if (!der) {
    der = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
    publicKeyDer.set(key, der);
  }
  return der;
}

function sameKey(privateKey: KeyObject, leaf: Certificate): boolean {
  try {
    return spki(privateKey).equals(spki(leaf.publicKey));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- JWS

function prepareJws(request: SignRequest): PreparedEnvelope {
  const header: Record<string, unknown> = {};
  const extended = new Map<string, unknown>();
  const crit: string[] = [HEADER.signingScheme];
  for (const attribute of request.extendedAttributes) {
    if (typeof attribute.key !== 'string') throw refuse('JWS envelope format only supports key of type string');
    if (extended.has(attribute.key)) throw refuse(`${goQuote(attribute.key)} already exists in the extAttrs`);
    extended.set(attribute.key, attribute.value);
    if (attribute.critical) crit.push(attribute.key);
  }
  // notation-core-go `getSignedAttributes`: extended critical names first, then the scheme's.
  if (request.scheme === 'notary.x509.signingAuthority') crit.push(HEADER.authenticSigningTime);
  if (request.expiry) crit.push(HEADER.expiry);
  header.alg = request.spec.jwsAlg;
  header.cty = PAYLOAD_CONTENT_TYPE;
  header.crit = crit;
  header[HEADER.signingScheme] = request.scheme;
  header[signingTimeHeader(request.scheme)] = formatSigningTime(request.signingTime);
  if (request.expiry) header[HEADER.expiry] = formatSigningTime(request.expiry);
  for (const [key, value] of extended) {
    if (key in header) throw refuse(`attribute key:${key} repeated`);
    header[key] = value;
  }
  // Fail on values Go could not marshal before signing anything.
  try {
    goJsonMarshal(header);
  } catch (error) {
    throw refuse(`unexpected error occurred while creating protected headers, Error: ${(error as Error).message}`, error);
  }

  let claims: Buffer;
  try {
    claims = jwtClaimsBytes(request.payload);
  } catch (error) {
    throw refuse(`payload format error: ${(error as Error).message}`, error);
  }
  const signed = signJws({ protectedHeader: header, payload: claims, privateKey: request.key, alg: request.spec.jwsAlg, certificateChain: request.chain });
  return {
    signature: signed.signature,
    hash: request.spec.hash,
    finish: (timestampToken) => serializeJws(signed, request.chain, request.signingAgent, timestampToken),
  };
}

// ---------------------------------------------------------------- COSE

/** JSON-like values as CBOR: objects become maps; only integers are numbers. */
function toCbor(value: unknown): CborValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint' || Buffer.isBuffer(value)) return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw refuse(`cannot encode ${value} in a COSE header`);
    return value;
  }
  if (value instanceof CborTag) return value;
  if (Array.isArray(value)) return value.map(toCbor);
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [toCbor(key), toCbor(item)]));
  if (typeof value === 'object') return new Map(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, toCbor(item)]));
  throw refuse(`cannot encode a ${typeof value} in a COSE header`);
}

function prepareCose(request: SignRequest): PreparedEnvelope {
  const header: HeaderMap = new Map();
  header.set(LABEL.alg, request.spec.coseAlg);
  header.set(LABEL.contentType, PAYLOAD_CONTENT_TYPE);
  header.set(HEADER.signingScheme, request.scheme);
  header.set(signingTimeHeader(request.scheme), epochTime(request.signingTime));
  // notation-core-go `generateProtectedHeaders`: the scheme's names first, then extended critical ones.
  const crit: HeaderLabel[] = [HEADER.signingScheme];
  if (request.scheme === 'notary.x509.signingAuthority') crit.push(HEADER.authenticSigningTime);
  if (request.expiry) {
    crit.push(HEADER.expiry);
    header.set(HEADER.expiry, epochTime(request.expiry));
  }
  for (const attribute of request.extendedAttributes) {
    if (header.has(attribute.key) || attribute.key === LABEL.crit) throw refuse(`${goQuote(String(attribute.key))} already exists in the protected header`);
    if (attribute.critical) crit.push(attribute.key);
    header.set(attribute.key, toCbor(attribute.value));
  }
  header.set(LABEL.crit, crit);

  const rawProtected = encodeProtectedHeader(header);
  const signature = signCose(rawProtected, request.payload, request.key, request.spec.coseAlg);
  return {
    signature,
    hash: request.spec.hash,
    finish: (timestampToken) => {
      const unprotected: HeaderMap = new Map();
      unprotected.set(LABEL.x5chain, request.chain.map((certificate) => certificate.der));
      if (request.signingAgent) unprotected.set(HEADER.signingAgent, request.signingAgent);
      if (timestampToken && timestampToken.length > 0) unprotected.set(HEADER.timestampSignature, timestampToken);
      return serializeCose(rawProtected, unprotected, request.payload, signature);
    },
  };
}
