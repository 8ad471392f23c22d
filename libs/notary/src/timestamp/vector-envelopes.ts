/**
 * Test support: the timestamp-related parts of a vector envelope, read
 * directly (JWS JSON header / COSE_Sign1 unprotected map), so the timestamp
 * tests do not depend on the envelope codecs.
 */
import { readFileSync } from 'node:fs';
import { Tagged, decodeFirstSync } from 'cbor';
import type { SignedTime } from '../types';
import { Certificate, parseCertificate } from '../x509/certificate';

export const TIMESTAMP_HEADER = 'io.cncf.notary.timestampSignature';
const COSE_X5CHAIN = 33;

export interface EnvelopeTimestampParts {
  /** The RFC 3161 token, if the envelope carries one. */
  token?: Buffer;
  /** The primitive signature bytes (what the token countersigns). */
  signature: Buffer;
  /** x5c / x5chain, leaf first. */
  chain: Certificate[];
  signingTime: SignedTime;
}

export function readEnvelopeTimestampParts(path: string, mediaType: string): EnvelopeTimestampParts {
  const bytes = readFileSync(path);
  return mediaType === 'application/cose' ? readCose(bytes) : readJws(bytes);
}

function readJws(bytes: Buffer): EnvelopeTimestampParts {
  const envelope = JSON.parse(bytes.toString('utf8')) as {
    protected: string;
    signature: string;
    header: Record<string, unknown>;
  };
  const protectedHeader = JSON.parse(Buffer.from(envelope.protected, 'base64url').toString('utf8')) as Record<string, string>;
  const text = protectedHeader['io.cncf.notary.signingTime']!;
  const token = envelope.header[TIMESTAMP_HEADER];
  const parts: EnvelopeTimestampParts = {
    signature: Buffer.from(envelope.signature, 'base64url'),
    chain: (envelope.header['x5c'] as string[]).map((der) => parseCertificate(Buffer.from(der, 'base64'))),
    signingTime: { date: new Date(text), text },
  };
  if (typeof token === 'string') parts.token = Buffer.from(token, 'base64');
  return parts;
}

function readCose(bytes: Buffer): EnvelopeTimestampParts {
  const sign1 = decodeFirstSync(bytes, { preferMap: true }) as Tagged | unknown[];
  const [protectedBytes, unprotected, , signature] = (sign1 instanceof Tagged ? sign1.value : sign1) as [Uint8Array, Map<unknown, unknown>, unknown, Uint8Array];
  const protectedHeader = decodeFirstSync(protectedBytes, { preferMap: true }) as Map<unknown, unknown>;
  const signingTime = protectedHeader.get('io.cncf.notary.signingTime');
  const chain = unprotected.get(COSE_X5CHAIN);
  const token = unprotected.get(TIMESTAMP_HEADER);
  const parts: EnvelopeTimestampParts = {
    signature: Buffer.from(signature),
    chain: (Array.isArray(chain) ? chain : [chain]).map((der: Uint8Array) => parseCertificate(Buffer.from(der))),
    signingTime: { date: signingTime instanceof Date ? signingTime : new Date(Number(signingTime) * 1000) },
  };
  if (token instanceof Uint8Array) parts.token = Buffer.from(token);
  return parts;
}
