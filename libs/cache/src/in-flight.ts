/**
 * In-process coalescing of identical in-flight work: while a run for a key is
 * pending, every other caller for that key gets the same promise, so N
 * concurrent requests for one uncached image cause one registry round-trip.
 */
export class InFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();

  /** Runs `work` unless a run for `key` is already pending, in which case `onJoin` is called and that run shared. */
  run(key: string, work: () => Promise<T>, onJoin?: () => void): Promise<T> {
    const existing = this.pending.get(key);
    if (existing) {
      onJoin?.();
      return existing;
    }
    // The async wrapper turns a synchronous throw into a rejection and defers
    // `finally` past the `set` below.
    const run = (async () => work())().finally(() => this.pending.delete(key));
    this.pending.set(key, run);
    return run;
  }

  /** Number of keys with a run pending (for tests and diagnostics). */
  get size(): number {
    return this.pending.size;
  }
}
