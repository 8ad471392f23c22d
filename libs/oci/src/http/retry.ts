/**
 * Bounded retries with exponential backoff and jitter, for 429 / 502 / 503 /
 * 504 and network errors, honouring `Retry-After` (RFC 9110 §10.2.3) up to a
 * cap. Delays go through an injected `sleep` so tests run instantly.
 */
export interface RetryOptions {
  /** Total attempts, first one included (1 = no retry). */
  attempts: number;
  /** Delay before the first retry; doubled for each further retry. */
  baseDelayMs: number;
  /** Upper bound of any delay, `Retry-After` included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

/** Statuses worth another try: rate limited or a gateway / service briefly unavailable. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Milliseconds to wait from a `Retry-After` value (delta-seconds or HTTP-date), or undefined if absent / unparsable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * Delay before retry number `retry` (1-based): `base * 2^(retry-1)`, capped,
 * scaled by a jitter factor in [0.5, 1) so that clients do not retry in step.
 * A server-given `Retry-After` replaces the computed delay, still capped.
 */
export function retryDelay(retry: number, options: RetryOptions, random: () => number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxDelayMs);
  const exponential = Math.min(options.baseDelayMs * 2 ** (retry - 1), options.maxDelayMs);
  return Math.round(exponential * (0.5 + random() / 2));
}

/** Validates retry options on entry (misuse is a TypeError, STYLE.md §4). */
export function resolveRetryOptions(partial: Partial<RetryOptions> | undefined): RetryOptions {
  const options = { ...DEFAULT_RETRY, ...partial };
  if (!Number.isInteger(options.attempts) || options.attempts < 1) throw new TypeError('retry.attempts must be an integer ≥ 1');
  if (!(options.baseDelayMs >= 0) || !(options.maxDelayMs >= 0)) throw new TypeError('retry delays must be ≥ 0');
  return options;
}
