/**
 * The contract the JWS and COSE codecs share with `envelope.ts`, mirroring
 * notation-core-go's split: `ParseEnvelope` (shape only), the cryptographic
 * part of `Verify`, and `Content` (headers and signer info, not yet the
 * format-independent base checks of `internal/base/envelope.go`).
 */
import type { Certificate } from '../x509/certificate';
import type {
  EnvelopeMediaType,
  ExtendedAttribute,
  SignatureAlgorithm,
  SignedTime,
  SigningScheme,
  UnsignedAttributes,
} from '../types';

/** What a codec extracts; the signing time may still be missing (the base checks report it). */
export interface DecodedContent {
  mediaType: EnvelopeMediaType;
  payload: { contentType: string; content: Buffer };
  signingScheme: SigningScheme;
  signingTime: SignedTime | undefined;
  expiry: SignedTime | undefined;
  extendedAttributes: ExtendedAttribute[];
  signatureAlgorithm: SignatureAlgorithm;
  certificateChain: Certificate[];
  signature: Buffer;
  unsignedAttributes: UnsignedAttributes;
}

export interface EnvelopeCodec<Parsed> {
  readonly mediaType: EnvelopeMediaType;
  /** notation-core-go `ParseEnvelope`: the envelope's shape only. */
  parse(bytes: Buffer): Parsed;
  /** The cryptographic check of `Verify`, against the key of the first chain certificate. */
  verifySignature(parsed: Parsed): void;
  /** `Content`: protected headers checked, signer info extracted. */
  content(parsed: Parsed): DecodedContent;
}

export const JWS_MEDIA_TYPE = 'application/jose+json';
export const COSE_MEDIA_TYPE = 'application/cose';

/** Header names shared by both encodings (reference §4.2, §5). */
export const HEADER = {
  signingScheme: 'io.cncf.notary.signingScheme',
  signingTime: 'io.cncf.notary.signingTime',
  authenticSigningTime: 'io.cncf.notary.authenticSigningTime',
  expiry: 'io.cncf.notary.expiry',
  signingAgent: 'io.cncf.notary.signingAgent',
  timestampSignature: 'io.cncf.notary.timestampSignature',
  verificationPlugin: 'io.cncf.notary.verificationPlugin',
  verificationPluginMinVersion: 'io.cncf.notary.verificationPluginMinVersion',
} as const;

export const SIGNING_SCHEMES: readonly SigningScheme[] = ['notary.x509', 'notary.x509.signingAuthority'];

export function isSigningScheme(value: unknown): value is SigningScheme {
  return value === 'notary.x509' || value === 'notary.x509.signingAuthority';
}

/**
 * The required-critical headers still missing from `crit`, in a stable
 * order, as notation prints them: `[io.cncf.notary.signingScheme io.cncf.notary.expiry]`
 * (Go prints a map's keys in random order; we fix one).
 */
export function formatHeaderList(headers: readonly unknown[]): string {
  return `[${headers.map(String).join(' ')}]`;
}
