/**
 * Test support: RFC 3161 TimeStampTokens made by a test TSA, with one knob
 * per fault the verifier must catch (wrong signing-certificate hash, missing
 * attribute, tampered signature, …). Plain DER, written out by hand so each
 * fault can be placed exactly.
 */
import { constants as cryptoConstants, createHash, sign as cryptoSign } from 'node:crypto';
import type { KeyPair } from '../x509/builder';
import type { Certificate } from '../x509/certificate';

// ------------------------------------------------------------------ DER

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export const sequence = (...content: Buffer[]): Buffer => tlv(0x30, ...content);
export const set = (...content: Buffer[]): Buffer => tlv(0x31, ...content);
export const octets = (value: Buffer): Buffer => tlv(0x04, value);
export const generalizedTime = (text: string): Buffer => tlv(0x18, Buffer.from(text, 'latin1'));
export const utcTime = (text: string): Buffer => tlv(0x17, Buffer.from(text, 'latin1'));
export const NULL = Buffer.from([0x05, 0x00]);
/** Context-specific tag `[n]`, constructed. */
export const context = (n: number, ...content: Buffer[]): Buffer => tlv(0xa0 | n, ...content);

export function integer(value: bigint | number): Buffer {
  let hex = BigInt(value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (value: number): void => {
    const bytes = [value & 0x7f];
    for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) bytes.unshift(0x80 | (rest & 0x7f));
    out.push(...bytes);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  arcs.slice(2).forEach(push);
  return tlv(0x06, Buffer.from(out));
}

// ------------------------------------------------------------------ tokens

const OIDS = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsa: { sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' },
  hash: { sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3', sha1: '1.3.14.3.2.26' },
} as const;

type Hash = 'sha256' | 'sha384' | 'sha512';

export interface TestTokenOptions {
  /** The bytes being timestamped (an envelope's signature). */
  message: Buffer;
  /** The TSA's signing certificate and key. */
  signer: { certificate: Certificate; key: KeyPair };
  /** Certificates embedded in the token; default: the signer's certificate. */
  certificates?: readonly Certificate[];
  /** GeneralizedTime text; default `20240618062937Z`. */
  genTime?: string;
  /** Default: a private policy OID. */
  policy?: string;
  accuracy?: { seconds?: number; millis?: number; micros?: number };
  tstInfoVersion?: number;
  imprintHash?: Hash | 'sha1';
  /** Replace the imprint's digest. */
  hashedMessage?: Buffer;
  /** Digest algorithm of the SignerInfo; default sha256. */
  digest?: Hash;
  /** RSA keys: PKCS #1 v1.5 under rsaEncryption (default), under sha256WithRSAEncryption, or RSASSA-PSS. */
  rsaScheme?: 'rsaEncryption' | 'sha256WithRSA' | 'pss';
  /** signingCertificateV2 variants. */
  signingCertificate?: 'v2' | 'absent' | 'wrong-hash' | 'sha384' | 'no-issuer-serial' | 'unknown-serial';
  /** UTCTime text of a signingTime attribute. */
  signingTime?: string;
  contentTypeAttribute?: string;
  messageDigest?: Buffer;
  eContentType?: string;
  tamperSignature?: boolean;
  /** Extra SignerInfos placed before the real one. */
  leadingSignerInfos?: Buffer[];
}

/** DER of a TSTInfo (RFC 3161 §2.4.2). */
export function buildTstInfo(options: Pick<TestTokenOptions, 'message' | 'genTime' | 'policy' | 'accuracy' | 'tstInfoVersion' | 'imprintHash' | 'hashedMessage'>): Buffer {
  const imprintHash = options.imprintHash ?? 'sha256';
  const hashed = options.hashedMessage ?? createHash(imprintHash).update(options.message).digest();
  const accuracy = options.accuracy
    ? [
        sequence(
          ...(options.accuracy.seconds !== undefined ? [integer(options.accuracy.seconds)] : []),
          ...(options.accuracy.millis !== undefined ? [tlv(0x80, integer(options.accuracy.millis).subarray(2))] : []),
          ...(options.accuracy.micros !== undefined ? [tlv(0x81, integer(options.accuracy.micros).subarray(2))] : []),
        ),
      ]
    : [];
  return sequence(
    integer(options.tstInfoVersion ?? 1),
    oid(options.policy ?? '1.3.6.1.4.1.99999.1'),
    sequence(sequence(oid(OIDS.hash[imprintHash]), NULL), octets(hashed)),
    integer(0x1234567890abcdefn),
    generalizedTime(options.genTime ?? '20240618062937Z'),
    ...accuracy,
    integer(0x42n), // nonce
  );
}

/** A complete TimeStampToken (ContentInfo / SignedData) signed by `options.signer`. */
export function buildTestToken(options: TestTokenOptions): Buffer {
  const tstInfo = buildTstInfo(options);
  const digest = options.digest ?? 'sha256';
  const { certificate, key } = options.signer;
  const serial = BigInt(`0x${certificate.parsed.serialNumber}`);

  const attributes: Buffer[] = [
    sequence(oid(OIDS.contentType), set(oid(options.contentTypeAttribute ?? OIDS.tstInfo))),
    sequence(oid(OIDS.messageDigest), set(octets(options.messageDigest ?? createHash(digest).update(tstInfo).digest()))),
  ];
  if (options.signingTime) attributes.push(sequence(oid(OIDS.signingTime), set(utcTime(options.signingTime))));
  const signingCertificate = signingCertificateV2(options.signingCertificate ?? 'v2', certificate, serial);
  if (signingCertificate) attributes.push(sequence(oid(OIDS.signingCertificateV2), set(signingCertificate)));
  const signedAttributes = Buffer.concat(attributes.sort(Buffer.compare));
  const toSign = tlv(0x31, signedAttributes);

  const { algorithm, signature } = signWith(key, digest, toSign, options.rsaScheme ?? 'rsaEncryption');
  if (options.tamperSignature) signature.writeUInt8(signature.readUInt8(signature.length - 1) ^ 0x01, signature.length - 1);

  const signerInfo = sequence(
    integer(1),
    sequence(certificate.rawIssuer, integer(serial)),
    sequence(oid(OIDS.hash[digest]), NULL),
    tlv(0xa0, signedAttributes),
    algorithm,
    octets(signature),
  );
  const certificates = (options.certificates ?? [certificate]).map((embedded) => embedded.der);
  const signedData = sequence(
    integer(3),
    set(sequence(oid(OIDS.hash[digest]), NULL)),
    sequence(oid(options.eContentType ?? OIDS.tstInfo), context(0, octets(tstInfo))),
    tlv(0xa0, ...certificates),
    set(...(options.leadingSignerInfos ?? []), signerInfo),
  );
  return sequence(oid(OIDS.signedData), context(0, signedData));
}

/** A SignerInfo naming `certificate` but carrying no signingCertificateV2 and a junk signature. */
export function bogusSignerInfo(certificate: Certificate): Buffer {
  return sequence(
    integer(1),
    sequence(certificate.rawIssuer, integer(BigInt(`0x${certificate.parsed.serialNumber}`))),
    sequence(oid(OIDS.hash.sha256), NULL),
    tlv(0xa0, sequence(oid(OIDS.contentType), set(oid(OIDS.tstInfo)))),
    sequence(oid(OIDS.sha256WithRSA), NULL),
    octets(Buffer.alloc(16)),
  );
}

function signingCertificateV2(variant: NonNullable<TestTokenOptions['signingCertificate']>, certificate: Certificate, serial: bigint): Buffer | undefined {
  if (variant === 'absent') return undefined;
  const hash = variant === 'sha384' ? 'sha384' : 'sha256';
  let certHash = createHash(hash).update(certificate.der).digest();
  if (variant === 'wrong-hash') certHash = createHash('sha256').update('another certificate').digest();
  // IssuerSerial ::= SEQUENCE { issuer GeneralNames (directoryName [4]), serialNumber }
  const issuerSerial = sequence(sequence(context(4, certificate.rawIssuer)), integer(variant === 'unknown-serial' ? serial + 1n : serial));
  const id = sequence(
    ...(variant === 'sha384' ? [sequence(oid(OIDS.hash.sha384))] : []),
    octets(certHash),
    ...(variant === 'no-issuer-serial' ? [] : [issuerSerial]),
  );
  return sequence(sequence(id));
}

function signWith(key: KeyPair, digest: Hash, data: Buffer, rsaScheme: NonNullable<TestTokenOptions['rsaScheme']>): { algorithm: Buffer; signature: Buffer } {
  if (key.privateKey.asymmetricKeyType === 'ec') {
    return { algorithm: sequence(oid(OIDS.ecdsa[digest])), signature: cryptoSign(digest, data, key.privateKey) };
  }
  if (rsaScheme === 'pss') {
    const saltLength = createHash(digest).digest().length;
    return {
      algorithm: sequence(oid(OIDS.rsassaPss)),
      signature: cryptoSign(digest, data, { key: key.privateKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength }),
    };
  }
  const algorithm = rsaScheme === 'sha256WithRSA' ? sequence(oid(OIDS.sha256WithRSA), NULL) : sequence(oid(OIDS.rsaEncryption), NULL);
  return { algorithm, signature: cryptoSign(rsaScheme === 'sha256WithRSA' ? 'sha256' : digest, data, key.privateKey) };
}
