/**
 * The rules shared by the code-signing and timestamping chain validators
 * (notation-core-go `x509/helper.go` and the common chain walk of
 * `codesigning_cert_validations.go` / `timestamp_cert_validations.go`),
 * with notation's exact error strings (reference §7).
 */
import { NotaryError, isNotaryError, type NotaryErrorCode } from '../errors';
import type { Certificate } from './certificate';
import { goQuote } from './go-quote';
import { GoKeyUsage, checkSignature, goView, isIssuedBy } from './go-view';
import { keySpecOf } from './key-spec';
import { formatGoTimeString } from './time-format';

export function chainError(code: NotaryErrorCode, message: string, certificate?: Certificate, cause?: unknown): NotaryError {
  const options: { cause?: unknown; data?: Record<string, unknown> } = {};
  if (certificate) options.data = { subject: certificate.subject };
  if (cause !== undefined) options.cause = cause;
  return new NotaryError(code, message, options);
}

/** What differs between the code-signing and the timestamping profile. */
export interface ChainProfile {
  /** Code signing: keyUsage must be marked critical; timestamping: present is enough. */
  keyUsageMustBeCritical: boolean;
  /** The leaf's extended key usage rule, the only leaf rule the profiles do not share. */
  validateLeafExtendedKeyUsage(certificate: Certificate): void;
  /** Code signing only: every certificate must cover this instant. */
  signingTime?: Date | undefined;
}

/**
 * The chain walk common to both profiles: a lone certificate must be a valid
 * self-signed, self-issued leaf; a longer chain runs leaf → root, each
 * certificate issued by the next, ending at (and only at) a self-signed root.
 */
export function validateChain(chain: readonly Certificate[], profile: ChainProfile): void {
  if (chain.length < 1) throw chainError('ERR_CERT_CHAIN_INVALID', 'certificate chain must contain at least one certificate');
  const { signingTime } = profile;

  if (chain.length === 1) {
    const certificate = chain[0]!;
    validateSelfSignedLeaf(certificate);
    if (signingTime) validateSigningTime(certificate, signingTime);
    try {
      validateLeaf(certificate, profile);
    } catch (error) {
      if (!isNotaryError(error)) throw error;
      throw new NotaryError(error.code, `invalid self-signed certificate. Error: ${error.message}`, { cause: error, data: error.data ?? {} });
    }
    return;
  }

  chain.forEach((certificate, index) => {
    if (signingTime) validateSigningTime(certificate, signingTime);
    if (index === chain.length - 1) {
      const selfSigned = isIssuedBy(certificate, certificate);
      if (selfSigned.error !== null) {
        throw chainError(
          'ERR_CERT_CHAIN_INVALID',
          `root certificate with subject ${goQuote(certificate.subject)} is invalid or not self-signed. Certificate chain must end with a valid self-signed root certificate. Error: ${selfSigned.error}`,
          certificate,
        );
      }
      if (!selfSigned.issued) {
        throw chainError(
          'ERR_CERT_CHAIN_INVALID',
          `root certificate with subject ${goQuote(certificate.subject)} is not self-signed. Certificate chain must end with a valid self-signed root certificate`,
          certificate,
        );
      }
    } else {
      // A self-signed certificate before the end would make the rest of the chain redundant.
      const selfSigned = isIssuedBy(certificate, certificate);
      if (selfSigned.error === null && selfSigned.issued) {
        const message =
          index === 0
            ? `leaf certificate with subject ${goQuote(certificate.subject)} is self-signed. Certificate chain must not contain self-signed leaf certificate`
            : `intermediate certificate with subject ${goQuote(certificate.subject)} is self-signed. Certificate chain must not contain self-signed intermediate certificate`;
        throw chainError('ERR_CERT_CHAIN_INVALID', message, certificate);
      }
      const parent = chain[index + 1]!;
      const issuedBy = isIssuedBy(certificate, parent);
      if (issuedBy.error !== null) {
        throw chainError(
          'ERR_CERT_CHAIN_INVALID',
          `invalid certificates or certificate with subject ${goQuote(certificate.subject)} is not issued by ${goQuote(parent.subject)}. Error: ${issuedBy.error}`,
          certificate,
        );
      }
      if (!issuedBy.issued) {
        throw chainError(
          'ERR_CERT_CHAIN_INVALID',
          `certificate with subject ${goQuote(certificate.subject)} is not issued by ${goQuote(parent.subject)}`,
          certificate,
        );
      }
    }
    if (index === 0) validateLeaf(certificate, profile);
    else validateCA(certificate, index - 1, profile);
  });
}

/** The leaf rules, in notation's order (both profiles check the same things but the EKU). */
function validateLeaf(certificate: Certificate, profile: ChainProfile): void {
  validateLeafBasicConstraints(certificate);
  validateKeyUsagePresent(certificate, profile.keyUsageMustBeCritical);
  validateLeafKeyUsage(certificate);
  profile.validateLeafExtendedKeyUsage(certificate);
  validateLeafKey(certificate);
}

/** The rules of an intermediate or root, in notation's order. */
function validateCA(certificate: Certificate, expectedPathLength: number, profile: ChainProfile): void {
  validateCABasicConstraints(certificate, expectedPathLength);
  validateKeyUsagePresent(certificate, profile.keyUsageMustBeCritical);
  validateCAKeyCertSign(certificate);
}

/** A lone certificate must verify under its own key and name itself as issuer. */
function validateSelfSignedLeaf(certificate: Certificate): void {
  const error = checkSignature(certificate, () => certificate.publicKey);
  if (error !== null) {
    throw chainError('ERR_CERT_CHAIN_INVALID', `invalid self-signed certificate. subject: ${goQuote(certificate.subject)}. Error: ${error}`, certificate);
  }
  if (!certificate.rawSubject.equals(certificate.rawIssuer)) {
    throw chainError(
      'ERR_CERT_CHAIN_INVALID',
      `invalid self-signed certificate. subject: ${goQuote(certificate.subject)}. Error: issuer(${certificate.issuer}) and subject(${certificate.subject}) are not the same`,
      certificate,
    );
  }
}

/** Reference §7.1 Validity: inclusive bounds, as Go's `Before` / `After`. */
export function validateSigningTime(certificate: Certificate, signingTime: Date): void {
  const time = signingTime.getTime();
  if (time < certificate.notBefore.getTime() || time > certificate.notAfter.getTime()) {
    throw chainError(
      'ERR_CERT_EXPIRED',
      `certificate with subject ${goQuote(certificate.subject)} was invalid at signing time of ${formatGoTimeString(signingTime)}. Certificate is valid from [${formatGoTimeString(certificate.notBefore)}] to [${formatGoTimeString(certificate.notAfter)}]`,
      certificate,
    );
  }
}

/** CA basicConstraints: cA=true, and an explicit pathLenConstraint (0 included) must allow the certificates below it. */
function validateCABasicConstraints(certificate: Certificate, expectedPathLength: number): void {
  const view = goView(certificate);
  const subject = goQuote(certificate.subject);
  if (!view.basicConstraintsValid || !view.isCA) {
    // [impl] The wording says "critical", but notation never checks criticality (reference §7.1).
    throw chainError('ERR_CERT_CHAIN_INVALID', `certificate with subject ${subject}: ca field in basic constraints must be present, critical, and set to true`, certificate);
  }
  const present = view.maxPathLen > 0 || (view.maxPathLen === 0 && view.maxPathLenZero);
  if (present && view.maxPathLen < expectedPathLength) {
    throw chainError(
      'ERR_CERT_CHAIN_INVALID',
      `certificate with subject ${subject}: expected path length of ${expectedPathLength} but certificate has path length ${view.maxPathLen} instead`,
      certificate,
    );
  }
}

/** Leaf basicConstraints: when present, cA must be false. */
function validateLeafBasicConstraints(certificate: Certificate): void {
  const view = goView(certificate);
  if (view.basicConstraintsValid && view.isCA) {
    throw chainError(
      'ERR_CERT_CHAIN_INVALID',
      `certificate with subject ${goQuote(certificate.subject)}: if the basic constraints extension is present, the ca field must be set to false`,
      certificate,
    );
  }
}

/** keyUsage present (and, for code signing, critical). */
function validateKeyUsagePresent(certificate: Certificate, mustBeCritical: boolean): void {
  const extension = goView(certificate).extensions.find((candidate) => candidate.id === '2.5.29.15');
  const subject = goQuote(certificate.subject);
  if (extension && mustBeCritical && !extension.critical) {
    throw chainError('ERR_CERT_KEY_USAGE', `certificate with subject ${subject}: key usage extension must be marked critical`, certificate);
  }
  if (!extension) throw chainError('ERR_CERT_KEY_USAGE', `certificate with subject ${subject}: key usage extension must be present`, certificate);
}

/** CA keyUsage must include keyCertSign. */
function validateCAKeyCertSign(certificate: Certificate): void {
  if ((goView(certificate).keyUsage & GoKeyUsage.CertSign) === 0) {
    throw chainError(
      'ERR_CERT_KEY_USAGE',
      `certificate with subject ${goQuote(certificate.subject)}: key usage must have the bit positions for key cert sign set`,
      certificate,
    );
  }
}

/** In Go's order: the usages a signing leaf must not have. */
const FORBIDDEN_LEAF_KEY_USAGES: ReadonlyArray<[number, string]> = [
  [GoKeyUsage.KeyEncipherment, 'KeyEncipherment'],
  [GoKeyUsage.DataEncipherment, 'DataEncipherment'],
  [GoKeyUsage.KeyAgreement, 'KeyAgreement'],
  [GoKeyUsage.CertSign, 'CertSign'],
  [GoKeyUsage.CRLSign, 'CRLSign'],
  [GoKeyUsage.EncipherOnly, 'EncipherOnly'],
  [GoKeyUsage.DecipherOnly, 'DecipherOnly'],
];

/** Leaf keyUsage: digitalSignature set and nothing but digitalSignature (nonRepudiation is tolerated, as in Go). */
function validateLeafKeyUsage(certificate: Certificate): void {
  const usage = goView(certificate).keyUsage;
  const subject = goQuote(certificate.subject);
  if ((usage & GoKeyUsage.DigitalSignature) === 0) {
    throw chainError(
      'ERR_CERT_KEY_USAGE',
      `the certificate with subject ${subject} is invalid. The key usage must have the bit positions for "Digital Signature" set`,
      certificate,
    );
  }
  const found = FORBIDDEN_LEAF_KEY_USAGES.filter(([bit]) => (usage & bit) !== 0).map(([, name]) => `"${name}"`);
  if (found.length > 0) {
    throw chainError(
      'ERR_CERT_KEY_USAGE',
      `the certificate with subject ${subject} is invalid. The key usage must be "Digital Signature" only, but found ${found.join(', ')}`,
      certificate,
    );
  }
}

/** Reference §6: the leaf key must be RSA 2048/3072/4096 or ECDSA P-256/384/521. */
function validateLeafKey(certificate: Certificate): void {
  try {
    keySpecOf(certificate);
  } catch (error) {
    if (!isNotaryError(error)) throw error;
    throw chainError(error.code, `certificate with subject ${goQuote(certificate.subject)}: ${error.message}`, certificate, error);
  }
}
