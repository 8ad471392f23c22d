/**
 * Writing JWS envelopes as notation-go does (reference §4.4): golang-jwt's
 * `SignedString` over the protected header map and the payload claims (both
 * `json.Marshal`ed: compact, keys sorted), split into flattened JSON with the
 * unprotected header `{timestampSignature?, x5c, signingAgent?}`.
 */
import { constants as cryptoConstants, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { SigningScheme } from '../types';
import type { Certificate } from '../x509/certificate';
import type { JwsAlgorithm } from '../x509/key-spec';
import { HEADER } from './codec';
import { encodeRawUrl, encodeStd } from './go-base64';
import { goJsonKind, goJsonMarshal, goJsonString } from './go-json';
import { METHODS } from './jws-algorithms';

export interface JwsEncodeInput {
  /** The protected header as a JSON object; written as Go does (compact, keys sorted). */
  protectedHeader: Record<string, unknown>;
  /** Payload bytes as they go into the `payload` member. */
  payload: Buffer;
  privateKey: KeyObject;
  /** Selects hash and padding; must suit `privateKey` (PS* → RSA, ES* → EC). */
  alg: JwsAlgorithm;
  certificateChain: readonly Certificate[];
  signingAgent?: string;
}

/** The signed parts of a JWS, before the unprotected header (and any timestamp) is added. */
export interface SignedJws {
  protected: string;
  payload: string;
  signature: Buffer;
}

/** Sign `base64url(header).base64url(payload)` (RSA-PSS salt = hash length, ECDSA raw r||s). */
export function signJws(input: JwsEncodeInput): SignedJws {
  const method = METHODS[input.alg];
  const protectedSegment = encodeRawUrl(Buffer.from(goJsonMarshal(input.protectedHeader), 'utf8'));
  const payloadSegment = encodeRawUrl(input.payload);
  const data = Buffer.from(`${protectedSegment}.${payloadSegment}`, 'utf8');
  const signature =
    method.keyType === 'rsa'
      ? cryptoSign(method.hash, data, { key: input.privateKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: method.hashLength })
      : cryptoSign(method.hash, data, { key: input.privateKey, dsaEncoding: 'ieee-p1363' });
  return { protected: protectedSegment, payload: payloadSegment, signature };
}

/** The envelope JSON notation-go writes (`json.Marshal(jwsEnvelope)`: member order fixed, empty options omitted). */
export function serializeJws(signed: SignedJws, certificateChain: readonly Certificate[], signingAgent?: string, timestampToken?: Buffer): Buffer {
  const header: string[] = [];
  if (timestampToken && timestampToken.length > 0) header.push(`${goJsonString(HEADER.timestampSignature)}:${goJsonString(encodeStd(timestampToken))}`);
  header.push(`"x5c":[${certificateChain.map((certificate) => goJsonString(encodeStd(certificate.der))).join(',')}]`);
  if (signingAgent) header.push(`${goJsonString(HEADER.signingAgent)}:${goJsonString(signingAgent)}`);
  const json =
    `{"payload":${goJsonString(signed.payload)},"protected":${goJsonString(signed.protected)},` +
    `"header":{${header.join(',')}},"signature":${goJsonString(encodeRawUrl(signed.signature))}}`;
  return Buffer.from(json, 'utf8');
}

/** Re-marshal a JSON payload as golang-jwt does (`MapClaims` → `json.Marshal`: keys sorted, HTML-safe). */
export function jwtClaimsBytes(payload: Buffer): Buffer {
  const value = JSON.parse(payload.toString('utf8')) as unknown;
  if (goJsonKind(value) !== 'object') throw new TypeError('the JWS payload must be a JSON object');
  return Buffer.from(goJsonMarshal(value), 'utf8');
}

/** The signing time or authentic signing time label of a scheme. */
export function signingTimeHeader(scheme: SigningScheme): string {
  return scheme === 'notary.x509' ? HEADER.signingTime : HEADER.authenticSigningTime;
}
