/**
 * A value loaded from outside (a directory, the Kubernetes API) and reloaded
 * on change. A failed reload keeps the last good value and records the error
 * — a broken policy file must never empty the policy set — and readiness
 * reports the state.
 */
import type { JsonLogger, LogFields } from '@notary-gate/service';

export interface Loaded<T> {
  value: T;
  /** Same fingerprint as the current value: nothing changed, nothing logged. */
  fingerprint: string;
}

export interface ReloadableState {
  name: string;
  loaded: boolean;
  loadedAt?: string;
  /** The last reload's error, while the last good value stays in use. */
  lastError?: string;
}

export class Reloadable<T> {
  private current: T | undefined;
  private fingerprint: string | undefined;
  private loadedAt: Date | undefined;
  private lastError: Error | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<Loaded<T>>,
    private readonly logger: JsonLogger,
    private readonly describe: (value: T) => LogFields,
  ) {}

  get value(): T | undefined {
    return this.current;
  }

  state(): ReloadableState {
    return {
      name: this.name,
      loaded: this.current !== undefined,
      ...(this.loadedAt ? { loadedAt: this.loadedAt.toISOString() } : {}),
      ...(this.lastError ? { lastError: this.lastError.message } : {}),
    };
  }

  /** Loads again; true when the value changed. Never throws. */
  async reload(): Promise<boolean> {
    let loaded: Loaded<T>;
    try {
      loaded = await this.load();
    } catch (error) {
      this.lastError = error instanceof Error ? error : new Error(String(error));
      this.logger.error(
        this.current === undefined ? `${this.name}: load failed` : `${this.name}: reload failed, keeping the last good set`,
        { error: this.lastError.message, code: (this.lastError as { code?: unknown }).code },
      );
      return false;
    }
    this.lastError = undefined;
    if (loaded.fingerprint === this.fingerprint) return false;
    const first = this.current === undefined;
    this.current = loaded.value;
    this.fingerprint = loaded.fingerprint;
    this.loadedAt = new Date();
    this.logger.info(first ? `${this.name}: loaded` : `${this.name}: reloaded`, this.describe(loaded.value));
    return true;
  }
}
