/**
 * Log lines gathered into one write. An asynchronous destination writes each
 * turn of the event loop's lines as one write(2) through libuv's thread pool;
 * a webhook under load handles about one admission per turn, so that was a
 * write — a thread hand-off and a wake-up — per admission, which cost more
 * than the admission's verification (measured, issue 11). The batcher holds
 * lines until `maxBytes` are pending or `maxDelayMs` has passed since the
 * first, then hands them to the destination as one chunk. (sonic-boom's own
 * `minLength` does the same, but measures its whole pending buffer on every
 * line, copying kilobytes per line.)
 *
 * Whatever is pending is written synchronously when the process exits, so
 * only a SIGKILL can lose the last `maxDelayMs` of lines.
 */
import { writeSync } from 'node:fs';

export interface BatchSink {
  write(chunk: string): unknown;
  /** Writes everything pending, synchronously (sonic-boom's). */
  flushSync(): void;
  /** The file descriptor written (at exit, the batcher writes its own pending lines to it directly). */
  readonly fd: number;
}

export class LineBatcher {
  private lines: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: BatchSink,
    private readonly maxBytes: number,
    private readonly maxDelayMs: number,
  ) {
    open.add(this);
  }

  /** pino's destination interface: one line. */
  write(line: string): boolean {
    this.lines.push(line);
    this.bytes += line.length;
    if (this.bytes >= this.maxBytes) this.drain();
    else this.timer ??= setTimeout(() => this.drain(), this.maxDelayMs).unref();
    return true;
  }

  /** Hands the pending lines to the destination now. */
  drain(): void {
    const chunk = this.take();
    if (chunk !== '') this.sink.write(chunk);
  }

  /**
   * At process exit: the destination writes what it holds synchronously, then the batcher writes its own pending
   * lines to the descriptor itself (handed to the destination, they would start an asynchronous write that the
   * exiting process never completes).
   */
  drainSync(): void {
    const chunk = this.take();
    try {
      this.sink.flushSync();
      if (chunk !== '') writeAllSync(this.sink.fd, Buffer.from(chunk));
    } catch {
      // A destination already closed or not yet open: nothing more can be written.
    }
  }

  /** The pending lines as one chunk ('' when none), the flush timer stopped. */
  private take(): string {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const chunk = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.bytes = 0;
    return chunk;
  }

  /** No more lines: drained, and no longer written at exit. */
  close(): void {
    this.drain();
    open.delete(this);
  }
}

/** writeSync until all is written; a full non-blocking pipe (EAGAIN) is waited on briefly, a few times. */
function writeAllSync(fd: number, data: Buffer): void {
  let offset = 0;
  let retries = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++retries > 100) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

const open = new Set<LineBatcher>();
process.on('exit', () => {
  for (const batcher of open) batcher.drainSync();
});
