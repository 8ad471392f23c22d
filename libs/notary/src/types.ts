/**
 * The Notary signature model shared by the envelope codecs, the verifier, the
 * signer and `inspect` (notation-core-go `signature/types.go`).
 */
import type { Certificate } from './x509/certificate';
import type { Descriptor } from '@notary-gate/oci';
import type { NotaryError } from './errors';

export const PAYLOAD_CONTENT_TYPE = 'application/vnd.cncf.notary.payload.v1+json';

export type EnvelopeMediaType = 'application/jose+json' | 'application/cose';
export type SigningScheme = 'notary.x509' | 'notary.x509.signingAuthority';

/** notation's display names (§6 of the reference). */
export type SignatureAlgorithm =
  | 'RSASSA-PSS-SHA-256'
  | 'RSASSA-PSS-SHA-384'
  | 'RSASSA-PSS-SHA-512'
  | 'ECDSA-SHA-256'
  | 'ECDSA-SHA-384'
  | 'ECDSA-SHA-512';

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** A time as written in the envelope: the instant plus the original text (JWS keeps its offset). */
export interface SignedTime {
  date: Date;
  /** JWS: the RFC 3339 string of the header (e.g. `2023-01-19T00:21:36-08:00`); COSE: undefined (epoch). */
  text?: string;
}

export interface ExtendedAttribute {
  /** JWS: header name; COSE: text or integer label. */
  key: string | number;
  value: unknown;
  critical: boolean;
}

export interface SignedAttributes {
  contentType: string;
  signingScheme: SigningScheme;
  /** `io.cncf.notary.signingTime` (notary.x509) or `io.cncf.notary.authenticSigningTime` (signingAuthority). */
  signingTime: SignedTime;
  expiry?: SignedTime;
  extendedAttributes: ExtendedAttribute[];
}

export interface UnsignedAttributes {
  signingAgent?: string;
  /** DER TimeStampToken (RFC 3161) over the signature bytes. */
  timestampSignature?: Buffer;
}

export interface SignerInfo {
  signedAttributes: SignedAttributes;
  unsignedAttributes: UnsignedAttributes;
  signatureAlgorithm: SignatureAlgorithm;
  /** Leaf first, root last, as carried in x5c / x5chain. */
  certificateChain: Certificate[];
  /** The primitive signature bytes (what a timestamp countersigns). */
  signature: Buffer;
}

/** What an envelope says once its integrity has been verified. */
export interface EnvelopeContent {
  mediaType: EnvelopeMediaType;
  signerInfo: SignerInfo;
  payload: { contentType: string; content: Buffer };
}

/** The payload document: `{"targetArtifact": <descriptor>}`. */
export interface NotaryPayload {
  targetArtifact: Descriptor;
}

// ---- verification outcomes (notation-go verifier, as data) ----

export type ValidationType = 'integrity' | 'authenticity' | 'authenticTimestamp' | 'expiry' | 'revocation';
export type ValidationAction = 'enforce' | 'log' | 'skip';
export type VerificationLevelName = 'strict' | 'permissive' | 'audit' | 'skip' | 'custom';

export interface VerificationLevel {
  name: VerificationLevelName;
  actions: Record<ValidationType, ValidationAction>;
}

export interface ValidationResult {
  type: ValidationType;
  action: ValidationAction;
  /** null when the check passed. */
  error: NotaryError | null;
}

/** The outcome of verifying one signature: one result per check, in run order. */
export interface VerificationOutcome {
  level: VerificationLevel;
  results: ValidationResult[];
  /** The error that made the signature fail (enforced failure, target mismatch…), or null. */
  error: NotaryError | null;
  /** Present once integrity passed. */
  envelope?: EnvelopeContent;
  payload?: NotaryPayload;
}
