/**
 * notation's key specs (reference §6, notation-core-go `signature/algorithm.go`
 * `ExtractKeySpec`): the signing key alone decides the signature algorithm,
 * and only RSA 2048/3072/4096 and ECDSA P-256/384/521 keys are accepted.
 */
import type { KeyObject } from 'node:crypto';
import { NotaryError } from '../errors';
import type { HashName, SignatureAlgorithm } from '../types';
import { Certificate } from './certificate';

export type KeySpecName = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'EC-256' | 'EC-384' | 'EC-521';
export type JwsAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';
/** COSE algorithm identifiers (RFC 9053): PS256 -37, PS384 -38, PS512 -39, ES256 -7, ES384 -35, ES512 -36. */
export type CoseAlgorithm = -37 | -38 | -39 | -7 | -35 | -36;

export interface KeySpec {
  /** Plugin-protocol name, e.g. `RSA-3072`. */
  keySpec: KeySpecName;
  keyType: 'RSA' | 'EC';
  /** Key size in bits (RSA modulus bytes × 8, as Go's `key.Size() << 3`; EC curve size). */
  size: number;
  /** notation's display name, e.g. `RSASSA-PSS-SHA-384`. */
  signatureAlgorithm: SignatureAlgorithm;
  jwsAlg: JwsAlgorithm;
  coseAlg: CoseAlgorithm;
  /** Hash used for the signature, blob digests and timestamps. */
  hash: HashName;
  /** Node crypto digest name for `hash` (`sha256`, `sha384`, `sha512`). */
  nodeHash: 'sha256' | 'sha384' | 'sha512';
  /** For EC keys: the NIST curve (`P-256`…); undefined for RSA. */
  namedCurve?: 'P-256' | 'P-384' | 'P-521';
}

/** A row of the table: a key spec but for `nodeHash`, which follows from `hash`. */
type AlgorithmRow = Omit<KeySpec, 'nodeHash'>;

/** Reference §6, one row per accepted key. */
const ALGORITHMS: readonly AlgorithmRow[] = [
  { keySpec: 'RSA-2048', keyType: 'RSA', size: 2048, signatureAlgorithm: 'RSASSA-PSS-SHA-256', jwsAlg: 'PS256', coseAlg: -37, hash: 'SHA-256' },
  { keySpec: 'RSA-3072', keyType: 'RSA', size: 3072, signatureAlgorithm: 'RSASSA-PSS-SHA-384', jwsAlg: 'PS384', coseAlg: -38, hash: 'SHA-384' },
  { keySpec: 'RSA-4096', keyType: 'RSA', size: 4096, signatureAlgorithm: 'RSASSA-PSS-SHA-512', jwsAlg: 'PS512', coseAlg: -39, hash: 'SHA-512' },
  { keySpec: 'EC-256', keyType: 'EC', size: 256, signatureAlgorithm: 'ECDSA-SHA-256', jwsAlg: 'ES256', coseAlg: -7, hash: 'SHA-256', namedCurve: 'P-256' },
  { keySpec: 'EC-384', keyType: 'EC', size: 384, signatureAlgorithm: 'ECDSA-SHA-384', jwsAlg: 'ES384', coseAlg: -35, hash: 'SHA-384', namedCurve: 'P-384' },
  { keySpec: 'EC-521', keyType: 'EC', size: 521, signatureAlgorithm: 'ECDSA-SHA-512', jwsAlg: 'ES512', coseAlg: -36, hash: 'SHA-512', namedCurve: 'P-521' },
];

const NODE_HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;

/** Curve sizes of the curves Go's x509 parser knows (others fail to parse in Go: "unsupported public key type" here). */
const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  secp224r1: 224,
  'P-224': 224,
};

function toKeySpec(row: AlgorithmRow): KeySpec {
  const spec: KeySpec = {
    keySpec: row.keySpec,
    keyType: row.keyType,
    size: row.size,
    signatureAlgorithm: row.signatureAlgorithm,
    jwsAlg: row.jwsAlg,
    coseAlg: row.coseAlg,
    hash: row.hash,
    nodeHash: NODE_HASH[row.hash],
  };
  if (row.namedCurve) spec.namedCurve = row.namedCurve;
  return spec;
}

/**
 * The key spec of a public key (or of a certificate's key). Throws
 * NotaryError with notation's exact wording:
 * `rsa key size %d bits is not supported` / `ecdsa key size %d bits is not supported` (ERR_WEAK_KEY),
 * `unsupported public key type` (ERR_UNSUPPORTED_ALGORITHM).
 */
export function keySpecOf(keyOrCertificate: KeyObject | Certificate): KeySpec {
  let key: KeyObject;
  try {
    key = keyOrCertificate instanceof Certificate ? keyOrCertificate.publicKey : keyOrCertificate;
  } catch (cause) {
    // Node cannot even load the key (unknown curve / algorithm): Go leaves it unparsed too.
    throw new NotaryError('ERR_UNSUPPORTED_ALGORITHM', 'unsupported public key type', { cause });
  }
  const details = key.asymmetricKeyDetails ?? {};
  // `rsa-pss` SPKI keys (id-RSASSA-PSS) are not parsed by Go's x509 either.
  if (key.asymmetricKeyType === 'rsa') {
    const bits = Math.ceil((details.modulusLength ?? 0) / 8) * 8; // Go: key.Size() << 3
    const row = ALGORITHMS.find((candidate) => candidate.keyType === 'RSA' && candidate.size === bits);
    if (!row) throw new NotaryError('ERR_WEAK_KEY', `rsa key size ${bits} bits is not supported`, { data: { keyType: 'RSA', size: bits } });
    return toKeySpec(row);
  }
  if (key.asymmetricKeyType === 'ec') {
    const bits = CURVE_BITS[details.namedCurve ?? ''];
    if (bits === undefined) throw new NotaryError('ERR_UNSUPPORTED_ALGORITHM', 'unsupported public key type', { data: { namedCurve: details.namedCurve } });
    const row = ALGORITHMS.find((candidate) => candidate.keyType === 'EC' && candidate.size === bits);
    if (!row) throw new NotaryError('ERR_WEAK_KEY', `ecdsa key size ${bits} bits is not supported`, { data: { keyType: 'EC', size: bits } });
    return toKeySpec(row);
  }
  throw new NotaryError('ERR_UNSUPPORTED_ALGORITHM', 'unsupported public key type', { data: { keyType: key.asymmetricKeyType } });
}

/** The key spec for a plugin key-spec name (`RSA-3072`), or undefined. */
export function keySpecByName(name: string): KeySpec | undefined {
  const row = ALGORITHMS.find((candidate) => candidate.keySpec === name);
  return row && toKeySpec(row);
}

/** The key spec whose signature algorithm is `algorithm` (`ECDSA-SHA-384`), or undefined. */
export function keySpecBySignatureAlgorithm(algorithm: string): KeySpec | undefined {
  const row = ALGORITHMS.find((candidate) => candidate.signatureAlgorithm === algorithm);
  return row && toKeySpec(row);
}

/** JWS `alg` → signature algorithm (`PS384` → `RSASSA-PSS-SHA-384`); undefined for any other alg. */
export function signatureAlgorithmFromJws(alg: unknown): SignatureAlgorithm | undefined {
  return ALGORITHMS.find((row) => row.jwsAlg === alg)?.signatureAlgorithm;
}

/** COSE `alg` label value → signature algorithm (-7 → `ECDSA-SHA-256`); undefined for any other value. */
export function signatureAlgorithmFromCose(alg: unknown): SignatureAlgorithm | undefined {
  return ALGORITHMS.find((row) => row.coseAlg === alg)?.signatureAlgorithm;
}

/** Signature algorithm → JWS `alg`. */
export function jwsAlgorithmOf(algorithm: SignatureAlgorithm): JwsAlgorithm {
  return rowOf(algorithm).jwsAlg;
}

/** Signature algorithm → COSE `alg`. */
export function coseAlgorithmOf(algorithm: SignatureAlgorithm): CoseAlgorithm {
  return rowOf(algorithm).coseAlg;
}

/** Signature algorithm → hash name (`SHA-384`). */
export function hashOf(algorithm: SignatureAlgorithm): HashName {
  return rowOf(algorithm).hash;
}

function rowOf(algorithm: SignatureAlgorithm): AlgorithmRow {
  const row = ALGORITHMS.find((candidate) => candidate.signatureAlgorithm === algorithm);
  if (!row) throw new TypeError(`unknown signature algorithm ${String(algorithm)}`);
  return row;
}
