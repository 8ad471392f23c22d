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
export async function raceDeadline<T>(work: Promise<T>, remainingMs: number, expired: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(expired()), Math.max(0, remainingMs));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
