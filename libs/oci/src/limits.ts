/** Content caps, checked once on entry (STYLE.md §4: misuse is a TypeError). */
import { DEFAULT_LIMITS, type ContentLimits } from './types';

export function resolveLimits(partial: Partial<ContentLimits> | undefined): ContentLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`limits.${key} must be a positive integer, got ${String(value)}`);
  }
  return limits;
}
