/**
 * Real X.509 certificates for tests and for `notary-gate cert generate-test`:
 * DER is assembled with @peculiar/asn1-x509 and signed with Node crypto, so
 * any key (RSA 1024…4096, P-224…P-521, Ed25519) and any certificate
 * signature algorithm (PKCS#1 v1.5, RSA-PSS, ECDSA, SHA-1 for negative
 * tests) can be produced. Defaults follow Go's `x509.CreateCertificate` as
 * notation's test helpers use it (notation-core-go `testhelper/certificatetest.go`).
 */
import { constants as cryptoConstants, createHash, generateKeyPairSync, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate as AsnCertificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { RsaSaPssParams, id_mgf1 } from '@peculiar/asn1-rsa';
import { Certificate, parseCertificate } from './certificate';

// ---------------------------------------------------------------- keys

export type KeyAlgorithm = 'RSA-1024' | 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'EC-224' | 'EC-256' | 'EC-384' | 'EC-521' | 'Ed25519';

export interface KeyPair {
  algorithm: KeyAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const CURVES: Record<string, string> = { 'EC-224': 'secp224r1', 'EC-256': 'prime256v1', 'EC-384': 'secp384r1', 'EC-521': 'secp521r1' };

/** A fresh key pair. RSA generation is slow (≈0.1–2 s); prefer `cachedKeyPair` in tests. */
export function generateKeyPair(algorithm: KeyAlgorithm): KeyPair {
  if (algorithm.startsWith('RSA-')) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: Number(algorithm.slice(4)) });
    return { algorithm, privateKey, publicKey };
  }
  if (algorithm === 'Ed25519') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { algorithm, privateKey, publicKey };
  }
  const namedCurve = CURVES[algorithm];
  if (!namedCurve) throw new TypeError(`unknown key algorithm ${algorithm}`);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return { algorithm, privateKey, publicKey };
}

const keyCache = new Map<string, KeyPair>();

/** A key pair memoised per (algorithm, label) for the life of the process, so suites pay for each RSA key once. */
export function cachedKeyPair(algorithm: KeyAlgorithm, label = 'default'): KeyPair {
  const cacheKey = `${algorithm}/${label}`;
  let pair = keyCache.get(cacheKey);
  if (!pair) {
    pair = generateKeyPair(algorithm);
    keyCache.set(cacheKey, pair);
  }
  return pair;
}

// ---------------------------------------------------------------- names

/**
 * A distinguished name as ordered attributes in DER order (first = outermost
 * RDN). `{ C, ST, L, O, OU, CN }` objects are laid out in Go's
 * `ToRDNSequence` order, so they print as `CN=…,OU=…,O=…,L=…,ST=…,C=…`.
 */
export type DistinguishedName =
  | { C?: string; ST?: string; L?: string; STREET?: string; POSTALCODE?: string; O?: string; OU?: string; CN?: string; SERIALNUMBER?: string }
  | ReadonlyArray<readonly [type: string, value: string]>;

const ATTRIBUTE_OIDS: Record<string, string> = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  STREET: '2.5.4.9',
  POSTALCODE: '2.5.4.17',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  SERIALNUMBER: '2.5.4.5',
  emailAddress: '1.2.840.113549.1.9.1',
};
const GO_NAME_ORDER = ['C', 'ST', 'L', 'STREET', 'POSTALCODE', 'O', 'OU', 'CN', 'SERIALNUMBER'] as const;

/** notation's test subject: `CN=<cn>,O=Notary,L=Seattle,ST=WA,C=US`. */
export function notaryTestName(commonName: string): DistinguishedName {
  return { C: 'US', ST: 'WA', L: 'Seattle', O: 'Notary', CN: commonName };
}

function encodeName(name: DistinguishedName): Name {
  const pairs: ReadonlyArray<readonly [string, string]> = Array.isArray(name)
    ? (name as ReadonlyArray<readonly [string, string]>)
    : GO_NAME_ORDER.flatMap((type) => {
        const value = (name as Record<string, string | undefined>)[type];
        return value === undefined ? [] : [[type, value] as const];
      });
  return new Name(
    pairs.map(([type, value]) => {
      const oid = ATTRIBUTE_OIDS[type] ?? type;
      return new RelativeDistinguishedName([new AttributeTypeAndValue({ type: oid, value: attributeValue(oid, value) })]);
    }),
  );
}

/** Go marshals strings as PrintableString when they fit, else UTF8String; emailAddress is an IA5String. */
function attributeValue(oid: string, value: string): AttributeValue {
  if (oid === ATTRIBUTE_OIDS.emailAddress) return new AttributeValue({ ia5String: value });
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value) ? new AttributeValue({ printableString: value }) : new AttributeValue({ utf8String: value });
}

// ---------------------------------------------------------------- extensions

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';
const KEY_USAGE_BITS: Record<KeyUsageName, number> = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
  encipherOnly: 128,
  decipherOnly: 256,
};

export type ExtendedKeyUsageName = 'any' | 'serverAuth' | 'clientAuth' | 'codeSigning' | 'emailProtection' | 'timeStamping' | 'ocspSigning';
const EKU_OIDS: Record<ExtendedKeyUsageName, string> = {
  any: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
};

export interface BasicConstraintsSpec {
  ca: boolean;
  pathLength?: number;
  critical?: boolean; // default true
}
export interface KeyUsageSpec {
  usages: KeyUsageName[];
  critical?: boolean; // default true (Go always marks keyUsage critical)
}
export interface ExtendedKeyUsageSpec {
  /** Names or dotted OIDs. */
  usages: Array<ExtendedKeyUsageName | string>;
  critical?: boolean; // default false
}
export interface RawExtension {
  id: string;
  critical: boolean;
  value: Buffer;
}

// ---------------------------------------------------------------- signature algorithms

/** Certificate signature algorithms, named as Go names them. */
export type CertificateSignatureAlgorithm =
  | 'SHA1-RSA'
  | 'SHA256-RSA'
  | 'SHA384-RSA'
  | 'SHA512-RSA'
  | 'SHA256-RSAPSS'
  | 'SHA384-RSAPSS'
  | 'SHA512-RSAPSS'
  | 'ECDSA-SHA1'
  | 'ECDSA-SHA256'
  | 'ECDSA-SHA384'
  | 'ECDSA-SHA512'
  | 'Ed25519';

const NULL_PARAMS = new Uint8Array([0x05, 0x00]).buffer;
const SIGNATURE_OIDS: Record<CertificateSignatureAlgorithm, { oid: string; hash: string | null }> = {
  'SHA1-RSA': { oid: '1.2.840.113549.1.1.5', hash: 'sha1' },
  'SHA256-RSA': { oid: '1.2.840.113549.1.1.11', hash: 'sha256' },
  'SHA384-RSA': { oid: '1.2.840.113549.1.1.12', hash: 'sha384' },
  'SHA512-RSA': { oid: '1.2.840.113549.1.1.13', hash: 'sha512' },
  'SHA256-RSAPSS': { oid: '1.2.840.113549.1.1.10', hash: 'sha256' },
  'SHA384-RSAPSS': { oid: '1.2.840.113549.1.1.10', hash: 'sha384' },
  'SHA512-RSAPSS': { oid: '1.2.840.113549.1.1.10', hash: 'sha512' },
  'ECDSA-SHA1': { oid: '1.2.840.10045.4.1', hash: 'sha1' },
  'ECDSA-SHA256': { oid: '1.2.840.10045.4.3.2', hash: 'sha256' },
  'ECDSA-SHA384': { oid: '1.2.840.10045.4.3.3', hash: 'sha384' },
  'ECDSA-SHA512': { oid: '1.2.840.10045.4.3.4', hash: 'sha512' },
  Ed25519: { oid: '1.3.101.112', hash: null },
};
const HASH_OIDS: Record<string, string> = { sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3' };
const HASH_LENGTHS: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** Go's choice for a signer key: SHA256-RSA for RSA, ECDSA with the curve's hash, Ed25519. */
function defaultSignatureAlgorithm(key: KeyObject): CertificateSignatureAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'SHA256-RSA';
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === 'secp384r1' ? 'ECDSA-SHA384' : curve === 'secp521r1' ? 'ECDSA-SHA512' : 'ECDSA-SHA256';
}

function signatureAlgorithmIdentifier(algorithm: CertificateSignatureAlgorithm): AlgorithmIdentifier {
  const { oid, hash } = SIGNATURE_OIDS[algorithm];
  if (algorithm.endsWith('-RSAPSS')) {
    const hashAlgorithm = new AlgorithmIdentifier({ algorithm: HASH_OIDS[hash!]!, parameters: NULL_PARAMS });
    const params = new RsaSaPssParams({
      hashAlgorithm,
      maskGenAlgorithm: new AlgorithmIdentifier({ algorithm: id_mgf1, parameters: AsnConvert.serialize(hashAlgorithm) }),
      saltLength: HASH_LENGTHS[hash!]!,
    });
    return new AlgorithmIdentifier({ algorithm: oid, parameters: AsnConvert.serialize(params) });
  }
  return new AlgorithmIdentifier({ algorithm: oid, parameters: algorithm.endsWith('-RSA') ? NULL_PARAMS : null });
}

function signBytes(algorithm: CertificateSignatureAlgorithm, data: Buffer, key: KeyObject): Buffer {
  const { hash } = SIGNATURE_OIDS[algorithm];
  if (algorithm.endsWith('-RSAPSS')) {
    return cryptoSign(hash, data, { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LENGTHS[hash!]! });
  }
  return cryptoSign(hash, data, key);
}

// ---------------------------------------------------------------- certificates

export interface CertificateSpec {
  subject: DistinguishedName;
  /** The subject's key; default: `cachedKeyPair('EC-256', <subject>)`. */
  key?: KeyPair;
  /** Default: now − 1 minute. */
  notBefore?: Date;
  /** Default: notBefore + 365 days. */
  notAfter?: Date;
  /** Default: 16 random bytes. */
  serialNumber?: bigint;
  /** 3 (default) or 1 (no extensions allowed). */
  version?: 1 | 3;
  basicConstraints?: BasicConstraintsSpec | null;
  keyUsage?: KeyUsageSpec | null;
  extendedKeyUsage?: ExtendedKeyUsageSpec | null;
  /** Add a subjectKeyIdentifier (default: true for CAs). */
  subjectKeyIdentifier?: boolean;
  extraExtensions?: RawExtension[];
  /** Default: Go's choice for the issuer's key. */
  signatureAlgorithm?: CertificateSignatureAlgorithm;
  /** Override the issuer name written in the certificate (for mismatch tests). */
  issuerName?: DistinguishedName;
}

export interface Issuer {
  certificate: Certificate;
  key: KeyPair;
}

export interface IssuedCertificate {
  certificate: Certificate;
  key: KeyPair;
  /** `-----BEGIN CERTIFICATE-----` PEM. */
  certificatePem: string;
  /** PKCS#8 `-----BEGIN PRIVATE KEY-----` PEM. */
  privateKeyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Build and sign one certificate; self-signed when `issuer` is omitted. */
export function buildCertificate(spec: CertificateSpec, issuer?: Issuer): IssuedCertificate {
  const key = spec.key ?? cachedKeyPair('EC-256', JSON.stringify(spec.subject));
  const signerKey = issuer ? issuer.key : key;
  const signatureAlgorithm = spec.signatureAlgorithm ?? defaultSignatureAlgorithm(signerKey.privateKey);
  const algorithmIdentifier = signatureAlgorithmIdentifier(signatureAlgorithm);
  const notBefore = spec.notBefore ?? new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const notAfter = spec.notAfter ?? new Date(notBefore.getTime() + 365 * DAY_MS);
  const spki = AsnConvert.parse(key.publicKey.export({ format: 'der', type: 'spki' }), SubjectPublicKeyInfo);
  const subjectName = encodeName(spec.subject);
  const issuerName = spec.issuerName
    ? encodeName(spec.issuerName)
    : issuer
      ? AsnConvert.parse(issuer.certificate.rawSubject, Name)
      : subjectName;

  const extensions = buildExtensions(spec, spki, issuer);
  if (spec.version === 1 && extensions.length > 0) throw new TypeError('a version 1 certificate cannot carry extensions');
  const tbs = new TBSCertificate({
    version: (spec.version ?? 3) - 1,
    serialNumber: encodeSerial(spec.serialNumber ?? BigInt(`0x${randomBytes(16).toString('hex')}`) >> 1n),
    signature: algorithmIdentifier,
    issuer: issuerName,
    validity: new Validity({ notBefore, notAfter }),
    subject: subjectName,
    subjectPublicKeyInfo: spki,
  });
  if (extensions.length > 0) tbs.extensions = new Extensions(extensions);
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = signBytes(signatureAlgorithm, tbsDer, signerKey.privateKey);
  const der = Buffer.from(
    AsnConvert.serialize(new AsnCertificate({ tbsCertificate: tbs, signatureAlgorithm: algorithmIdentifier, signatureValue: new Uint8Array(signature).buffer })),
  );
  const certificate = parseCertificate(der);
  return { certificate, key, certificatePem: toPem(der, 'CERTIFICATE'), privateKeyPem: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

function buildExtensions(spec: CertificateSpec, spki: SubjectPublicKeyInfo, issuer: Issuer | undefined): Extension[] {
  const extensions: Extension[] = [];
  const add = (id: string, critical: boolean, value: ArrayBuffer | Buffer): void => {
    extensions.push(new Extension({ extnID: id, critical, extnValue: new OctetString(value) }));
  };
  const isCA = spec.basicConstraints?.ca === true;
  if (spec.subjectKeyIdentifier ?? isCA) {
    add(id_ce_subjectKeyIdentifier, false, AsnConvert.serialize(new SubjectKeyIdentifier(keyIdentifier(spki))));
  }
  const issuerKeyId = issuer && subjectKeyIdentifierOf(issuer.certificate);
  if (issuerKeyId) {
    add(id_ce_authorityKeyIdentifier, false, AsnConvert.serialize(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(issuerKeyId) })));
  }
  if (spec.keyUsage) {
    const bits = spec.keyUsage.usages.reduce((sum, usage) => sum | KEY_USAGE_BITS[usage], 0);
    add(id_ce_keyUsage, spec.keyUsage.critical ?? true, AsnConvert.serialize(new KeyUsage(bits)));
  }
  if (spec.extendedKeyUsage) {
    const oids = spec.extendedKeyUsage.usages.map((usage) => EKU_OIDS[usage as ExtendedKeyUsageName] ?? usage);
    add(id_ce_extKeyUsage, spec.extendedKeyUsage.critical ?? false, AsnConvert.serialize(new ExtendedKeyUsage(oids)));
  }
  if (spec.basicConstraints) {
    const constraints = new BasicConstraints({ cA: spec.basicConstraints.ca });
    if (spec.basicConstraints.pathLength !== undefined) constraints.pathLenConstraint = spec.basicConstraints.pathLength;
    add(id_ce_basicConstraints, spec.basicConstraints.critical ?? true, AsnConvert.serialize(constraints));
  }
  for (const extension of spec.extraExtensions ?? []) add(extension.id, extension.critical, extension.value);
  return extensions;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: SubjectPublicKeyInfo): Buffer {
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
}

function subjectKeyIdentifierOf(certificate: Certificate): Buffer | undefined {
  const extension = certificate.parsed.getExtension(id_ce_subjectKeyIdentifier);
  if (!extension) return undefined;
  return Buffer.from(AsnConvert.parse(extension.value, SubjectKeyIdentifier).buffer);
}

/** Positive INTEGER contents, minimal, with a leading 0x00 when the high bit is set. */
function encodeSerial(serial: bigint): ArrayBuffer {
  if (serial < 0n) throw new TypeError('serial number must not be negative');
  let hex = serial.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return new Uint8Array(bytes).buffer;
}

export function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// ---------------------------------------------------------------- profiles

/** Options shared by the profile helpers below. */
export interface ProfileOptions extends Partial<Omit<CertificateSpec, 'subject'>> {
  subject?: DistinguishedName;
  keyAlgorithm?: KeyAlgorithm;
}

function withKey(options: ProfileOptions, subject: DistinguishedName): CertificateSpec {
  const { keyAlgorithm, ...rest } = options;
  return {
    ...rest,
    subject: options.subject ?? subject,
    key: options.key ?? cachedKeyPair(keyAlgorithm ?? 'EC-256', JSON.stringify(options.subject ?? subject)),
  };
}

/** A code-signing leaf as notation's test helpers make it: KU digitalSignature (critical), EKU codeSigning, no basicConstraints. */
export function codeSigningLeafSpec(options: ProfileOptions = {}): CertificateSpec {
  return {
    keyUsage: { usages: ['digitalSignature'] },
    extendedKeyUsage: { usages: ['codeSigning'] },
    ...withKey(options, notaryTestName('Notation Test Leaf')),
  };
}

/** A TSA leaf: KU digitalSignature, EKU exactly timeStamping and critical (RFC 3161 §2.3). */
export function timestampingLeafSpec(options: ProfileOptions = {}): CertificateSpec {
  return {
    keyUsage: { usages: ['digitalSignature'] },
    extendedKeyUsage: { usages: ['timeStamping'], critical: true },
    ...withKey(options, notaryTestName('Notation Test TSA')),
  };
}

/** A CA: basicConstraints cA=true (critical), KU keyCertSign + cRLSign (critical), subjectKeyIdentifier. */
export function certificateAuthoritySpec(options: ProfileOptions = {}): CertificateSpec {
  return {
    basicConstraints: { ca: true },
    keyUsage: { usages: ['keyCertSign', 'cRLSign'] },
    ...withKey(options, notaryTestName('Notation Test Root')),
  };
}

/**
 * A certificate authority that issues chains for tests: `root()` →
 * `intermediate()` → `issueCodeSigningLeaf()`; every issued certificate
 * comes with its chain (leaf → root) as an x5c would carry it.
 */
export class CertificateAuthority implements Issuer {
  readonly certificate: Certificate;
  readonly key: KeyPair;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** This CA and its issuers, this CA first, root last. */
  readonly chain: readonly Certificate[];

  private constructor(issued: IssuedCertificate, parentChain: readonly Certificate[]) {
    this.certificate = issued.certificate;
    this.key = issued.key;
    this.certificatePem = issued.certificatePem;
    this.privateKeyPem = issued.privateKeyPem;
    this.chain = [issued.certificate, ...parentChain];
  }

  /** A self-signed root CA (default subject `CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US`, EC P-256). */
  static root(options: ProfileOptions = {}): CertificateAuthority {
    return new CertificateAuthority(buildCertificate(certificateAuthoritySpec(options)), []);
  }

  /** An intermediate CA issued by this CA. */
  intermediate(options: ProfileOptions = {}): CertificateAuthority {
    const spec = certificateAuthoritySpec({ subject: notaryTestName(`Notation Test Intermediate ${this.chain.length}`), ...options });
    return new CertificateAuthority(buildCertificate(spec, this), this.chain);
  }

  /** Issue any certificate from a full spec. */
  issue(spec: CertificateSpec): IssuedCertificate & { chain: Certificate[] } {
    const issued = buildCertificate(spec, this);
    return { ...issued, chain: [issued.certificate, ...this.chain] };
  }

  /** A code-signing leaf (KU digitalSignature critical, EKU codeSigning) with its chain. */
  issueCodeSigningLeaf(options: ProfileOptions = {}): IssuedCertificate & { chain: Certificate[] } {
    return this.issue(codeSigningLeafSpec(options));
  }

  /** A timestamping leaf (EKU timeStamping critical) with its chain. */
  issueTimestampingLeaf(options: ProfileOptions = {}): IssuedCertificate & { chain: Certificate[] } {
    return this.issue(timestampingLeafSpec(options));
  }
}

// ---------------------------------------------------------------- notation cert generate-test

export interface TestCertificateOptions {
  /** RSA key size (`notation cert generate-test --bits`); default 2048. */
  bits?: 2048 | 3072 | 4096;
  /** Use this key instead of generating one. */
  key?: KeyPair;
  /** Issue time; default now. */
  now?: Date;
}

const VALID_NAME = /^[a-zA-Z0-9_.-]+$/;

/**
 * The self-signed certificate `notation cert generate-test <name>` makes
 * (notation `cmd/notation/cert/generateTest.go` → notation-core-go
 * `GetRSASelfSignedCertTupleWithPK`): RSA key (2048 bits by default),
 * subject `CN=<name>,O=Notary,L=Seattle,ST=WA,C=US`, keyUsage
 * digitalSignature (critical), EKU codeSigning, no basicConstraints,
 * SHA256-RSA, valid from now for one day, serial in [0, 200).
 */
export function generateTestCertificate(name: string, options: TestCertificateOptions = {}): IssuedCertificate {
  if (!VALID_NAME.test(name)) throw new TypeError('name needs to follow [a-zA-Z0-9_.-]+ format');
  const bits = options.bits ?? 2048;
  if (![2048, 3072, 4096].includes(bits)) throw new TypeError(`RSA key size ${bits} bits is not supported`);
  const notBefore = options.now ?? new Date();
  return buildCertificate({
    subject: notaryTestName(name),
    key: options.key ?? generateKeyPair(`RSA-${bits}` as KeyAlgorithm),
    notBefore,
    notAfter: new Date(notBefore.getTime() + DAY_MS),
    serialNumber: BigInt(Math.floor(Math.random() * 200)),
    keyUsage: { usages: ['digitalSignature'] },
    extendedKeyUsage: { usages: ['codeSigning'] },
    signatureAlgorithm: 'SHA256-RSA',
  });
}
