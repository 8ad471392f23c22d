/**
 * A step's outcome as the image verifier sees it: success, a decided failure,
 * or "could not decide" (which becomes a rule *error*, handled by failurePolicy).
 */
import { isInconclusive, JobFailure } from '@notary-gate/contracts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string; inconclusive: boolean };

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = (message: string, inconclusive = false): Outcome<never> => ({ ok: false, message, inconclusive });

/** Turn a thrown job failure into an outcome; anything else is a bug and is rethrown. */
export function attempt<T>(run: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  // A plain promise chain rather than an async frame: every verification of every admission goes through here.
  let started: Promise<Outcome<T>>;
  try {
    started = run();
  } catch (error) {
    started = Promise.reject(error as Error);
  }
  return started.then(undefined, (error: unknown) => {
    if (error instanceof JobFailure) return failure(error.message, isInconclusive(error.code));
    throw error;
  });
}
