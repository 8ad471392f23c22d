/**
 * A watch-backed cache of one Kubernetes resource: `@kubernetes/client-node`'s
 * informer (ListWatch: list, then watch from the list's resourceVersion,
 * re-listing on 410 Gone), plus what the informer does not do itself:
 *
 * - it says whether its cache can be trusted (`synced`) and why not
 *   (`lastError`: the list or watch failure, in the API's words);
 * - it restarts after a failure, with a capped exponential backoff, from a
 *   fresh list (a cache that missed events is never reused as if current);
 * - a failed list never becomes an unhandled rejection: ListWatch 0.22
 *   awaits its list function inside watch callbacks without a catch, so the
 *   list function here records the failure and abandons that informer;
 * - a watch ends once: ListWatch 0.22 restarts both on a streamed ERROR
 *   event (410 Gone) and on the stream's close that follows it, which lists
 *   twice and leaves two watches open; `SingleEndWatch` passes one end on.
 *
 * Domain-free: it knows paths and objects, not what the facts mean.
 */
import type { IncomingMessage } from 'node:http';
import type { KubeConfig, KubernetesListObject, KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node';
import { kubernetesClient } from '../client-node';
import { apiError } from './api-error';

/** What to watch: resolved again at each (re)start, so a source may change its path (e.g. an API version fallback). */
export interface WatchTarget<T extends KubernetesObject> {
  /** The collection's API path, e.g. `/api/v1/namespaces`, `/apis/kyverno.io/v2/namespaces/kyverno/policyexceptions`. */
  path: string;
  list(): Promise<{ response: IncomingMessage; body: KubernetesListObject<T> }>;
}

export interface WatchedResourceOptions<T extends KubernetesObject> {
  /** Names the resource in messages: `namespaces`, `rolebindings`, `policyexceptions.kyverno.io/v2`… */
  resource: string;
  target(): WatchTarget<T>;
  /** Called on every change of the cache or of its state (synced, failed). */
  onChange?: () => void;
  /** Called on each failure (already worded); return true to restart at once (e.g. after switching the target). */
  onFailure?: (error: Error, status: number | undefined) => boolean;
  /** First retry delay after a failure, doubled up to `maxRetryMs`. Default 1 s. */
  retryMs?: number;
  /** Default 30 s. */
  maxRetryMs?: number;
  /** A list that has not answered by then counts as failed. Default 30 s. */
  listTimeoutMs?: number;
}

export interface WatchedState {
  resource: string;
  synced: boolean;
  /** Why the cache cannot be trusted now (cleared by the next successful list). */
  lastError?: string;
}

/**
 * The client's Watch, but each watch reports its end once: a streamed ERROR
 * event (e.g. a 410 Gone Status) ends it, and the close that follows is not
 * reported again. Defined on first use: the client's Watch class is loaded
 * only when a Kubernetes API is configured (client-node.ts).
 */
let singleEndWatch: (new (kubeConfig: KubeConfig) => Watch) | undefined;

function singleEndWatchClass(): new (kubeConfig: KubeConfig) => Watch {
  singleEndWatch ??= class SingleEndWatch extends kubernetesClient().Watch {
    override watch(path: string, queryParams: Record<string, unknown>, callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void, done: (err: unknown) => void): Promise<unknown> {
      let ended = false;
      const end = (error: unknown) => {
        if (ended) return;
        ended = true;
        done(error);
      };
      return super.watch(
        path,
        queryParams,
        (phase, object, raw) => {
          if (ended) return;
          if (phase === 'ERROR') return end(object);
          callback(phase, object, raw);
        },
        end,
      );
    }
  };
  return singleEndWatch;
}

export class WatchedResource<T extends KubernetesObject> {
  private informer: ListWatch<T> | undefined;
  private synced = false;
  private lastError: string | undefined;
  private changes = 0;
  private failures = 0;
  private epoch = 0;
  private running = false;
  private retry: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: WatchedResourceOptions<T>,
  ) {}

  get resource(): string {
    return this.options.resource;
  }

  /** Grows on every change of the cache or of its state: a memo keyed by it is never stale. */
  get generation(): number {
    return this.changes;
  }

  get isRunning(): boolean {
    return this.running;
  }

  state(): WatchedState {
    return { resource: this.options.resource, synced: this.synced, ...(this.lastError !== undefined ? { lastError: this.lastError } : {}) };
  }

  /** Why the cache cannot be used now, or undefined when it is synced. */
  unavailable(): string | undefined {
    if (this.synced) return undefined;
    if (!this.running) return `${this.options.resource} are not watched`;
    return this.lastError ?? `${this.options.resource} not synced yet (the first list has not answered)`;
  }

  /** Starts listing and watching (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.epoch++;
    clearTimeout(this.retry);
    const informer = this.informer;
    this.informer = undefined;
    this.synced = false;
    await informer?.stop().catch(() => undefined);
  }

  /** Resolves when the cache is synced, or after `timeoutMs` (then check `state()`). */
  whenSynced(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.synced), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer?.get(name, namespace);
  }

  list(namespace?: string): readonly T[] {
    return this.informer?.list(namespace) ?? [];
  }

  private connect(): void {
    const epoch = ++this.epoch;
    const live = () => this.running && epoch === this.epoch;
    const target = this.options.target();
    const resource = this.options.resource;
    const listTimeoutMs = this.options.listTimeoutMs ?? 30_000;
    const list = async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          target.list(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${listTimeoutMs} ms`)), listTimeoutMs);
          }),
        ]);
        // Stopped or replaced meanwhile: never let this informer go on to open a watch.
        if (!live()) return new Promise<never>(() => undefined);
        // ListWatch fills its cache right after this promise settles (same job): mark synced after that.
        setImmediate(() => {
          if (live()) this.markSynced();
        });
        return result;
      } catch (error) {
        if (live()) this.fail(`list ${resource}`, error);
        // This informer is abandoned (a new one re-lists); never settle, so ListWatch never sees a rejection it would not catch.
        return new Promise<never>(() => undefined);
      } finally {
        clearTimeout(timer);
      }
    };
    const informer = new (kubernetesClient().ListWatch)<T>(target.path, new (singleEndWatchClass())(this.kubeConfig), list, false);
    const changed = () => {
      if (!live()) return;
      this.changes++;
      this.options.onChange?.();
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    // ListWatch reports a failed or refused watch here (a 410 Gone it handles itself, by re-listing).
    informer.on('error', (error: unknown) => {
      if (live()) this.fail(`watch ${resource}`, error);
    });
    this.informer = informer;
    informer.start().catch((error: unknown) => {
      if (live()) this.fail(`watch ${resource}`, error);
    });
  }

  private markSynced(): void {
    const first = !this.synced;
    this.synced = true;
    this.lastError = undefined;
    this.failures = 0;
    if (first) {
      this.changes++;
      this.options.onChange?.();
    }
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private fail(operation: string, cause: unknown): void {
    const error = apiError(operation, cause);
    this.synced = false;
    this.lastError = error.message;
    this.changes++;
    const old = this.informer;
    this.epoch++; // the old informer's callbacks are ignored from now on
    void old?.stop().catch(() => undefined);
    const now = this.options.onFailure?.(error, error.status) ?? false;
    const base = this.options.retryMs ?? 1_000;
    const delay = now ? 0 : Math.min(base * 2 ** this.failures, this.options.maxRetryMs ?? 30_000);
    if (!now) this.failures++;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (this.running) this.connect();
    }, delay);
    this.retry.unref();
    this.options.onChange?.();
  }
}
