/**
 * failurePolicy, the one place "could not decide" becomes allow or deny
 * (STYLE.md §5): Fail denies naming the reason, Ignore admits unmodified with
 * a warning naming it.
 */
import type { Policy } from '@notary-gate/policy';
import type { Verdict } from './types';

/** Fail if any policy handled is Fail (the webhook-level failurePolicy). */
export function effectiveFailurePolicy(policies: Policy[]): 'Fail' | 'Ignore' {
  return policies.some((policy) => policy.failurePolicy === 'Fail') ? 'Fail' : 'Ignore';
}

/** The verdict for an admission that could not be decided; `reason` says what and about which resource. */
export function applyFailurePolicy(failurePolicy: 'Fail' | 'Ignore', reason: string): Verdict {
  if (failurePolicy === 'Fail') {
    return { allowed: false, message: `notary-gate: ${reason} (failurePolicy Fail)`, patch: [], warnings: [], results: [] };
  }
  return { allowed: true, message: null, patch: [], warnings: [`notary-gate: ${reason}; admitted unverified (failurePolicy Ignore)`], results: [] };
}

/** `work`, or `expired()` thrown once `remainingMs` have passed; abandoned work may settle later unobserved. */
export function raceDeadline<T>(work: Promise<T>, remainingMs: number, expired: () => Error): Promise<T> {
  // One promise and one timer per call (every admission makes two): no Promise.race, no async frame.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(expired()), Math.max(0, remainingMs));
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
