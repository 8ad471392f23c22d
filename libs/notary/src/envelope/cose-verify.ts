/**
 * The cryptographic check of COSE `Verify` (reference §5): the algorithm
 * comes from x5c[0]'s key (§6); go-cose then requires the header `alg` to
 * equal it and verifies Sig_structure — RSA-PSS with salt = hash length
 * (RFC 8230), ECDSA raw r||s.
 */
import { constants as cryptoConstants, verify as cryptoVerify } from 'node:crypto';
import { isNotaryError } from '../errors';
import type { Certificate } from '../x509/certificate';
import { cachedKeySpec } from './checks';
import { HASH, HASH_LENGTH, LABEL, certificateOf, isInt, sigStructure, type ParsedCose } from './cose-model';
import { integrityFailure, verifyFailure } from './failure';

/** go-cose algorithm names, as `algorithm mismatch` prints them. */
const COSE_ALGORITHM_NAMES = new Map<number, string>([
  [-37, 'PS256'],
  [-38, 'PS384'],
  [-39, 'PS512'],
  [-7, 'ES256'],
  [-35, 'ES384'],
  [-36, 'ES512'],
  [-8, 'EdDSA'],
  [-257, 'RS256'],
  [-258, 'RS384'],
  [-259, 'RS512'],
  [0, 'Reserved'],
]);

function coseAlgorithmName(alg: number | bigint): string {
  return COSE_ALGORITHM_NAMES.get(Number(alg)) ?? `unknown algorithm value ${String(alg)}`;
}

function leafCertificate(parsed: ParsedCose): Certificate {
  const chain = parsed.unprotected.get(LABEL.x5chain);
  if (!Array.isArray(chain) || chain.length === 0) throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'certificate chain is not present');
  const first = chain[0];
  if (!Buffer.isBuffer(first)) throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'COSE envelope malformed leaf certificate');
  try {
    return certificateOf(first);
  } catch (cause) {
    throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'malformed leaf certificate', cause);
  }
}

/** notation-core-go COSE `Verify`: algorithm from the leaf key, then go-cose `Sign1Message.Verify`. */
export function verifyCoseSignature(parsed: ParsedCose): void {
  const leaf = leafCertificate(parsed);
  let spec;
  try {
    spec = cachedKeySpec(leaf);
  } catch (error) {
    if (isNotaryError(error)) throw verifyFailure(error.code, error.message, error);
    throw error;
  }
  if (parsed.payload === null) throw integrityFailure('ERR_PAYLOAD_INVALID', 'missing payload');
  const alg = parsed.protected.get(LABEL.alg);
  if (alg === undefined) throw integrityFailure('ERR_HEADER_INVALID', 'algorithm not found');
  if (typeof alg === 'string') throw integrityFailure('ERR_UNSUPPORTED_ALGORITHM', `unknown algorithm value ${JSON.stringify(alg)}`);
  if (!isInt(alg)) throw integrityFailure('ERR_HEADER_INVALID', 'invalid algorithm');
  if (Number(alg) !== spec.coseAlg) {
    throw integrityFailure('ERR_ALGORITHM_MISMATCH', `algorithm mismatch: verifier ${coseAlgorithmName(spec.coseAlg)}: header ${coseAlgorithmName(alg as number | bigint)}`);
  }
  const hash = HASH[spec.hash];
  const data = sigStructure(parsed.rawProtected, parsed.payload);
  const key = leaf.publicKey;
  let valid: boolean;
  try {
    valid =
      spec.keyType === 'RSA'
        ? cryptoVerify(hash, data, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LENGTH[hash] }, parsed.signature)
        : parsed.signature.length === 2 * Math.ceil(spec.size / 8) && cryptoVerify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, parsed.signature);
  } catch {
    valid = false;
  }
  if (!valid) throw integrityFailure('ERR_SIGNATURE_INVALID', 'verification error');
}
