/**
 * Which certificates may be trust anchors (reference §7.3; notation-go
 * `truststore.ValidateCertificates`, `isRootCACertificate`): every one must be
 * a CA or self-signed, and a `tsa` store holds root CAs only. Shared by the
 * directory and the in-memory store so both fail with notation's messages.
 */
import { NotaryError } from '../errors';
import type { Certificate } from '../x509/certificate';
import { goQuote } from '../x509/go-quote';
import { checkSignature, checkSignatureFrom, goView } from '../x509/go-view';
import type { TrustStoreType } from './types';

/**
 * Check the certificates read from one source (a file of a directory store,
 * or one entry of an in-memory store) named `label`. Throws ERR_TRUST_STORE.
 */
export function validateTrustedCertificates(certificates: readonly Certificate[], label: string, storeName: string, type: TrustStoreType): void {
  const where = `${label} in trust store ${storeName} of type ${type}`;
  const anchorError = certificates.length === 0 ? 'input certs cannot be empty' : certificates.map(caOrSelfSignedError).find((error) => error !== null);
  if (anchorError) {
    throw new NotaryError('ERR_TRUST_STORE', `failed to validate the trusted certificate ${where}`, { cause: new Error(anchorError) });
  }
  // A TSA store anchors RFC 3161 chains built by path validation: only roots belong there.
  if (type === 'tsa') {
    for (const certificate of certificates) {
      const error = rootCaError(certificate);
      if (error !== null) throw new NotaryError('ERR_TRUST_STORE', `trusted certificate ${where} is invalid: ${error}`);
    }
  }
}

/** Go `ValidateCertificates` for one certificate: a CA, or else it must verify under its own key. */
function caOrSelfSignedError(certificate: Certificate): string | null {
  if (goView(certificate).isCA) return null;
  if (checkSignature(certificate, () => certificate.publicKey) === null) return null;
  return `certificate with subject ${goQuote(certificate.subject)} is not a CA certificate or self-signed signing certificate`;
}

/** Go `isRootCACertificate`: `CheckSignatureFrom(itself)` (CA constraints + signature) and issuer = subject. */
function rootCaError(certificate: Certificate): string | null {
  const error = checkSignatureFrom(certificate, certificate);
  if (error !== null) return `certificate with subject ${goQuote(certificate.subject)} is not a root CA certificate: ${error}`;
  if (!certificate.rawSubject.equals(certificate.rawIssuer)) {
    return `certificate with subject ${goQuote(certificate.subject)} is not a root CA certificate: issuer (${certificate.issuer}) and subject (${certificate.subject}) are not the same`;
  }
  return null;
}

export function noCertificatesError(storeName: string, type: TrustStoreType): NotaryError {
  return new NotaryError('ERR_TRUST_STORE', `no x509 certificates were found in trust store ${goQuote(storeName)} of type ${goQuote(type)}`);
}

export function missingStoreError(storeName: string, type: TrustStoreType): NotaryError {
  return new NotaryError('ERR_TRUST_STORE', `the trust store ${goQuote(storeName)} of type ${goQuote(type)} does not exist`);
}
