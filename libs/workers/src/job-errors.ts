/**
 * How worker failures cross to the engine: registry outages are inconclusive
 * (failurePolicy decides), a registry that answers with content we refuse is a
 * decision against the image (never a reason to fail open).
 */
import { JobErrorCodes, JobFailure, type JobErrorCode } from '@notary-gate/contracts';
import { isNotaryError, type NotaryError } from '@notary-gate/notary';
import { isOciError, type OciErrorCode } from '@notary-gate/oci';

const OCI_TO_JOB: Partial<Record<OciErrorCode, JobErrorCode>> = {
  ERR_INVALID_REFERENCE: JobErrorCodes.badRequest,
  ERR_INVALID_DIGEST: JobErrorCodes.badRequest,
  ERR_NOT_FOUND: JobErrorCodes.notFound,
  ERR_UNREACHABLE: JobErrorCodes.registryUnavailable,
  ERR_TIMEOUT: JobErrorCodes.registryUnavailable,
  ERR_RATE_LIMITED: JobErrorCodes.registryUnavailable,
  ERR_SERVER_ERROR: JobErrorCodes.registryUnavailable,
};

/** Translate any error of a job into a JobFailure with a stable code. */
export function toJobFailure(error: unknown): JobFailure {
  if (error instanceof JobFailure) return error;
  if (isOciError(error)) return new JobFailure(OCI_TO_JOB[error.code] ?? JobErrorCodes.registryRefused, error.message);
  if (isNotaryError(error)) return notaryFailure(error);
  if (error instanceof TypeError) return new JobFailure(JobErrorCodes.badRequest, error.message);
  return new JobFailure(JobErrorCodes.internal, error instanceof Error ? error.message : String(error));
}

function notaryFailure(error: NotaryError): JobFailure {
  if (error.inconclusive) return new JobFailure(JobErrorCodes.registryUnavailable, error.message);
  return new JobFailure(JobErrorCodes.registryRefused, error.message);
}

/** Run a job body and rethrow its failure as a JobFailure. */
export async function asJob<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toJobFailure(error);
  }
}
