/** Unexpected throws inside a step become a typed error: a check we could not run never passes. */
import { isNotaryError, NotaryError, type NotaryErrorCode } from '../errors';

export function asNotaryError(error: unknown, code: NotaryErrorCode): NotaryError {
  if (isNotaryError(error)) return error;
  return new NotaryError(code, error instanceof Error ? error.message : String(error), { cause: error });
}
