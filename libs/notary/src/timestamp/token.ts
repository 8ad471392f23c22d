/**
 * Parsing an RFC 3161 TimeStampToken (a CMS SignedData over a TSTInfo) the
 * way tspclient-go v1.0.0 `ParseSignedToken` / `SignedToken.Info` do
 * (reference §9 steps 2–3): BER is normalised to DER first, the SignedData
 * must be version 3, every certificate must be X.509, and the encapsulated
 * content type must be id-ct-TSTInfo. Errors carry notation's exact wording.
 *
 * The SignedData is walked with Go `encoding/asn1` semantics (go-asn1.ts)
 * rather than a schema parser: notation's messages quote Go's errors, and the
 * signature check needs the exact bytes of the certificates and of the
 * signed attributes, which a decode/re-encode round trip would not guarantee.
 */
import { Certificate, parseCertificate } from '../x509/certificate';
import { convertBerToDer } from './ber';
import { messageOf, TimestampError } from './errors';
import {
  Element,
  FieldSpec,
  parseBigInt,
  parseGoInt,
  parseObjectIdentifier,
  readStruct,
  StructReader,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_SET,
} from './go-asn1';
import { decodeTstInfo, TstInfo } from './tst-info';

export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';

/** One CMS attribute: its type and the encoding of its `SET OF AttributeValue`. */
export interface CmsAttribute {
  type: string;
  /** Content octets of the values SET (the concatenated values). */
  values: Buffer;
  /** The whole Attribute SEQUENCE as encoded. */
  der: Buffer;
}

/** RFC 5652 §5.3 SignerInfo (version 1: the signer is named by issuer and serial number). */
export interface CmsSignerInfo {
  version: number;
  /** DER of the issuer Name of the signer identifier. */
  issuer: Buffer;
  serialNumber: bigint;
  digestAlgorithm: string;
  signedAttributes: CmsAttribute[];
  /** What the signature covers: the signed attributes as a DER `SET OF` (sorted, as Go re-marshals them); undefined when absent. */
  signedAttributesDer?: Buffer;
  signatureAlgorithm: string;
  signature: Buffer;
}

/** A parsed, not yet verified, timestamp token (tspclient-go `SignedToken`). */
export interface SignedToken {
  /** The token as DER (after BER normalisation). */
  der: Buffer;
  /** eContentType, dotted. */
  contentType: string;
  /** eContent: the DER TSTInfo. */
  content: Buffer;
  /** The token's certificates, in token order. */
  certificates: Certificate[];
  signerInfos: CmsSignerInfo[];
}

export interface TimestampToken extends SignedToken {
  tstInfo: TstInfo;
}

const INT: FieldSpec = { typeName: 'int', tag: TAG_INTEGER, compound: false };
const OID: FieldSpec = { typeName: 'ObjectIdentifier', tag: TAG_OID, compound: false };
const BYTES: FieldSpec = { typeName: '', tag: TAG_OCTET_STRING, compound: false };
const ALGORITHM: FieldSpec = { typeName: 'AlgorithmIdentifier', tag: TAG_SEQUENCE, compound: true };
const SET_OF: FieldSpec = { typeName: '', tag: TAG_SET, compound: true };

/**
 * tspclient-go `ParseSignedToken`: parse without verifying. Throws
 * TimestampError (step `parse`), e.g. `unexpected content type:
 * 1.2.840.113549.1.7.1. Expected to be id-ct-TSTInfo (1.2.840.113549.1.9.16.1.4)`.
 */
export function parseSignedToken(token: Uint8Array): SignedToken {
  let der: Buffer;
  try {
    der = convertBerToDer(token);
  } catch (error) {
    throw parseError(`cms: syntax error: invalid signed data: failed to convert from BER to DER: ${messageOf(error)}`, error);
  }

  let content: Element;
  try {
    const contentInfo = readStruct(der, 'ContentInfo');
    const contentType = parseObjectIdentifier(contentInfo.next(OID)!.content);
    // content [0] EXPLICIT ANY DEFINED BY contentType
    content = contentInfo.next({ typeName: 'RawValue', tag: 0, compound: true, contextTag: 0 })!;
    if (contentType !== OID_SIGNED_DATA) throw parseError('cms: content type is not signed-data');
  } catch (error) {
    if (error instanceof TimestampError) throw error;
    throw parseError(`cms: syntax error: invalid content info: failed to unmarshal DER to ContentInfo: ${messageOf(error)}`, error);
  }

  let signed: Omit<SignedToken, 'der' | 'certificates'> & { version: number; certificatesDer: Buffer };
  try {
    signed = readSignedData(new StructReader(content.content).next({ typeName: 'SignedData', tag: TAG_SEQUENCE, compound: true })!);
  } catch (error) {
    throw parseError(`cms: syntax error: invalid signed data: ${messageOf(error)}`, error);
  }
  if (signed.version !== 3) throw parseError(`cms: syntax error: unsupported signed data version: got ${signed.version}, want 3`);

  let certificates: Certificate[];
  try {
    certificates = splitCertificates(signed.certificatesDer).map((certificate) => parseCertificate(certificate));
  } catch (error) {
    throw parseError(
      'cms: syntax error: failed to parse X.509 certificates from signed data. Only X.509 certificates are supported: x509: malformed certificate',
      error,
    );
  }

  if (signed.contentType !== OID_TST_INFO) {
    throw parseError(`unexpected content type: ${signed.contentType}. Expected to be id-ct-TSTInfo (${OID_TST_INFO})`);
  }
  return { der, contentType: signed.contentType, content: signed.content, certificates, signerInfos: signed.signerInfos };
}

/** tspclient-go `SignedToken.Info`: decode the TSTInfo. Throws TimestampError (step `tstInfo`). */
export function readTstInfo(token: SignedToken): TstInfo {
  try {
    return decodeTstInfo(token.content);
  } catch (error) {
    throw new TimestampError('tstInfo', `cannot unmarshal TSTInfo from timestamp token: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Parse a timestamp token and decode its TSTInfo (no verification).
 * Throws TimestampError with step `parse` or `tstInfo`.
 */
export function parseTimestampToken(token: Uint8Array): TimestampToken {
  const signed = parseSignedToken(token);
  return { ...signed, tstInfo: readTstInfo(signed) };
}

function parseError(reason: string, cause?: unknown): TimestampError {
  return new TimestampError('parse', reason, { cause });
}

/** RFC 5652 §5.1 SignedData, field by field as tspclient-go's Go struct declares it. */
function readSignedData(element: Element) {
  const fields = new StructReader(element.content);
  const version = parseGoInt(fields.next(INT)!.content);
  fields.next(SET_OF); // digestAlgorithms: notation uses each SignerInfo's own
  const encapsulated = new StructReader(fields.next({ typeName: 'EncapsulatedContentInfo', tag: TAG_SEQUENCE, compound: true })!.content);
  const contentType = parseObjectIdentifier(encapsulated.next(OID)!.content);
  // eContent [0] EXPLICIT OCTET STRING OPTIONAL
  const explicit = encapsulated.next({ typeName: '', tag: 0, compound: true, contextTag: 0, optional: true });
  const content = explicit ? Buffer.from(new StructReader(explicit.content).next(BYTES)!.content) : Buffer.alloc(0);
  const certificates = fields.next({ typeName: 'RawValue', tag: 0, compound: false, any: true, optional: true, contextTag: 0 });
  fields.next({ typeName: '', tag: TAG_SEQUENCE, compound: true, optional: true, contextTag: 1 }); // crls
  const signerInfos = readSetOf(fields.next(SET_OF)!).map(readSignerInfo);
  return { version, contentType, content, certificatesDer: certificates ? certificates.content : Buffer.alloc(0), signerInfos };
}

/** RFC 5652 §5.3 SignerInfo with an IssuerAndSerialNumber signer identifier. */
function readSignerInfo(element: Element): CmsSignerInfo {
  const fields = new StructReader(element.content);
  const version = parseGoInt(fields.next(INT)!.content);
  const sid = new StructReader(fields.next({ typeName: 'IssuerAndSerialNumber', tag: TAG_SEQUENCE, compound: true })!.content);
  const issuer = Buffer.from(sid.next({ typeName: 'RawValue', tag: 0, compound: false, any: true })!.full);
  const serialNumber = parseBigInt(sid.next({ typeName: '', tag: TAG_INTEGER, compound: false })!.content);
  const digestAlgorithm = readAlgorithm(fields.next(ALGORITHM)!);
  const signedElement = fields.next({ typeName: 'Attributes', tag: TAG_SET, compound: true, optional: true, contextTag: 0 });
  const signatureAlgorithm = readAlgorithm(fields.next(ALGORITHM)!);
  const signature = Buffer.from(fields.next(BYTES)!.content);
  fields.next({ typeName: 'Attributes', tag: TAG_SET, compound: true, optional: true, contextTag: 1 }); // unsignedAttrs

  const signedAttributes = signedElement ? readSetOf(signedElement).map(readAttribute) : [];
  const info: CmsSignerInfo = { version, issuer, serialNumber, digestAlgorithm, signedAttributes, signatureAlgorithm, signature };
  if (signedAttributes.length > 0) info.signedAttributesDer = encodeSetOf(signedAttributes.map((attribute) => attribute.der));
  return info;
}

function readAttribute(element: Element): CmsAttribute {
  const fields = new StructReader(element.content);
  const type = parseObjectIdentifier(fields.next(OID)!.content);
  const values = fields.next({ typeName: 'RawValue', tag: TAG_SET, compound: true, any: true })!;
  return { type, values: Buffer.from(values.content), der: Buffer.from(element.full) };
}

function readAlgorithm(element: Element): string {
  return parseObjectIdentifier(new StructReader(element.content).next(OID)!.content);
}

/** The elements of a SET OF / SEQUENCE OF. */
export function readSetOf(element: Element): Element[] {
  const reader = new StructReader(element.content);
  const out: Element[] = [];
  for (let item = reader.next({ typeName: '', tag: 0, compound: false, any: true, optional: true }); item; ) {
    out.push(item);
    item = reader.next({ typeName: '', tag: 0, compound: false, any: true, optional: true });
  }
  return out;
}

/**
 * DER `SET OF`: elements sorted by their encodings (X.690 §11.6). This is
 * how Go's `asn1.MarshalWithParams(attrs, "set")` rebuilds the signed
 * attributes that a CMS signature covers (RFC 5652 §5.4).
 */
function encodeSetOf(elements: Buffer[]): Buffer {
  const body = Buffer.concat([...elements].sort(Buffer.compare));
  return Buffer.concat([Buffer.from([0x31]), encodeLength(body.length), body]);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Go `x509.ParseCertificates`: concatenated DER certificates; anything else is malformed. */
function splitCertificates(bytes: Buffer): Buffer[] {
  const reader = new StructReader(bytes);
  const out: Buffer[] = [];
  for (let item = reader.next({ typeName: '', tag: 0, compound: false, any: true, optional: true }); item; ) {
    if (item.class !== 0 || item.tag !== TAG_SEQUENCE) throw new Error('x509: malformed certificate');
    out.push(Buffer.from(item.full));
    item = reader.next({ typeName: '', tag: 0, compound: false, any: true, optional: true });
  }
  return out;
}
