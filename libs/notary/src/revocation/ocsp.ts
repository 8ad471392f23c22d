/**
 * One OCSP exchange (RFC 6960) as notation-core-go `revocation/internal/ocsp`
 * performs it with golang.org/x/crypto/ocsp: a SHA-256 CertID request (GET
 * when its URL-escaped base64 form is under 255 bytes, RFC 6960 Appendix A.1,
 * else POST), a successful BasicOCSPResponse signed by the issuer or by a
 * delegated responder the issuer certified for id-kp-OCSPSigning (§4.2.2.2),
 * the SingleResponse for this CertID, and a fresh one (nextUpdate not passed).
 */
import { createHash } from 'node:crypto';
import {
  BasicOCSPResponse,
  CertID,
  id_pkix_ocsp_basic,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
  type SingleResponse,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  Certificate as AsnCertificate,
  ExtendedKeyUsage,
  id_ce_extKeyUsage,
  id_ce_invalidityDate,
  InvalidityDate,
} from '@peculiar/asn1-x509';
import { parseCertificate, type Certificate } from '../x509/certificate';
import { checkSignature } from '../x509/go-view';
import { firstElementOf, unsignedBytes } from '../der';
import type { RevocationHttp, ServerOutcome } from './port';
import { hashName, signatureError } from './signature';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const ID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** How far in the future a thisUpdate may lie before the response is refused (clock skew). */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface OcspCheck {
  certificate: Certificate;
  issuer: Certificate;
  http: RevocationHttp;
  timeoutMs: number;
  now: Date;
  signingTime?: Date | undefined;
}

/** The CertID of `certificate` (x/crypto/ocsp `CreateRequest`): hashes of the issuer's name and key, and the serial. */
export function certIdOf(certificate: Certificate, issuer: Certificate, hashOid = SHA256_OID): CertID {
  const hash = hashName(hashOid);
  if (!hash) throw new TypeError(`unsupported CertID hash ${hashOid}`);
  const digest = (bytes: Buffer): OctetString => new OctetString(createHash(hash).update(bytes).digest());
  return new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: hashOid, parameters: null }),
    issuerNameHash: digest(issuer.rawSubject),
    issuerKeyHash: digest(subjectPublicKeyBits(issuer)),
    serialNumber: new Uint8Array(serialOf(certificate)).buffer,
  });
}

/** The DER OCSPRequest for one certificate, without nonce or signature. */
export function ocspRequestFor(certificate: Certificate, issuer: Certificate): Buffer {
  const request = new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certIdOf(certificate, issuer) })] }) });
  return Buffer.from(AsnConvert.serialize(request));
}

/** Ask one responder; every failure is `unknown` with its reason, never `ok`. */
export async function checkOcspServer(server: string, check: OcspCheck): Promise<ServerOutcome> {
  let raw: Buffer;
  try {
    const request = ocspRequestFor(check.certificate, check.issuer);
    const encoded = encodeURIComponent(request.toString('base64'));
    raw =
      encoded.length < 255
        ? await check.http.get(`${server.replace(/\/+$/, '')}/${encoded}`, check.timeoutMs, 'ocsp')
        : await check.http.post(server, request, 'application/ocsp-request', check.timeoutMs);
  } catch (error) {
    return { status: 'unknown', error: `OCSP request to ${server} failed: ${(error as Error).message}` };
  }
  try {
    return judgeOcspResponse(raw, check);
  } catch (error) {
    return { status: 'unknown', error: `invalid OCSP response from ${server}: ${(error as Error).message}` };
  }
}

/** x/crypto/ocsp `ParseResponseForCert` plus notation-core-go's status and freshness rules. */
export function judgeOcspResponse(raw: Buffer, check: OcspCheck): ServerOutcome {
  const response = AsnConvert.parse(raw, OCSPResponse);
  if (response.responseStatus !== OCSPResponseStatus.successful) {
    return { status: 'unknown', error: `OCSP responder status ${OCSPResponseStatus[response.responseStatus] ?? response.responseStatus}` };
  }
  if (!response.responseBytes || response.responseBytes.responseType !== id_pkix_ocsp_basic) {
    return { status: 'unknown', error: 'OCSP response is not a basic response' };
  }
  const basicDer = Buffer.from(response.responseBytes.response.buffer);
  const basic = AsnConvert.parse(basicDer, BasicOCSPResponse);
  const signerError = responseSignerError(basic, firstElementOf(basicDer), check);
  if (signerError) return { status: 'unknown', error: signerError };

  const single = basic.tbsResponseData.responses.find((candidate) => certIdMatches(candidate, check));
  if (!single) return { status: 'unknown', error: 'OCSP response does not cover the certificate (CertID mismatch)' };
  const now = check.now.getTime();
  if (single.thisUpdate.getTime() > now + CLOCK_SKEW_MS) return { status: 'unknown', error: 'OCSP response thisUpdate is in the future' };
  // notation-core-go: `if !resp.NextUpdate.IsZero() && time.Now().After(resp.NextUpdate)` → expired response.
  if (single.nextUpdate && now > single.nextUpdate.getTime()) return { status: 'unknown', error: 'expired OCSP response' };

  const status = single.certStatus;
  if (status.revoked) {
    const invalidity = invalidityDateOf(single);
    // Reference §8 step 6: under signingAuthority a revocation whose invalidity date follows the authentic signing time is ignored.
    if (check.signingTime && invalidity && check.signingTime.getTime() < invalidity.getTime()) return { status: 'ok' };
    return { status: 'revoked', error: `revoked at ${status.revoked.revocationTime.toISOString()}` };
  }
  if (status.good !== undefined) return { status: 'ok' };
  return { status: 'unknown', error: 'OCSP responder reports the certificate status as unknown' };
}

/**
 * The response must be signed by the issuer itself, or by the one embedded
 * certificate if that certificate was issued by the issuer for
 * id-kp-OCSPSigning and is valid now (RFC 6960 §4.2.2.2; x/crypto refuses
 * more than one embedded certificate).
 */
function responseSignerError(basic: BasicOCSPResponse, signed: Buffer, check: OcspCheck): string | null {
  const certs = basic.certs ?? [];
  if (certs.length > 1) return 'OCSP response contains bad number of certificates';
  let signer = check.issuer;
  const embedded = certs[0] && Buffer.from(AsnConvert.serialize(certs[0]));
  if (embedded && !embedded.equals(check.issuer.der)) {
    const responder = AsnConvert.parse(embedded, AsnCertificate);
    const tbs = responder.tbsCertificate;
    if (!Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(check.issuer.rawSubject)) return 'OCSP responder certificate is not issued by the issuer';
    const responderCertificate = parseCertificate(embedded);
    const chainError = checkSignature(responderCertificate, () => check.issuer.publicKey);
    if (chainError) return `bad OCSP responder certificate signature: ${chainError}`;
    const eku = tbs.extensions?.find((extension) => extension.extnID === id_ce_extKeyUsage);
    const usages = eku ? AsnConvert.parse(eku.extnValue.buffer, ExtendedKeyUsage) : [];
    if (!usages.includes(ID_KP_OCSP_SIGNING)) return 'OCSP responder certificate lacks id-kp-OCSPSigning';
    const now = check.now.getTime();
    if (now < responderCertificate.notBefore.getTime() || now > responderCertificate.notAfter.getTime()) return 'OCSP responder certificate is not valid now';
    signer = responderCertificate;
  }
  const error = signatureError(basic.signatureAlgorithm, signed, Buffer.from(basic.signature), signer.publicKey);
  return error ? `bad OCSP signature: ${error}` : null;
}

function certIdMatches(single: SingleResponse, check: OcspCheck): boolean {
  const id = single.certID;
  if (!hashName(id.hashAlgorithm.algorithm)) return false;
  const expected = certIdOf(check.certificate, check.issuer, id.hashAlgorithm.algorithm);
  return (
    unsignedBytes(id.serialNumber).equals(unsignedBytes(expected.serialNumber)) &&
    Buffer.from(id.issuerNameHash.buffer).equals(Buffer.from(expected.issuerNameHash.buffer)) &&
    Buffer.from(id.issuerKeyHash.buffer).equals(Buffer.from(expected.issuerKeyHash.buffer))
  );
}

function invalidityDateOf(single: SingleResponse): Date | undefined {
  const extension = single.singleExtensions?.find((candidate) => candidate.extnID === id_ce_invalidityDate);
  return extension ? AsnConvert.parse(extension.extnValue.buffer, InvalidityDate).value : undefined;
}

const asnMemo = new WeakMap<Certificate, AsnCertificate>();
function asnOf(certificate: Certificate): AsnCertificate {
  let parsed = asnMemo.get(certificate);
  if (!parsed) asnMemo.set(certificate, (parsed = AsnConvert.parse(certificate.der, AsnCertificate)));
  return parsed;
}

/** The certificate's serial number as DER INTEGER content bytes. */
export function serialOf(certificate: Certificate): Buffer {
  return Buffer.from(asnOf(certificate).tbsCertificate.serialNumber);
}

/** The subjectPublicKey BIT STRING's bytes (what a CertID's issuerKeyHash covers). */
function subjectPublicKeyBits(certificate: Certificate): Buffer {
  return Buffer.from(asnOf(certificate).tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
}
