/**
 * Error codes that cross the wire. A verification that *decided* (bad
 * signature, failed condition) is a normal reply, never an error; errors are
 * for work that could not be done, and `inconclusive` tells the gateway to
 * apply the policy's failurePolicy.
 */
export const JobErrorCodes = {
  /** Registry unreachable, 5xx after retries, rate limited, network error. */
  registryUnavailable: 'REGISTRY_UNAVAILABLE',
  /** The deadline passed before the work finished. */
  timeout: 'TIMEOUT',
  /** No worker answered (no responders / tier unreachable). */
  tierUnavailable: 'TIER_UNAVAILABLE',
  /** The thing asked about does not exist (unknown tag or repository): a decision, not an outage. */
  notFound: 'NOT_FOUND',
  /**
   * The registry answered, but with something we refuse: a digest mismatch,
   * content over a cap, too many referrers, a malformed manifest, or access
   * denied. A decision against the image, never a reason to fail open.
   */
  registryRefused: 'REGISTRY_REFUSED',
  /** The request itself is malformed. */
  badRequest: 'BAD_REQUEST',
  /** A bug or an unexpected failure in the worker. */
  internal: 'INTERNAL',
} as const;

export type JobErrorCode = (typeof JobErrorCodes)[keyof typeof JobErrorCodes];

export interface JobError {
  code: JobErrorCode;
  message: string;
}

/** True for "could not decide" (outages, timeouts, bugs); false for definite answers about the input. */
export function isInconclusive(code: JobErrorCode): boolean {
  return code !== JobErrorCodes.badRequest && code !== JobErrorCodes.notFound && code !== JobErrorCodes.registryRefused;
}

/** The error a jobs port throws; carries its code across NATS and in-process alike. */
export class JobFailure extends Error {
  override readonly name = 'JobFailure';
  constructor(
    readonly code: JobErrorCode,
    message: string,
  ) {
    super(message);
  }

  toJSON(): JobError {
    return { code: this.code, message: this.message };
  }
}
