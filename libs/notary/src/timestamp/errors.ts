/**
 * Failures of the authentic-timestamp step (reference §9), worded as
 * notation-go's `verifyTimestamp` wraps them. `reason` keeps the inner
 * tspclient-go / crypto text, which `notation inspect` prints with its own
 * prefix (`failed to parse timestamp countersignature: <reason>`, §13).
 */
import { NotaryError, NotaryErrorCode } from '../errors';

export type TimestampStep =
  | 'missing' // no token in the envelope
  | 'parse' // CMS SignedData / content type (tspclient ParseSignedToken)
  | 'tstInfo' // TSTInfo decoding (SignedToken.Info)
  | 'validate' // TSTInfo vs the signature (TSTInfo.Validate)
  | 'trustStore' // loading the tsa trust store
  | 'noTrustedTsa' // the tsa trust store is empty
  | 'verify' // CMS signature, signer certificate, chain to a TSA root (SignedToken.Verify)
  | 'signingTime' // the timestamp is not after the envelope's signing time
  | 'chain' // ValidateTimestampingCertChain
  | 'validity' // a signing-chain certificate does not cover the timestamp range
  | 'revocation' // a TSA chain certificate is revoked or its status is unknown
  | 'revocationCheck'; // the revocation check itself failed

/** How notation-go words each step's failure around the inner reason. */
const WRAPPERS: Record<TimestampStep, (reason: string) => string> = {
  missing: (reason) => reason,
  parse: (reason) => `failed to parse timestamp countersignature with error: ${reason}`,
  tstInfo: (reason) => `failed to get the timestamp TSTInfo with error: ${reason}`,
  validate: (reason) => `failed to get timestamp from timestamp countersignature with error: ${reason}`,
  trustStore: (reason) => `failed to load tsa trust store with error: ${reason}`,
  noTrustedTsa: (reason) => reason,
  verify: (reason) => `failed to verify the timestamp countersignature with error: ${reason}`,
  signingTime: (reason) => reason,
  chain: (reason) => `failed to validate the timestamping certificate chain with error: ${reason}`,
  validity: (reason) => reason,
  revocation: (reason) => reason,
  revocationCheck: (reason) => `failed to check timestamping certificate chain revocation with error: ${reason}`,
};

export class TimestampError extends NotaryError {
  override readonly name = 'TimestampError';
  readonly step: TimestampStep;
  /** The inner message without notation's step wrapper. */
  readonly reason: string;

  constructor(step: TimestampStep, reason: string, options: { code?: NotaryErrorCode; cause?: unknown } = {}) {
    super(options.code ?? 'ERR_TIMESTAMP', WRAPPERS[step](reason), { cause: options.cause, data: { step } });
    this.step = step;
    this.reason = reason;
  }
}

/** The message of an unknown thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
