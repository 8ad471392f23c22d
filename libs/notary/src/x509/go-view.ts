/**
 * A certificate as Go's `crypto/x509` sees it — the fields notation-core-go's
 * chain rules read (`Version`, `BasicConstraintsValid`, `IsCA`, `MaxPathLen`,
 * `KeyUsage`, `ExtKeyUsage`, `UnknownExtKeyUsage`, `Extensions`) and Go's
 * `CheckSignature` / `CheckSignatureFrom` with Go's exact error strings, so our
 * chain errors read as notation's do (reference §7).
 */
import { constants as cryptoConstants, verify as cryptoVerify, KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  BasicConstraints,
  Certificate as AsnCertificate,
  ExtendedKeyUsage,
  KeyUsage,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
} from '@peculiar/asn1-x509';
import { RsaSaPssParams, id_mgf1 } from '@peculiar/asn1-rsa';
import type { Certificate } from './certificate';
import { firstElementOf, readHeader } from '../der';

/** Go `x509.KeyUsage` bits (same bit order as the ASN.1 BIT STRING). */
export const GoKeyUsage = {
  DigitalSignature: 1 << 0,
  ContentCommitment: 1 << 1,
  KeyEncipherment: 1 << 2,
  DataEncipherment: 1 << 3,
  KeyAgreement: 1 << 4,
  CertSign: 1 << 5,
  CRLSign: 1 << 6,
  EncipherOnly: 1 << 7,
  DecipherOnly: 1 << 8,
} as const;

/** Go `x509.ExtKeyUsage` values, named as notation's `ekuToString` prints them where it does. */
export type GoExtKeyUsage =
  | 'Any'
  | 'ServerAuth'
  | 'ClientAuth'
  | 'CodeSigning'
  | 'EmailProtection'
  | 'IPSECEndSystem'
  | 'IPSECTunnel'
  | 'IPSECUser'
  | 'Timestamping'
  | 'OCSPSigning'
  | 'MicrosoftServerGatedCrypto'
  | 'NetscapeServerGatedCrypto'
  | 'MicrosoftCommercialCodeSigning'
  | 'MicrosoftKernelCodeSigning';

/** Go's `extKeyUsageOIDs` table: OIDs it maps to a named `ExtKeyUsage`; others land in `UnknownExtKeyUsage`. */
const EXT_KEY_USAGE_OIDS: Record<string, GoExtKeyUsage> = {
  '2.5.29.37.0': 'Any',
  '1.3.6.1.5.5.7.3.1': 'ServerAuth',
  '1.3.6.1.5.5.7.3.2': 'ClientAuth',
  '1.3.6.1.5.5.7.3.3': 'CodeSigning',
  '1.3.6.1.5.5.7.3.4': 'EmailProtection',
  '1.3.6.1.5.5.7.3.5': 'IPSECEndSystem',
  '1.3.6.1.5.5.7.3.6': 'IPSECTunnel',
  '1.3.6.1.5.5.7.3.7': 'IPSECUser',
  '1.3.6.1.5.5.7.3.8': 'Timestamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.4.1.311.10.3.3': 'MicrosoftServerGatedCrypto',
  '2.16.840.1.113730.4.1': 'NetscapeServerGatedCrypto',
  '1.3.6.1.4.1.311.2.1.22': 'MicrosoftCommercialCodeSigning',
  '1.3.6.1.4.1.311.61.1.1': 'MicrosoftKernelCodeSigning',
};

export interface GoExtension {
  id: string;
  critical: boolean;
}

export interface GoCertificateView {
  version: number; // 1, 2 or 3
  extensions: GoExtension[];
  basicConstraintsValid: boolean;
  isCA: boolean;
  /** -1 when absent (Go leaves MaxPathLen at -1 when pathLenConstraint is missing). */
  maxPathLen: number;
  maxPathLenZero: boolean;
  keyUsage: number;
  extKeyUsage: GoExtKeyUsage[];
  unknownExtKeyUsage: string[];
  /** Go's `SignatureAlgorithm` of the certificate (`SHA256-RSA`, `ECDSA-SHA384`, …) or undefined when Go does not know it. */
  signatureAlgorithm: GoSignatureAlgorithm | undefined;
  /** The exact bytes of tbsCertificate, as signed. */
  rawTbs: Buffer;
  signature: Buffer;
}

interface GoSignatureAlgorithm {
  name: string;
  /** Node digest name; null for Ed25519 (pure) and for algorithms Go cannot verify (MD2). */
  hash: 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512' | null;
  publicKeyAlgorithm: 'RSA' | 'DSA' | 'ECDSA' | 'Ed25519';
  pss?: boolean;
  /** MD5 / SHA-1: refused by `CheckSignature` for certificates. */
  insecure?: boolean;
}

/** Go's `signatureAlgorithmDetails` (RSA-PSS is resolved from its parameters below). */
const SIGNATURE_ALGORITHMS: Record<string, GoSignatureAlgorithm> = {
  '1.2.840.113549.1.1.2': { name: 'MD2-RSA', hash: null, publicKeyAlgorithm: 'RSA' },
  '1.2.840.113549.1.1.4': { name: 'MD5-RSA', hash: 'md5', publicKeyAlgorithm: 'RSA', insecure: true },
  '1.2.840.113549.1.1.5': { name: 'SHA1-RSA', hash: 'sha1', publicKeyAlgorithm: 'RSA', insecure: true },
  '1.3.14.3.2.29': { name: 'SHA1-RSA', hash: 'sha1', publicKeyAlgorithm: 'RSA', insecure: true },
  '1.2.840.113549.1.1.11': { name: 'SHA256-RSA', hash: 'sha256', publicKeyAlgorithm: 'RSA' },
  '1.2.840.113549.1.1.12': { name: 'SHA384-RSA', hash: 'sha384', publicKeyAlgorithm: 'RSA' },
  '1.2.840.113549.1.1.13': { name: 'SHA512-RSA', hash: 'sha512', publicKeyAlgorithm: 'RSA' },
  '1.2.840.10040.4.3': { name: 'DSA-SHA1', hash: 'sha1', publicKeyAlgorithm: 'DSA', insecure: true },
  '2.16.840.1.101.3.4.3.2': { name: 'DSA-SHA256', hash: 'sha256', publicKeyAlgorithm: 'DSA' },
  '1.2.840.10045.4.1': { name: 'ECDSA-SHA1', hash: 'sha1', publicKeyAlgorithm: 'ECDSA', insecure: true },
  '1.2.840.10045.4.3.2': { name: 'ECDSA-SHA256', hash: 'sha256', publicKeyAlgorithm: 'ECDSA' },
  '1.2.840.10045.4.3.3': { name: 'ECDSA-SHA384', hash: 'sha384', publicKeyAlgorithm: 'ECDSA' },
  '1.2.840.10045.4.3.4': { name: 'ECDSA-SHA512', hash: 'sha512', publicKeyAlgorithm: 'ECDSA' },
  '1.3.101.112': { name: 'Ed25519', hash: null, publicKeyAlgorithm: 'Ed25519' },
};

const RSA_PSS_OID = '1.2.840.113549.1.1.10';
const PSS_BY_HASH: Record<string, { name: string; hash: 'sha256' | 'sha384' | 'sha512'; saltLength: number }> = {
  '2.16.840.1.101.3.4.2.1': { name: 'SHA256-RSAPSS', hash: 'sha256', saltLength: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'SHA384-RSAPSS', hash: 'sha384', saltLength: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'SHA512-RSAPSS', hash: 'sha512', saltLength: 64 },
};
const DER_NULL = Buffer.from([0x05, 0x00]);

// Go's error strings (crypto/x509, crypto/rsa).
export const GO_ERR_UNSUPPORTED_ALGORITHM = 'x509: cannot verify signature: algorithm unimplemented';
export const GO_ERR_CONSTRAINT_VIOLATION = 'x509: invalid signature: parent certificate cannot sign this kind of certificate';
const GO_ERR_RSA_VERIFICATION = 'crypto/rsa: verification error';
const GO_ERR_ECDSA_VERIFICATION = 'x509: ECDSA verification failure';
const GO_ERR_ED25519_VERIFICATION = 'x509: Ed25519 verification failure';

const views = new WeakMap<Certificate, GoCertificateView>();

/** Go's view of `certificate`, computed once per parsed certificate. Throws when the DER is not a certificate. */
export function goView(certificate: Certificate): GoCertificateView {
  let view = views.get(certificate);
  if (!view) {
    view = buildView(certificate.der);
    views.set(certificate, view);
  }
  return view;
}

function buildView(der: Buffer): GoCertificateView {
  const asn = AsnConvert.parse(der, AsnCertificate);
  const tbs = asn.tbsCertificate;
  const view: GoCertificateView = {
    version: tbs.version + 1,
    extensions: [],
    basicConstraintsValid: false,
    isCA: false,
    maxPathLen: -1,
    maxPathLenZero: false,
    keyUsage: 0,
    extKeyUsage: [],
    unknownExtKeyUsage: [],
    signatureAlgorithm: signatureAlgorithmOf(asn.signatureAlgorithm.algorithm, asn.signatureAlgorithm.parameters),
    rawTbs: firstElementOf(der),
    signature: signatureBits(der),
  };
  for (const extension of tbs.extensions ?? []) {
    view.extensions.push({ id: extension.extnID, critical: extension.critical });
    const value = extension.extnValue.buffer;
    switch (extension.extnID) {
      case id_ce_basicConstraints: {
        const constraints = AsnConvert.parse(value, BasicConstraints);
        view.basicConstraintsValid = true;
        view.isCA = constraints.cA;
        if (constraints.pathLenConstraint !== undefined) {
          view.maxPathLen = constraints.pathLenConstraint;
          view.maxPathLenZero = constraints.pathLenConstraint === 0;
        }
        break;
      }
      case id_ce_keyUsage:
        view.keyUsage = AsnConvert.parse(value, KeyUsage).toNumber() & 0x1ff;
        break;
      case id_ce_extKeyUsage:
        for (const oid of AsnConvert.parse(value, ExtendedKeyUsage)) {
          const known = EXT_KEY_USAGE_OIDS[oid];
          if (known) view.extKeyUsage.push(known);
          else view.unknownExtKeyUsage.push(oid);
        }
        break;
      default:
        break;
    }
  }
  return view;
}

/** Go's `getSignatureAlgorithmFromAI`: RSA-PSS only with MGF1 over the same hash, salt = hash length, trailer 1. */
function signatureAlgorithmOf(oid: string, parameters: ArrayBuffer | null | undefined): GoSignatureAlgorithm | undefined {
  if (oid !== RSA_PSS_OID) return SIGNATURE_ALGORITHMS[oid];
  if (!parameters) return undefined;
  try {
    const params = AsnConvert.parse(parameters, RsaSaPssParams);
    const hash = PSS_BY_HASH[params.hashAlgorithm.algorithm];
    const mgfHash = params.maskGenAlgorithm.parameters ? AsnConvert.parse(params.maskGenAlgorithm.parameters, AlgorithmIdentifier) : undefined;
    const nullOrAbsent = (raw: ArrayBuffer | null | undefined): boolean => !raw || raw.byteLength === 0 || Buffer.from(raw).equals(DER_NULL);
    if (
      !hash ||
      !nullOrAbsent(params.hashAlgorithm.parameters) ||
      params.maskGenAlgorithm.algorithm !== id_mgf1 ||
      mgfHash?.algorithm !== params.hashAlgorithm.algorithm ||
      !nullOrAbsent(mgfHash.parameters) ||
      params.trailerField !== 1 ||
      params.saltLength !== hash.saltLength
    ) {
      return undefined;
    }
    return { name: hash.name, hash: hash.hash, publicKeyAlgorithm: 'RSA', pss: true };
  } catch {
    return undefined;
  }
}

/** The raw bytes of the first element inside the outer SEQUENCE (tbsCertificate). */
/**
 * The certificate's signatureValue as Go reads it: cryptobyte `ReadASN1BitString`
 * (padding bits at most 7, and zero) then `BitString.RightAlign()`. @peculiar
 * drops the padding-bits count, so a certificate re-encoded with padding bits
 * (its signed content untouched) verified here and not in Go (found by fuzzing).
 */
function signatureBits(der: Buffer): Buffer {
  const outer = readHeader(der, 0);
  let offset = outer.headerLength;
  for (let skip = 0; skip < 2; skip++) {
    const element = readHeader(der, offset); // tbsCertificate, then signatureAlgorithm
    offset += element.headerLength + element.length;
  }
  const bitString = readHeader(der, offset);
  if (der[offset] !== 0x03 || bitString.length < 1) throw new Error('x509: malformed signature');
  const bytes = der.subarray(offset + bitString.headerLength, offset + bitString.headerLength + bitString.length);
  const padding = bytes[0]!;
  const value = bytes.subarray(1);
  if (padding > 7 || (value.length === 0 && padding > 0) || (value.length > 0 && (value[value.length - 1]! & ((1 << padding) - 1)) !== 0)) {
    throw new Error('x509: malformed signature');
  }
  if (padding === 0) return Buffer.from(value);
  // RightAlign: the bit string shifted right by its padding bits, a leading byte added.
  const aligned = Buffer.alloc(value.length);
  for (let i = value.length - 1; i >= 0; i--) {
    aligned[i] = (value[i]! >> padding) | (i > 0 ? (value[i - 1]! << (8 - padding)) & 0xff : 0);
  }
  return aligned;
}

/** Go's `PublicKeyAlgorithm` of a key, and how `%T` prints its Go type. */
function goKeyType(key: KeyObject): { algorithm: 'RSA' | 'DSA' | 'ECDSA' | 'Ed25519' | undefined; goType: string } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { algorithm: 'RSA', goType: '*rsa.PublicKey' };
    case 'dsa':
      return { algorithm: 'DSA', goType: '*dsa.PublicKey' };
    case 'ec':
      return { algorithm: 'ECDSA', goType: '*ecdsa.PublicKey' };
    case 'ed25519':
      return { algorithm: 'Ed25519', goType: 'ed25519.PublicKey' };
    case 'x25519':
      return { algorithm: undefined, goType: '*ecdh.PublicKey' };
    default:
      return { algorithm: undefined, goType: '<nil>' };
  }
}

/**
 * Go `cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature)`
 * against `issuerKey`: null when the signature verifies, else Go's error text.
 * SHA-1 and MD5 are refused as Go refuses them for certificates.
 */
export function checkSignature(certificate: Certificate, issuerKey: () => KeyObject): string | null {
  const view = goView(certificate);
  const algorithm = view.signatureAlgorithm;
  if (!algorithm) return GO_ERR_UNSUPPORTED_ALGORITHM;
  if (algorithm.insecure) return `x509: cannot verify signature: insecure algorithm ${algorithm.name}`;
  if (algorithm.hash === null && algorithm.publicKeyAlgorithm !== 'Ed25519') return GO_ERR_UNSUPPORTED_ALGORITHM;
  let key: KeyObject;
  try {
    key = issuerKey();
  } catch {
    return GO_ERR_UNSUPPORTED_ALGORITHM; // Go could not parse the issuer's key either
  }
  const keyType = goKeyType(key);
  if (keyType.algorithm === undefined || keyType.algorithm === 'DSA') return GO_ERR_UNSUPPORTED_ALGORITHM;
  if (keyType.algorithm !== algorithm.publicKeyAlgorithm) {
    return `x509: signature algorithm specifies an ${algorithm.publicKeyAlgorithm} public key, but have public key of type ${keyType.goType}`;
  }
  let valid: boolean;
  try {
    if (algorithm.publicKeyAlgorithm === 'RSA') {
      const options = algorithm.pss
        ? { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: hashLength(algorithm.hash) }
        : { key, padding: cryptoConstants.RSA_PKCS1_PADDING };
      valid = cryptoVerify(algorithm.hash, view.rawTbs, options, view.signature);
    } else {
      valid = cryptoVerify(algorithm.hash, view.rawTbs, key, view.signature);
    }
  } catch {
    valid = false;
  }
  if (valid) return null;
  if (algorithm.publicKeyAlgorithm === 'RSA') return GO_ERR_RSA_VERIFICATION;
  return algorithm.publicKeyAlgorithm === 'ECDSA' ? GO_ERR_ECDSA_VERIFICATION : GO_ERR_ED25519_VERIFICATION;
}

function hashLength(hash: GoSignatureAlgorithm['hash']): number {
  return hash === 'sha512' ? 64 : hash === 'sha384' ? 48 : 32;
}

/**
 * Go `child.CheckSignatureFrom(parent)`: the parent must be allowed to sign
 * certificates (RFC 5280 §4.2.1.9: a v3 parent needs basicConstraints cA=true;
 * a keyUsage, if any, needs keyCertSign), then the signature must verify.
 */
export function checkSignatureFrom(child: Certificate, parent: Certificate): string | null {
  const parentView = goView(parent);
  if ((parentView.version === 3 && !parentView.basicConstraintsValid) || (parentView.basicConstraintsValid && !parentView.isCA)) {
    return GO_ERR_CONSTRAINT_VIOLATION;
  }
  if (parentView.keyUsage !== 0 && (parentView.keyUsage & GoKeyUsage.CertSign) === 0) return GO_ERR_CONSTRAINT_VIOLATION;
  return checkSignature(child, () => parent.publicKey);
}

/** Go `isIssuedBy`: `CheckSignatureFrom` error, else whether the raw issuer equals the parent's raw subject. */
export function isIssuedBy(child: Certificate, parent: Certificate): { issued: boolean; error: string | null } {
  const error = checkSignatureFrom(child, parent);
  if (error !== null) return { issued: false, error };
  return { issued: parent.rawSubject.equals(child.rawIssuer), error: null };
}
