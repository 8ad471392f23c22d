/** A certificate as `notation inspect` lists it (reference §13 "Certificate lines"). */
import type { Certificate } from '../x509/certificate';
import type { InspectedCertificate } from './model';

export function describeCertificate(certificate: Certificate): InspectedCertificate {
  return {
    sha256Fingerprint: certificate.sha256Fingerprint,
    issuedTo: certificate.subject,
    issuedBy: certificate.issuer,
    expiry: certificate.notAfter,
  };
}
