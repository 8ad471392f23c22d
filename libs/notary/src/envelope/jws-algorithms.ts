/**
 * The JWS algorithms notation accepts (reference §4.2, §6): golang-jwt's
 * valid methods are exactly PS256/384/512 and ES256/384/512.
 */
import type { JwsAlgorithm } from '../x509/key-spec';

export interface JwsMethod {
  hash: 'sha256' | 'sha384' | 'sha512';
  hashLength: number;
  keyType: 'rsa' | 'ec';
  /** ECDSA: bytes per coordinate (golang-jwt `KeySize`). */
  coordinateLength?: number;
}

/** notation's valid methods (§4.2): exactly these six. */
export const METHODS: Record<JwsAlgorithm, JwsMethod> = {
  PS256: { hash: 'sha256', hashLength: 32, keyType: 'rsa' },
  PS384: { hash: 'sha384', hashLength: 48, keyType: 'rsa' },
  PS512: { hash: 'sha512', hashLength: 64, keyType: 'rsa' },
  ES256: { hash: 'sha256', hashLength: 32, keyType: 'ec', coordinateLength: 32 },
  ES384: { hash: 'sha384', hashLength: 48, keyType: 'ec', coordinateLength: 48 },
  ES512: { hash: 'sha512', hashLength: 64, keyType: 'ec', coordinateLength: 66 },
};

export function methodOf(alg: string): JwsMethod | undefined {
  return Object.prototype.hasOwnProperty.call(METHODS, alg) ? METHODS[alg as JwsAlgorithm] : undefined;
}
