/**
 * Answers about a policy set worked out once per set rather than on every
 * admission. A set is remembered only when it is a frozen array (the
 * gateway's policy store freezes each set it serves, and a new set is a new
 * array), so an array a caller may still change is never answered from memory.
 */
import type { Policy } from '@notary-gate/policy';

/** `compute(policies)`, remembered per frozen set. */
export function perPolicySet<T>(compute: (policies: readonly Policy[]) => T): (policies: readonly Policy[]) => T {
  const known = new WeakMap<readonly Policy[], T>();
  return (policies) => {
    if (!Object.isFrozen(policies)) return compute(policies);
    let answer = known.get(policies);
    if (answer === undefined && !known.has(policies)) {
      answer = compute(policies);
      known.set(policies, answer);
    }
    return answer as T;
  };
}
