/**
 * Go `Certificate.CheckSignature(algo, signed, signature)` for OCSP responses
 * and CRLs (x/crypto/ocsp `CheckSignatureFrom`, `RevocationList.CheckSignatureFrom`):
 * the signature algorithm named by the structure, verified with Node crypto.
 * SHA-1 is accepted here as Go accepts it for these (only certificates refuse it).
 */
import { constants as cryptoConstants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509';

const RSA_PKCS1: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA: Record<string, string> = {
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const HASHES: Record<string, { name: string; length: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', length: 20 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', length: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', length: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', length: 64 },
};
const RSA_PSS = '1.2.840.113549.1.1.10';
const ED25519 = '1.3.101.112';

/** Null when `signature` over `data` verifies with `key` under `algorithm`, else why not. */
export function signatureError(algorithm: AlgorithmIdentifier, data: Buffer, signature: Buffer, key: KeyObject): string | null {
  const type = key.asymmetricKeyType;
  let valid: boolean;
  try {
    const oid = algorithm.algorithm;
    if (RSA_PKCS1[oid]) {
      if (type !== 'rsa') return `signature algorithm ${oid} does not match a ${type} key`;
      valid = cryptoVerify(RSA_PKCS1[oid], data, { key, padding: cryptoConstants.RSA_PKCS1_PADDING }, signature);
    } else if (oid === RSA_PSS) {
      if (type !== 'rsa' && type !== 'rsa-pss') return `signature algorithm ${oid} does not match a ${type} key`;
      const params = AsnConvert.parse(algorithm.parameters!, RsaSaPssParams);
      const hash = HASHES[params.hashAlgorithm.algorithm];
      if (!hash) return `unsupported RSA-PSS hash ${params.hashAlgorithm.algorithm}`;
      valid = cryptoVerify(hash.name, data, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature);
    } else if (ECDSA[oid]) {
      if (type !== 'ec') return `signature algorithm ${oid} does not match a ${type} key`;
      valid = cryptoVerify(ECDSA[oid], data, key, signature);
    } else if (oid === ED25519) {
      if (type !== 'ed25519') return `signature algorithm ${oid} does not match a ${type} key`;
      valid = cryptoVerify(null, data, key, signature);
    } else {
      return `unsupported signature algorithm ${oid}`;
    }
  } catch (error) {
    return `signature verification failed: ${(error as Error).message}`;
  }
  return valid ? null : 'signature verification failed';
}

/** The Node name of a CertID hash algorithm (RFC 6960 §4.1.1), or undefined. */
export function hashName(oid: string): string | undefined {
  return HASHES[oid]?.name;
}
