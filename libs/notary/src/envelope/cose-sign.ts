/**
 * Writing COSE_Sign1_Tagged envelopes as go-cose does for notation: the
 * protected header map in core deterministic encoding inside a bstr, times
 * as tag-1 epoch seconds, Sig_structure signed, then
 * `18([protected, unprotected, payload, signature])`.
 */
import { constants as cryptoConstants, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { signatureAlgorithmFromCose, type CoseAlgorithm } from '../x509/key-spec';
import { CborTag, encodeByteString, encodeCbor } from './cbor';
import { HASH_LENGTH, TAGGED_SIGN1_PREFIX, sigStructure, type HeaderMap } from './cose-model';

/** Encode a protected header map into its bstr item (what Sig_structure and the message carry). */
export function encodeProtectedHeader(header: HeaderMap): Buffer {
  return encodeByteString(encodeCbor(header));
}

/** Sign Sig_structure with the key (RSA-PSS salt = hash length; ECDSA raw r||s). */
export function signCose(rawProtected: Buffer, payload: Buffer, privateKey: KeyObject, alg: CoseAlgorithm): Buffer {
  const algorithm = signatureAlgorithmFromCose(alg)!;
  const hash = algorithm.endsWith('256') ? 'sha256' : algorithm.endsWith('384') ? 'sha384' : 'sha512';
  const data = sigStructure(rawProtected, payload);
  return algorithm.startsWith('RSASSA-PSS')
    ? cryptoSign(hash, data, { key: privateKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LENGTH[hash] })
    : cryptoSign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
}

/** COSE_Sign1_Tagged bytes: `18([protected, unprotected, payload, signature])`. */
export function serializeCose(rawProtected: Buffer, unprotected: HeaderMap, payload: Buffer, signature: Buffer): Buffer {
  return Buffer.concat([Buffer.from(TAGGED_SIGN1_PREFIX), rawProtected, encodeCbor(unprotected), encodeByteString(payload), encodeByteString(signature)]);
}

/** A tag-1 epoch time as go-cose writes it (integer seconds). */
export function epochTime(date: Date): CborTag {
  return new CborTag(1, Math.floor(date.getTime() / 1000));
}
