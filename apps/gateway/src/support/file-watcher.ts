/**
 * Calls `onChange` once things settle after files change in some directories:
 * fs.watch events are debounced (editors and Kubernetes volume updates touch
 * several files, and a ConfigMap or Secret mount swaps a `..data` symlink),
 * and an optional periodic re-scan covers events fs.watch can miss.
 */
import { watch, type FSWatcher } from 'node:fs';

export interface FileWatcherOptions {
  directories: string[];
  debounceMs: number;
  /** 0 disables the periodic call. */
  rescanIntervalMs?: number;
  onChange: () => void | Promise<void>;
  onError?: (error: Error) => void;
}

export class FileWatcher {
  private readonly watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private rescan: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pending = false;
  private closed = false;

  constructor(private readonly options: FileWatcherOptions) {
    for (const directory of new Set(options.directories)) {
      const watcher = watch(directory, { persistent: false }, () => this.schedule());
      watcher.on('error', (error) => options.onError?.(error));
      this.watchers.push(watcher);
    }
    if (options.rescanIntervalMs && options.rescanIntervalMs > 0) {
      this.rescan = setInterval(() => void this.fire(), options.rescanIntervalMs);
      this.rescan.unref();
    }
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.fire(), this.options.debounceMs);
    this.debounce.unref();
  }

  /** One change handler at a time; changes during a run cause one more run. */
  private async fire(): Promise<void> {
    if (this.closed) return;
    if (this.running) {
      this.pending = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.pending = false;
        try {
          await this.options.onChange();
        } catch (error) {
          this.options.onError?.(error as Error);
        }
      } while (this.pending && !this.closed);
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.debounce);
    clearInterval(this.rescan);
    for (const watcher of this.watchers) watcher.close();
  }
}
