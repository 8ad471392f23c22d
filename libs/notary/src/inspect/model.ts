/**
 * The `notation inspect` model of one signature: what the envelope says,
 * shown without verifying it (reference §13). Plain data, so the tree and
 * JSON renderers, the CLI and tests share it.
 *
 * Like notation, a signature whose envelope cannot be read is not fatal: it
 * becomes a skipped outcome carrying notation's warning text
 * (`Warning: Skipping signature %s because of error: %v`), and the command
 * ends with `at least one signature was skipped and not displayed`.
 */
import type { Descriptor } from '@notary-gate/oci';
import { NotaryError, isNotaryError } from '../errors';
import { parseEnvelope } from '../envelope/envelope';
import type { EnvelopeContent, EnvelopeMediaType, SignatureAlgorithm, SignedTime, SigningScheme } from '../types';
import { PAYLOAD_CONTENT_TYPE } from '../types';
import { rfc3339OffsetMinutes } from '../x509/time-format';
import { describeCertificate } from './certificate-view';
import { goSprint } from './go-sprint';
import { inspectTimestampToken } from './timestamp-view';

/** notation's closing error when any signature could not be shown (`cmd/notation/inspect.go`). */
export const SKIPPED_SIGNATURES_MESSAGE = 'at least one signature was skipped and not displayed';

/** An instant plus the UTC offset notation prints it in (the wall clock Go's `time.Time` carries). */
export interface InspectTime {
  date: Date;
  /** Minutes east of UTC. JWS keeps the header's offset; COSE epoch times and certificate times are UTC. */
  offsetMinutes: number;
}

export interface InspectedCertificate {
  /** SHA-256 of the DER, lowercase hex. */
  sha256Fingerprint: string;
  /** Subject as Go `pkix.Name.String()`. */
  issuedTo: string;
  /** Issuer as Go `pkix.Name.String()`. */
  issuedBy: string;
  /** NotAfter (UTC). */
  expiry: Date;
}

/** The RFC 3161 countersignature as notation shows it: its time range, or why it could not be read. */
export type InspectedTimestamp =
  | {
      /** `[genTime − accuracy, genTime + accuracy]`. */
      lower: Date;
      upper: Date;
      /** The exact bounds in nanoseconds since the epoch, when known (JSON prints RFC 3339 with nanoseconds). */
      lowerNanos?: bigint;
      upperNanos?: bigint;
      /** The token's certificates, in token order. */
      certificates: InspectedCertificate[];
      /** The DER token (notation v1.0 printed it base64-encoded). */
      token: Buffer;
    }
  | {
      /** `failed to parse timestamp countersignature: <cause>`. */
      error: string;
      token: Buffer;
    };

/** A signed attribute beyond the Notary ones, as `fmt.Sprint(key)`: `fmt.Sprint(value)`. */
export interface InspectedAttribute {
  key: string;
  value: string;
}

export interface InspectedSignature {
  /** Digest of the signature manifest (OCI form); absent for a blob signature. */
  digest?: string;
  envelopeType: EnvelopeMediaType;
  signatureAlgorithm: SignatureAlgorithm;
  signedAttributes: {
    contentType: string;
    signingScheme: SigningScheme;
    signingTime: InspectTime;
    expiry?: InspectTime;
    /** In envelope order (see `renderInspectTree` about JWS order in notation). */
    extendedAttributes: InspectedAttribute[];
  };
  /** `targetArtifact.annotations` (renderers sort the keys, as notation does); null when the payload has none. */
  userDefinedAttributes: Record<string, string> | null;
  unsignedAttributes: {
    /** Present only when non-empty. */
    signingAgent?: string;
    timestamp?: InspectedTimestamp;
  };
  certificates: InspectedCertificate[];
  /** `targetArtifact` without its annotations (shown as user defined attributes). */
  signedArtifact: Descriptor;
}

export type InspectOutcome =
  | { kind: 'signature'; signature: InspectedSignature }
  | {
      kind: 'skipped';
      digest?: string;
      error: NotaryError;
      /**
       * The error as notation prints it here: notation-core-go's own text,
       * without the verifier's `unable to parse the digital signature, error : `
       * prefix (the envelope lib keeps it in `error.data.reason`).
       */
      reason: string;
      /** notation's stderr line, without the trailing newline. */
      warning: string;
    };

export interface InspectSignatureInput {
  /** Digest of the signature manifest; absent when inspecting a blob signature file. */
  manifestDigest?: string;
  envelopeBytes: Buffer;
  /** The envelope media type (signature manifest layer, or derived from a blob signature's file name). */
  mediaType: string;
}

/** Read one signature envelope into the inspect model, without verifying it. */
export function inspectSignature(input: InspectSignatureInput): InspectOutcome {
  try {
    const content = parseEnvelope(input.envelopeBytes, input.mediaType);
    return { kind: 'signature', signature: describeEnvelope(content, input.manifestDigest) };
  } catch (error) {
    return skippedOutcome(input.manifestDigest, error);
  }
}

/**
 * A signature notation skips: its envelope could not be read (`parse`,
 * `Warning: Skipping signature %s because of error: %v`) or fetched
 * (`fetch`, `Warning: unable to fetch signature %s due to error: %v`).
 */
export function skippedOutcome(digest: string | undefined, error: unknown, stage: 'parse' | 'fetch' = 'parse'): InspectOutcome {
  const notaryError = isNotaryError(error)
    ? error
    : new NotaryError('ERR_ENVELOPE_MALFORMED', error instanceof Error ? error.message : String(error), { cause: error });
  const reason = typeof notaryError.data?.['reason'] === 'string' ? notaryError.data['reason'] : notaryError.message;
  return {
    kind: 'skipped',
    ...(digest === undefined ? {} : { digest }),
    error: notaryError,
    reason,
    warning:
      stage === 'fetch'
        ? `Warning: unable to fetch signature ${digest ?? ''} due to error: ${reason}`
        : `Warning: Skipping signature ${digest ?? ''} because of error: ${reason}`,
  };
}

/** Build the model from envelope content that has already been parsed. */
export function describeEnvelope(content: EnvelopeContent, manifestDigest?: string): InspectedSignature {
  const { signerInfo } = content;
  const signedArtifact = signedArtifactOf(content);
  const numbersAreFloats = content.mediaType === 'application/jose+json';
  const signed = signerInfo.signedAttributes;
  const signature: InspectedSignature = {
    envelopeType: content.mediaType,
    signatureAlgorithm: signerInfo.signatureAlgorithm,
    signedAttributes: {
      contentType: content.payload.contentType,
      signingScheme: signed.signingScheme,
      signingTime: inspectTime(signed.signingTime),
      ...(signed.expiry ? { expiry: inspectTime(signed.expiry) } : {}),
      extendedAttributes: signed.extendedAttributes.map((attribute) => ({
        key: goSprint(attribute.key, { numbersAreFloats }),
        value: goSprint(attribute.value, { numbersAreFloats }),
      })),
    },
    userDefinedAttributes: signedArtifact.annotations ? { ...signedArtifact.annotations } : null,
    unsignedAttributes: {
      ...(signerInfo.unsignedAttributes.signingAgent ? { signingAgent: signerInfo.unsignedAttributes.signingAgent } : {}),
      ...(signerInfo.unsignedAttributes.timestampSignature
        ? { timestamp: inspectTimestampToken(signerInfo.unsignedAttributes.timestampSignature, signerInfo.signature) }
        : {}),
    },
    certificates: signerInfo.certificateChain.map(describeCertificate),
    signedArtifact: withoutAnnotations(signedArtifact),
  };
  if (manifestDigest !== undefined) signature.digest = manifestDigest;
  return signature;
}

/**
 * JWS times print in the offset written in the header (Go's `time.Parse`
 * keeps it); COSE times are epoch seconds, which notation shows in the
 * host's zone — UTC here, as on the hosts the goldens come from.
 */
function inspectTime(time: SignedTime): InspectTime {
  const offset = time.text === undefined ? undefined : rfc3339OffsetMinutes(time.text);
  return { date: time.date, offsetMinutes: offset ?? 0 };
}

/**
 * notation's `DescriptorFromSignaturePayload`: the payload must be the Notary
 * payload type and unmarshal into `{"targetArtifact": <descriptor>}`.
 */
function signedArtifactOf(content: EnvelopeContent): Descriptor {
  if (content.payload.contentType !== PAYLOAD_CONTENT_TYPE) {
    throw new NotaryError('ERR_PAYLOAD_INVALID', `payload content type ${JSON.stringify(content.payload.contentType)} not supported`);
  }
  let document: unknown;
  try {
    document = JSON.parse(content.payload.content.toString('utf8'));
  } catch (error) {
    throw new NotaryError('ERR_PAYLOAD_INVALID', 'failed to unmarshall the payload content to Payload', { cause: error });
  }
  // Go unmarshals `null` into the zero value and rejects any other non-object.
  if (document !== null && !isRecord(document)) throw new NotaryError('ERR_PAYLOAD_INVALID', 'failed to unmarshall the payload content to Payload');
  const target = document === null ? undefined : document['targetArtifact'];
  if (target === undefined || target === null) return { mediaType: '', digest: '', size: 0 };
  if (!isRecord(target)) throw new NotaryError('ERR_PAYLOAD_INVALID', 'failed to unmarshall the payload content to Payload');
  return descriptorFromJson(target);
}

/** Read the fields of an OCI descriptor the way Go's `json.Unmarshal` fills `ocispec.Descriptor`. */
function descriptorFromJson(target: Record<string, unknown>): Descriptor {
  const fail = (): never => {
    throw new NotaryError('ERR_PAYLOAD_INVALID', 'failed to unmarshall the payload content to Payload');
  };
  const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : typeof value === 'string' ? value : fail());
  const descriptor: Descriptor = { mediaType: text(target['mediaType']) ?? '', digest: text(target['digest']) ?? '', size: 0 };
  const size = target['size'];
  if (size !== undefined && size !== null) {
    if (typeof size !== 'number' || !Number.isSafeInteger(size)) fail();
    descriptor.size = size as number;
  }
  const annotations = target['annotations'];
  if (annotations !== undefined && annotations !== null) {
    if (!isRecord(annotations) || Object.values(annotations).some((value) => typeof value !== 'string')) fail();
    descriptor.annotations = annotations as Record<string, string>;
  }
  const urls = target['urls'];
  if (Array.isArray(urls) && urls.every((url) => typeof url === 'string')) descriptor.urls = urls as string[];
  const data = text(target['data']);
  if (data) descriptor.data = data;
  if (isRecord(target['platform'])) descriptor.platform = target['platform'];
  const artifactType = text(target['artifactType']);
  if (artifactType) descriptor.artifactType = artifactType;
  return descriptor;
}

function withoutAnnotations(descriptor: Descriptor): Descriptor {
  const { annotations: _annotations, ...rest } = descriptor;
  return rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
