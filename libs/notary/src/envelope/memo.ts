/**
 * Small bounded memos for pure functions of immutable input (segment texts,
 * DER bytes). Admission verifies the same envelopes over and over; these keep
 * the repeated work off the hot path without growing without bound.
 */

/** Set `key` in a FIFO-bounded map. */
export function remember<V>(memo: Map<string, V>, key: string, value: V, limit: number): void {
  if (!memo.has(key) && memo.size >= limit) memo.delete(memo.keys().next().value as string);
  memo.set(key, value);
}

/** Freeze a decoded JSON value and everything in it, so a memoised value can be shared safely. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value as object)) deepFreeze(member);
  }
  return value;
}
