/**
 * The registry client: one keep-alive connection pool (undici Agent), one
 * auth cache and one referrers-capability cache, shared by every repository it
 * opens. Plain TypeScript: configuration comes in as options, nothing is read
 * from the environment.
 */
import type { Agent, Dispatcher } from 'undici';
import type { CredentialLookup, DockerCredentials } from './auth/docker-config';
import { KeyedMutex } from './concurrency';
import { parseRegistryMirrors, type RegistryMirror } from './mirror';
import { RegistryTransport, type ExchangeEvent, type RetryEvent } from './http/registry-transport';
import { resolveRetryOptions, type RetryOptions } from './http/retry';
import { resolveLimits } from './limits';
import { parseReference, type ImageReference } from './reference';
import { RegistryRepository, type ReferrersCapability, type UploadProgress } from './registry-repository';
import type { ContentLimits } from './types';

export interface RegistryClientOptions {
  /** `HOST[:PORT]` of registries allowed plain HTTP; every other registry is HTTPS only. */
  insecureRegistries?: string[];
  /** Credentials by registry host: a loaded docker config or any lookup function. */
  credentials?: DockerCredentials | CredentialLookup;
  limits?: Partial<ContentLimits>;
  retry?: Partial<RetryOptions>;
  userAgent?: string;
  /** Idle timeout for response headers and body chunks, in ms. Default 30 s. */
  timeoutMs?: number;
  /**
   * Deadline for one whole request, response body included, in ms: a registry
   * dripping bytes inside the idle timeout is cut off here. Default 5 × timeoutMs.
   */
  requestTimeoutMs?: number;
  /** Connections per origin in the pool. Default 16. */
  connections?: number;
  /** How long an idle kept-alive socket stays open, in ms. Default 30 s. */
  keepAliveTimeoutMs?: number;
  /** Parallel manifest fetches when checking referrers. Default 8. */
  referrerConcurrency?: number;
  /** Extra CA certificates (PEM) trusted for registry TLS. */
  ca?: string | Buffer | Array<string | Buffer>;
  /**
   * Registry mirrors (`ghcr.io=oci-layout:/bundle`, `ghcr.io/kyverno=mirror:5000/k`,
   * parsed or as specs): references under a mirror's source are served from its
   * target by `openRepository` (mirror.ts).
   */
  mirrors?: ReadonlyArray<RegistryMirror | string>;
  /** Told as large blob uploads go (e.g. a progress line for `attach`). */
  onUploadProgress?: (event: UploadProgress) => void;
  /** Told before each retry (e.g. to say so on stderr rather than wait in silence). */
  onRetry?: (event: RetryEvent) => void;
  /** Told after each HTTP exchange, credentials redacted (debug tracing). */
  onExchange?: (event: ExchangeEvent) => void;
  /** Receives non-fatal warnings (e.g. an outdated referrers index could not be deleted). */
  onWarning?: (message: string) => void;
  /** Test seams: delay, jitter source, clock, and the HTTP dispatcher. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  dispatcher?: Dispatcher;
}

export const DEFAULT_USER_AGENT = 'notary-gate/0.1';
const DEFAULT_TIMEOUT_MS = 30_000;
/** The default whole-request deadline, in idle timeouts: generous for a 32 MiB envelope, finite for a drip. */
const REQUEST_TIMEOUT_FACTOR = 5;

export class RegistryClient {
  readonly limits: ContentLimits;
  /** The mirrors `openRepository` applies to references opened through this client. */
  readonly mirrors: readonly RegistryMirror[];
  private readonly transport: RegistryTransport;
  private readonly ownedAgent: Agent | undefined;
  private readonly capabilities = new Map<string, ReferrersCapability>();
  private readonly indexLocks = new KeyedMutex();
  private readonly referrerConcurrency: number;
  private readonly onWarning: (message: string) => void;
  private readonly onUploadProgress: ((event: UploadProgress) => void) | undefined;

  constructor(options: RegistryClientOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.mirrors = resolveMirrors(options.mirrors);
    const retry = resolveRetryOptions(options.retry);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new TypeError('timeoutMs must be > 0');
    const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_FACTOR * timeoutMs;
    if (!(requestTimeoutMs > 0)) throw new TypeError('requestTimeoutMs must be > 0');
    this.referrerConcurrency = options.referrerConcurrency ?? 8;
    if (!Number.isInteger(this.referrerConcurrency) || this.referrerConcurrency < 1) throw new TypeError('referrerConcurrency must be an integer ≥ 1');
    for (const entry of options.insecureRegistries ?? []) {
      if (!/^[^\s/]+$/.test(entry)) throw new TypeError(`insecureRegistries entries are HOST[:PORT], got ${JSON.stringify(entry)}`);
    }
    this.ownedAgent =
      options.dispatcher === undefined
        ? // undici is required here, not at the top: parsing references and reading layouts never load it (CLI start-up).
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          new (require('undici') as typeof import('undici')).Agent({
            connections: options.connections ?? 16,
            pipelining: 1,
            keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
            connect: { timeout: timeoutMs, ...(options.ca === undefined ? {} : { ca: options.ca }) },
          })
        : undefined;
    const credentials = options.credentials;
    this.transport = new RegistryTransport({
      dispatcher: options.dispatcher ?? this.ownedAgent!,
      insecureRegistries: options.insecureRegistries ?? [],
      credentials: credentials === undefined ? () => undefined : typeof credentials === 'function' ? credentials : credentials.lookup,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      timeoutMs,
      requestTimeoutMs,
      retry,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
      ...(options.onExchange === undefined ? {} : { onExchange: options.onExchange }),
    });
    this.onWarning = options.onWarning ?? (() => undefined);
    this.onUploadProgress = options.onUploadProgress;
  }

  /** The repository of `reference` (only its registry and repository are used). */
  repository(reference: ImageReference | string): RegistryRepository {
    const parsed = typeof reference === 'string' ? parseReference(reference) : reference;
    return new RegistryRepository(parsed, {
      transport: this.transport,
      limits: this.limits,
      referrerConcurrency: this.referrerConcurrency,
      capabilities: this.capabilities,
      indexLocks: this.indexLocks,
      onWarning: this.onWarning,
      ...(this.onUploadProgress === undefined ? {} : { onUploadProgress: this.onUploadProgress }),
    });
  }

  /** Closes the connection pool (when the client created it). */
  async close(): Promise<void> {
    await this.ownedAgent?.close();
  }
}

/** Mirror specs parsed (bad ones throw ERR_INVALID_REFERENCE), parsed mirrors kept. */
export function resolveMirrors(mirrors: ReadonlyArray<RegistryMirror | string> | undefined): readonly RegistryMirror[] {
  if (mirrors === undefined || mirrors.length === 0) return [];
  const parsed = parseRegistryMirrors(mirrors.filter((mirror): mirror is string => typeof mirror === 'string'));
  return [...mirrors.filter((mirror): mirror is RegistryMirror => typeof mirror !== 'string'), ...parsed];
}
