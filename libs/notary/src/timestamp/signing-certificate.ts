/**
 * Identifying the TSA's signing certificate (tspclient-go
 * `SignedToken.SigningCertificate`, RFC 3161 §2.4.1, RFC 5816): through the
 * REQUIRED signingCertificateV2 signed attribute (RFC 5035). Its first
 * ESSCertIDv2 names the certificate by issuer/serial (or, when IssuerSerial
 * is absent, the SignerInfo's sid does) and pins its hash (default SHA-256).
 * tspclient-go v1.0.0 does not accept the SHA-1 signingCertificate (v1)
 * attribute, so neither do we.
 */
import { createHash } from 'node:crypto';
import { Certificate } from '../x509/certificate';
import { FieldSpec, parseBigInt, parseObjectIdentifier, StructReader, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE } from './go-asn1';
import { HASH_OIDS } from './tst-info';
import { CmsSignerInfo, readSetOf, SignedToken } from './token';
import { messageOf } from './errors';

export const OID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';

/** Raised for every failure here; its message is tspclient-go's. */
export class SigningCertificateError extends Error {
  override readonly name = 'SigningCertificateError';
}

interface EssCertIdV2 {
  hashAlgorithm?: string;
  certHash: Buffer;
  issuer?: Buffer; // DER Name, when IssuerSerial is present
  serialNumber?: bigint;
  issuerNameMissing: boolean;
}

/** Find the signer's certificate among the token's certificates and check its hash. */
export function findSigningCertificate(token: SignedToken, signerInfo: CmsSignerInfo): Certificate {
  let essCertIds: EssCertIdV2[];
  try {
    essCertIds = decodeSigningCertificateV2(signerInfo);
  } catch (error) {
    throw new SigningCertificateError(`failed to get SigningCertificateV2 from signed attributes: ${messageOf(error)}`);
  }
  const first = essCertIds[0];
  if (!first) throw new SigningCertificateError('signingCertificateV2 does not contain any certificate');

  let candidate: Certificate | undefined;
  if (first.serialNumber !== undefined) {
    if (first.issuerNameMissing || !first.issuer) throw new SigningCertificateError('issuer name is missing in IssuerSerial');
    candidate = certificateBy(token, first.issuer, first.serialNumber);
  } else {
    // No IssuerSerial: fall back to the (unsigned) sid, as tspclient-go does.
    candidate = certificateBy(token, signerInfo.issuer, signerInfo.serialNumber);
  }
  if (!candidate) throw new SigningCertificateError('signing certificate not found in the timestamp token');

  const hash = first.hashAlgorithm === undefined ? 'sha256' : HASH_OIDS[first.hashAlgorithm];
  if (!hash) throw new SigningCertificateError('unsupported certificate hash algorithm in SigningCertificateV2 attribute');
  if (!createHash(hash).update(candidate.der).digest().equals(first.certHash)) {
    throw new SigningCertificateError('signing certificate hash does not match CertHash in signed attribute');
  }
  return candidate;
}

/** RFC 5652 §5.3 / Go `GetCertificate`: raw issuer equality and equal serial numbers. */
function certificateBy(token: SignedToken, issuer: Buffer, serialNumber: bigint): Certificate | undefined {
  return token.certificates.find((certificate) => certificate.rawIssuer.equals(issuer) && serialOf(certificate) === serialNumber);
}

/** Certificate serial numbers are positive (RFC 5280 §4.1.2.2); @peculiar/x509 gives them as hex. */
function serialOf(certificate: Certificate): bigint {
  const hex = certificate.parsed.serialNumber;
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

const CERT_HASH: FieldSpec = { typeName: '', tag: TAG_OCTET_STRING, compound: false };

/**
 * SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }
 * ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT sha256,
 *                            certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }
 */
function decodeSigningCertificateV2(signerInfo: CmsSignerInfo): EssCertIdV2[] {
  const attribute = signerInfo.signedAttributes.find((candidate) => candidate.type === OID_SIGNING_CERTIFICATE_V2);
  if (!attribute) throw new Error('attribute not found');
  const value = new StructReader(attribute.values).next({ typeName: 'signingCertificateV2', tag: TAG_SEQUENCE, compound: true })!;
  const certs = new StructReader(value.content).next({ typeName: '', tag: TAG_SEQUENCE, compound: true })!;
  return readSetOf(certs).map((element) => {
    const fields = new StructReader(element.content);
    const algorithm = fields.next({ typeName: 'AlgorithmIdentifier', tag: TAG_SEQUENCE, compound: true, optional: true });
    const certHash = Buffer.from(fields.next(CERT_HASH)!.content);
    const issuerSerial = fields.next({ typeName: 'issuerSerial', tag: TAG_SEQUENCE, compound: true, optional: true });
    const id: EssCertIdV2 = { certHash, issuerNameMissing: false };
    if (algorithm) id.hashAlgorithm = parseObjectIdentifier(new StructReader(algorithm.content).next({ typeName: 'ObjectIdentifier', tag: TAG_OID, compound: false })!.content);
    if (issuerSerial) {
      const serialFields = new StructReader(issuerSerial.content);
      const generalNames = new StructReader(serialFields.next({ typeName: 'generalNames', tag: TAG_SEQUENCE, compound: true })!.content);
      // GeneralNames: only a directoryName [4] (EXPLICIT Name) can name an issuer.
      const directoryName = generalNames.next({ typeName: 'RawValue', tag: 0, compound: true, any: true, optional: true, contextTag: 4 });
      id.serialNumber = parseBigInt(serialFields.next({ typeName: '', tag: TAG_INTEGER, compound: false })!.content);
      if (directoryName && directoryName.content.length > 0) {
        id.issuer = Buffer.from(new StructReader(directoryName.content).next({ typeName: 'RawValue', tag: 0, compound: false, any: true })!.full);
      } else {
        id.issuerNameMissing = true;
      }
    }
    return id;
  });
}
