/** TTL rules shared by the stores. */

/** Throws TypeError unless `ttlMs` is a positive finite number (misuse of the API). */
export function assertFillTtl(ttlMs: number): void {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError(`cache fill TTL must be a positive finite number of milliseconds, got ${String(ttlMs)}`);
  }
}

/** Throws TypeError unless `ttlMs` is undefined or a finite number. */
export function assertOptionalTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && (typeof ttlMs !== 'number' || Number.isNaN(ttlMs) || ttlMs === Infinity)) {
    throw new TypeError(`cache TTL must be a finite number of milliseconds, got ${String(ttlMs)}`);
  }
}

/** An entry's TTL override can only shorten the fill's TTL. */
export function effectiveTtl(fillTtlMs: number, entryTtlMs: number | undefined): number {
  return entryTtlMs === undefined ? fillTtlMs : Math.min(fillTtlMs, entryTtlMs);
}
