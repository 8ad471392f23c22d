/**
 * Counters the stores report, bound by the apps to Prometheus (the lib has no
 * prom-client dependency). `kind` is the cache of the DESIGN table the key
 * belongs to (`tag`, `referrers`, `content`, `verdict`, or `other`).
 */
export interface CacheMetrics {
  /** A lookup found a value (including one filled meanwhile by another replica). */
  hit(kind: string): void;
  /** A lookup found nothing. Coalesced callers share one lookup. */
  miss(kind: string): void;
  /** `produce` ran in this process. */
  fill(kind: string): void;
  /** The backend failed and the operation degraded to "no cache". */
  error(kind: string, operation: string): void;
}

export const noopCacheMetrics: CacheMetrics = {
  hit: () => undefined,
  miss: () => undefined,
  fill: () => undefined,
  error: () => undefined,
};
