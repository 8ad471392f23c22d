/** Errors of the admission lib: every one names where in the input it happened. */
export type AdmissionErrorCode = 'ERR_MALFORMED_REVIEW' | 'ERR_INVALID_IMAGE';

export class AdmissionError extends Error {
  override readonly name = 'AdmissionError';
  constructor(
    readonly code: AdmissionErrorCode,
    /** JSON path of the offending field, e.g. `request.object.spec.containers[0].image`. */
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}
