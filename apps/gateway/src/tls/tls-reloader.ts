/**
 * Certificate rotation without a restart: the certificate and key files are
 * watched (their directories, since a Secret mount swaps a symlink) and, once
 * both load and match, `server.setSecureContext` makes new connections use
 * them. A half-written pair is refused and the current certificate kept.
 */
import { dirname } from 'node:path';
import type { Server } from 'node:https';
import type { JsonLogger } from '@notary-gate/service';
import { FileWatcher } from '../support/file-watcher';
import { loadTlsFiles, type TlsMaterial } from './tls-material';

export interface TlsReloaderOptions {
  certFile: string;
  keyFile: string;
  debounceMs: number;
  /** Re-read periodically too (0: only on file events). */
  rescanIntervalMs: number;
  logger: JsonLogger;
  onReload?: (material: TlsMaterial) => void;
}

export class TlsReloader {
  private readonly watcher: FileWatcher;

  constructor(
    private readonly server: Server,
    private current: TlsMaterial,
    private readonly options: TlsReloaderOptions,
  ) {
    this.watcher = new FileWatcher({
      directories: [dirname(options.certFile), dirname(options.keyFile)],
      debounceMs: options.debounceMs,
      rescanIntervalMs: options.rescanIntervalMs,
      onChange: () => this.reload(),
      onError: (error) => options.logger.error('TLS file watch failed', { error: error.message }),
    });
  }

  get fingerprint(): string {
    return this.current.fingerprint;
  }

  /** Loads the files again and switches when they changed and are usable. */
  async reload(): Promise<void> {
    let next: TlsMaterial;
    try {
      next = await loadTlsFiles(this.options.certFile, this.options.keyFile);
    } catch (error) {
      this.options.logger.error('TLS reload failed, keeping the current certificate', { error: (error as Error).message, fingerprint: this.current.fingerprint });
      return;
    }
    if (next.cert === this.current.cert && next.key === this.current.key) return;
    this.server.setSecureContext({ cert: next.cert, key: next.key });
    this.options.logger.info('TLS certificate reloaded', { fingerprint: next.fingerprint, previous: this.current.fingerprint });
    this.current = next;
    this.options.onReload?.(next);
  }

  close(): void {
    this.watcher.close();
  }
}
