/**
 * Counts jobs being handled, so a stopping worker can wait for them to be
 * answered — but never past their deadlines: an answer after the deadline is
 * read by nobody.
 */
export class InFlight {
  private readonly deadlines = new Map<symbol, number>();
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.deadlines.size;
  }

  /** Starts one job (deadline in epoch ms, `Infinity` if none); the returned function ends it, once. */
  begin(deadline: number): () => void {
    const job = Symbol('job');
    this.deadlines.set(job, deadline);
    return () => {
      if (!this.deadlines.delete(job)) return;
      if (this.deadlines.size === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  /** Resolves true once no job is in flight, false after `timeoutMs` or once every job's deadline has passed. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.deadlines.size === 0) return Promise.resolve(true);
    const untilLastDeadline = Math.max(0, Math.max(...this.deadlines.values()) - Date.now());
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.min(timeoutMs, untilLastDeadline));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
