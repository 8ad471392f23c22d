/**
 * Test fixtures for revocation: the AIA / CDP extensions that make a test
 * certificate revocable, and real OCSP responses and CRLs signed with Node
 * crypto, so tests run the online checker against a local HTTP server.
 */
import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import { BasicOCSPResponse, CertStatus, id_pkix_ocsp_basic, OCSPResponse, OCSPResponseStatus, ResponderID, ResponseBytes, ResponseData, RevokedInfo, SingleResponse } from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AccessDescription,
  AlgorithmIdentifier,
  AuthorityInfoAccessSyntax,
  Certificate as AsnCertificate,
  CertificateList,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  Extension,
  GeneralName,
  id_ad_ocsp,
  id_ce_cRLDistributionPoints,
  id_ce_invalidityDate,
  id_pe_authorityInfoAccess,
  InvalidityDate,
  Name,
  RevokedCertificate,
  TBSCertList,
  Time,
} from '@peculiar/asn1-x509';
import type { Issuer, RawExtension } from '../x509/builder';
import type { Certificate } from '../x509/certificate';
import { certIdOf, serialOf } from './ocsp';

/** authorityInfoAccess (OCSP) and cRLDistributionPoints extensions naming these URLs. */
export function revocationExtensions(urls: { ocsp?: string[]; crl?: string[] }): RawExtension[] {
  const extensions: RawExtension[] = [];
  if (urls.ocsp?.length) {
    const aia = new AuthorityInfoAccessSyntax(
      urls.ocsp.map((uri) => new AccessDescription({ accessMethod: id_ad_ocsp, accessLocation: new GeneralName({ uniformResourceIdentifier: uri }) })),
    );
    extensions.push({ id: id_pe_authorityInfoAccess, critical: false, value: Buffer.from(AsnConvert.serialize(aia)) });
  }
  if (urls.crl?.length) {
    const points = new CRLDistributionPoints(
      urls.crl.map((uri) => new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [new GeneralName({ uniformResourceIdentifier: uri })] }) })),
    );
    extensions.push({ id: id_ce_cRLDistributionPoints, critical: false, value: Buffer.from(AsnConvert.serialize(points)) });
  }
  return extensions;
}

function signWith(key: KeyObject, data: Buffer): { algorithm: AlgorithmIdentifier; signature: Buffer } {
  if (key.asymmetricKeyType === 'rsa') {
    return { algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null }), signature: cryptoSign('sha256', data, key) };
  }
  if (key.asymmetricKeyType === 'ed25519') return { algorithm: new AlgorithmIdentifier({ algorithm: '1.3.101.112' }), signature: cryptoSign(null, data, key) };
  return { algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }), signature: cryptoSign('sha256', data, key) };
}

export interface TestOcspResponseOptions {
  certificate: Certificate;
  /** The CA that issued `certificate`. */
  issuer: Issuer;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  invalidityDate?: Date;
  thisUpdate?: Date;
  /** Default thisUpdate + 1 day; `null` for none. */
  nextUpdate?: Date | null;
  /** Who signs (default: the issuer); a delegated responder is embedded in the response. */
  signer?: Issuer;
  /** Answer about this certificate's CertID instead (a mismatch). */
  certIdOf?: { certificate: Certificate; issuer: Certificate };
  responseStatus?: OCSPResponseStatus;
}

/** A DER OCSPResponse (RFC 6960 §4.2.1) with one SingleResponse. */
export function buildOcspResponse(options: TestOcspResponseOptions): Buffer {
  if (options.responseStatus !== undefined && options.responseStatus !== OCSPResponseStatus.successful) {
    return Buffer.from(AsnConvert.serialize(new OCSPResponse({ responseStatus: options.responseStatus })));
  }
  const thisUpdate = options.thisUpdate ?? new Date(Date.now() - 60_000);
  const nextUpdate = options.nextUpdate === undefined ? new Date(thisUpdate.getTime() + 86_400_000) : options.nextUpdate;
  const subject = options.certIdOf ?? { certificate: options.certificate, issuer: options.issuer.certificate };
  const certStatus =
    options.status === 'good'
      ? new CertStatus({ good: null })
      : options.status === 'revoked'
        ? new CertStatus({ revoked: new RevokedInfo({ revocationTime: options.revokedAt ?? thisUpdate }) })
        : new CertStatus({ unknown: null });
  const single = new SingleResponse({ certID: certIdOf(subject.certificate, subject.issuer), certStatus, thisUpdate });
  if (nextUpdate) single.nextUpdate = nextUpdate;
  if (options.invalidityDate) {
    single.singleExtensions = [
      new Extension({ extnID: id_ce_invalidityDate, critical: false, extnValue: new OctetString(AsnConvert.serialize(new InvalidityDate(options.invalidityDate))) }),
    ];
  }
  const signer = options.signer ?? options.issuer;
  const data = new ResponseData({
    responderID: new ResponderID({ byName: AsnConvert.parse(signer.certificate.rawSubject, Name) }),
    producedAt: thisUpdate,
    responses: [single],
  });
  const { algorithm, signature } = signWith(signer.key.privateKey, Buffer.from(AsnConvert.serialize(data)));
  const basic = new BasicOCSPResponse({ tbsResponseData: data, signatureAlgorithm: algorithm, signature: new Uint8Array(signature).buffer });
  if (options.signer) basic.certs = [AsnConvert.parse(options.signer.certificate.der, AsnCertificate)];
  const response = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
  });
  return Buffer.from(AsnConvert.serialize(response));
}

export interface TestCrlOptions {
  issuer: Issuer;
  revoked?: Array<{ certificate: Certificate; date?: Date; invalidityDate?: Date }>;
  thisUpdate?: Date;
  /** Default thisUpdate + 1 day; `null` for none. */
  nextUpdate?: Date | null;
  /** Sign with this key instead of the issuer's (a forged CRL). */
  signingKey?: KeyObject;
}

/** A DER v2 CRL (RFC 5280 §5.1) signed by the issuer. */
export function buildCrl(options: TestCrlOptions): Buffer {
  const thisUpdate = options.thisUpdate ?? new Date(Date.now() - 60_000);
  const nextUpdate = options.nextUpdate === undefined ? new Date(thisUpdate.getTime() + 86_400_000) : options.nextUpdate;
  const { algorithm } = signWith(options.signingKey ?? options.issuer.key.privateKey, Buffer.alloc(0));
  const tbs = new TBSCertList({ version: 1, signature: algorithm, issuer: AsnConvert.parse(options.issuer.certificate.rawSubject, Name), thisUpdate: new Time(thisUpdate) });
  if (nextUpdate) tbs.nextUpdate = new Time(nextUpdate);
  const revoked = options.revoked ?? [];
  if (revoked.length > 0) {
    tbs.revokedCertificates = revoked.map((entry) => {
      const revokedCertificate = new RevokedCertificate({ userCertificate: new Uint8Array(serialOf(entry.certificate)).buffer, revocationDate: new Time(entry.date ?? thisUpdate) });
      if (entry.invalidityDate) {
        revokedCertificate.crlEntryExtensions = [
          new Extension({ extnID: id_ce_invalidityDate, critical: false, extnValue: new OctetString(AsnConvert.serialize(new InvalidityDate(entry.invalidityDate))) }),
        ];
      }
      return revokedCertificate;
    });
  }
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const { signature } = signWith(options.signingKey ?? options.issuer.key.privateKey, tbsDer);
  const der = Buffer.from(AsnConvert.serialize(new CertificateList({ tbsCertList: tbs, signatureAlgorithm: algorithm, signature: new Uint8Array(signature).buffer })));
  return der;
}
