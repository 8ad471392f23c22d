/**
 * COSE_Sign1 as parsed (reference §5), and what the parser, verifier,
 * reader and writer share: labels, Sig_structure, the certificate memo.
 */
import { parseCertificate, type Certificate } from '../x509/certificate';
import { encodeByteString, encodeCbor, type CborValue } from './cbor';

/** COSE header labels (RFC 9052 §3.1, RFC 9360). */
export const LABEL = { alg: 1, crit: 2, contentType: 3, kid: 4, iv: 5, partialIv: 6, x5chain: 33 } as const;

export type HeaderLabel = number | string;
export type HeaderMap = Map<HeaderLabel, CborValue>;

export interface ParsedCose {
  /** The protected header item as received (bstr head + content), for Sig_structure. */
  rawProtected: Buffer;
  protected: HeaderMap;
  unprotected: HeaderMap;
  /** null when the payload is nil (detached). */
  payload: Buffer | null;
  signature: Buffer;
}

export const TAGGED_SIGN1_PREFIX = [0xd2, 0x84]; // tag 18, array(4)

export const isInt = (value: CborValue): boolean => typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
export const isLabel = (value: CborValue): boolean => isInt(value) || typeof value === 'string';

/** `["Signature1", protected (as received), h'', payload]`, canonically encoded (RFC 9052 §4.4). */
export function sigStructure(rawProtected: Buffer, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x84]), encodeCbor('Signature1'), rawProtected, encodeByteString(Buffer.alloc(0)), encodeByteString(payload)]);
}

export const HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;
export const HASH_LENGTH = { sha256: 32, sha384: 48, sha512: 64 } as const;

/**
 * The certificate for DER bytes. The few most recent are matched byte for
 * byte first (a memcmp), which is cheaper than `parseCertificate`'s
 * content-addressed lookup; admission sees the same few chains repeatedly.
 */
const RECENT_LIMIT = 16;
const recentCertificates: Array<{ der: Buffer; certificate: Certificate }> = [];

export function certificateOf(der: Buffer): Certificate {
  for (const entry of recentCertificates) if (entry.der.length === der.length && entry.der.equals(der)) return entry.certificate;
  const certificate = parseCertificate(der);
  if (recentCertificates.length >= RECENT_LIMIT) recentCertificates.pop();
  recentCertificates.unshift({ der: certificate.der, certificate });
  return certificate;
}
