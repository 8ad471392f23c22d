/**
 * The one way this library talks to a registry: HTTPS unless the host is
 * listed as insecure, auth (cached header, then the 401 challenge flow),
 * redirects (never carrying credentials to another origin), and bounded
 * retries with backoff on 429 / 502 / 503 / 504 and network errors.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { Authenticator, repositoryScope, type AuthTarget } from '../auth/authenticator';
import { parseChallenges, selectChallenge } from '../auth/challenge';
import type { CredentialLookup } from '../auth/docker-config';
import { OciError } from '../errors';
import { abandonBody, discardBody } from './body';
import { isNetworkFailure, networkError, type FailureContext } from './network-errors';
import { headerValue, type HttpRequest, type HttpResponse } from './response';
import { isRetryableStatus, parseRetryAfter, retryDelay, type RetryOptions } from './retry';

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface TransportOptions {
  dispatcher: Dispatcher;
  /** HOST or HOST:PORT entries allowed plain HTTP. */
  insecureRegistries: readonly string[];
  credentials: CredentialLookup;
  userAgent: string;
  /** Idle timeout for response headers and for each body chunk. */
  timeoutMs: number;
  /** Deadline for one request, its whole response body included. */
  requestTimeoutMs: number;
  retry: RetryOptions;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  /** Told before each retry: what failed and how long until the next attempt. */
  onRetry?: (event: RetryEvent) => void;
  /** Told after each HTTP exchange (debug tracing), with credentials already redacted. */
  onExchange?: (event: ExchangeEvent) => void;
}

/** A retry about to happen. */
export interface RetryEvent {
  action: string;
  host: string;
  /** The attempt that failed (1-based) and how many are allowed. */
  attempt: number;
  attempts: number;
  delayMs: number;
  /** e.g. `HTTP 503` or a network error's message. */
  reason: string;
}

/** One request and its response's status and headers; authorization, cookies and token query values redacted. */
export interface ExchangeEvent {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  status: number | undefined;
  responseHeaders: Record<string, string>;
  durationMs: number;
  /** The network error, when there was no response. */
  error?: string;
}

/** Which repository an exchange is about and what it is doing (for scopes and messages). */
export interface ExchangeContext {
  /** Registry name, the credentials key: `docker.io`. */
  registry: string;
  /** Host contacted: `registry-1.docker.io`. */
  host: string;
  repository: string;
  /** e.g. `fetch manifest localhost:5000/app:v1` */
  action: string;
  /** The reference or digest concerned, kept on errors. */
  reference?: string;
  /** Needs push rights (token scope `pull,push`). */
  push?: boolean;
}

export class RegistryTransport {
  private readonly options: TransportOptions;
  private readonly authenticator: Authenticator;
  private readonly insecure: ReadonlySet<string>;

  constructor(options: TransportOptions) {
    this.options = options;
    this.insecure = new Set(options.insecureRegistries.map((entry) => entry.toLowerCase()));
    this.authenticator = new Authenticator({
      credentials: options.credentials,
      send: (request) => this.send(request),
      allowsPlainHttp: (host) => this.allowsPlainHttp(host),
      now: options.now,
    });
  }

  /** A host listed as `HOST:PORT` allows that port; a bare `HOST` allows any port. */
  allowsPlainHttp(host: string): boolean {
    const lower = host.toLowerCase();
    if (this.insecure.has(lower)) return true;
    const hostname = lower.startsWith('[') ? lower.slice(0, lower.indexOf(']') + 1) : lower.split(':')[0]!;
    return this.insecure.has(hostname);
  }

  /** `https://host/path`, or `http://` for an insecure host. */
  url(host: string, path: string): URL {
    return new URL(`${this.allowsPlainHttp(host) ? 'http' : 'https'}://${host}${path}`);
  }

  /**
   * Resolves a server-given location (upload URL, pagination link) against
   * the URL that gave it, refusing other schemes and plain HTTP to hosts not
   * listed as insecure.
   */
  followUrl(location: string, base: URL, context: ExchangeContext): URL {
    let url: URL;
    try {
      url = new URL(location, base);
    } catch {
      throw new OciError('ERR_BAD_RESPONSE', `${context.action}: registry gave an invalid location ${JSON.stringify(location.slice(0, 200))}`, this.details(context));
    }
    if (url.protocol === 'http:' && !this.allowsPlainHttp(url.host)) {
      throw new OciError(
        'ERR_INSECURE_REFUSED',
        `${context.action}: registry pointed to plain HTTP ${url.origin}; plain HTTP is refused unless ${url.host} is listed in insecureRegistries`,
        this.details(context),
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OciError('ERR_BAD_RESPONSE', `${context.action}: registry gave a non-HTTP location`, this.details(context));
    }
    return url;
  }

  /**
   * Sends `request` (retrying as configured) and hands the final response to
   * `handle`, which must consume or discard the body. A network failure while
   * `handle` reads the body is retried like one before the headers.
   */
  async exchange<T>(context: ExchangeContext, request: HttpRequest, handle: (response: HttpResponse) => Promise<T>): Promise<T> {
    const { attempts } = this.options.retry;
    const failure: FailureContext = { action: context.action, registry: context.registry, host: request.url.host, ...(context.reference === undefined ? {} : { reference: context.reference }) };
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.sendAuthorized(context, request);
      } catch (error) {
        if (!isNetworkFailure(error)) throw error;
        const mapped = networkError(error, failure);
        if (mapped.code === 'ERR_INSECURE_REFUSED' || attempt >= attempts) throw mapped;
        await this.pause(context, request, attempt, retryDelay(attempt, this.options.retry, this.options.random), mapped.message);
        continue;
      }
      if (isRetryableStatus(response.status) && attempt < attempts) {
        const retryAfter = parseRetryAfter(headerValue(response, 'retry-after'), this.options.now());
        await discardBody(response.body);
        await this.pause(context, request, attempt, retryDelay(attempt, this.options.retry, this.options.random, retryAfter), `HTTP ${response.status}`);
        continue;
      }
      try {
        return await handle(response);
      } catch (error) {
        if (!isNetworkFailure(error)) throw error;
        const mapped = networkError(error, failure);
        if (attempt >= attempts) throw mapped;
        await this.pause(context, request, attempt, retryDelay(attempt, this.options.retry, this.options.random), mapped.message);
      } finally {
        if (!response.body.readableEnded) abandonBody(response.body);
      }
    }
  }

  /** Tells `onRetry`, then waits. */
  private async pause(context: ExchangeContext, request: HttpRequest, attempt: number, delayMs: number, reason: string): Promise<void> {
    this.options.onRetry?.({ action: context.action, host: request.url.host, attempt, attempts: this.options.retry.attempts, delayMs, reason });
    await this.options.sleep(delayMs);
  }

  private details(context: ExchangeContext): { registry: string; reference?: string } {
    return { registry: context.registry, ...(context.reference === undefined ? {} : { reference: context.reference }) };
  }

  private async sendAuthorized(context: ExchangeContext, request: HttpRequest): Promise<HttpResponse> {
    const scopes = [repositoryScope(context.repository, context.push === true)];
    const target: AuthTarget = { registry: context.registry, host: context.host, action: context.action };
    // Credentials go only to the registry's own host, never to a host a response pointed at.
    const ownHost = request.url.host === context.host;
    let authorization = ownHost ? this.authenticator.cachedAuthorization(target, scopes) : undefined;
    let response = await this.send(withAuthorization(request, authorization));
    if (response.status === 401 && ownHost) {
      const challenge = selectChallenge(parseChallenges(headerValue(response, 'www-authenticate')));
      const next = await this.authenticator.respond(target, challenge, scopes);
      if (next !== undefined && next !== authorization) {
        await discardBody(response.body);
        authorization = next;
        response = await this.send(withAuthorization(request, authorization));
      }
    }
    for (let hops = 0; REDIRECT_STATUSES.has(response.status) && (request.method === 'GET' || request.method === 'HEAD'); hops++) {
      const location = headerValue(response, 'location');
      if (location === undefined) return response;
      await discardBody(response.body);
      if (hops >= MAX_REDIRECTS) {
        throw new OciError('ERR_BAD_RESPONSE', `${context.action}: more than ${MAX_REDIRECTS} redirects`, this.details(context));
      }
      const next = this.followUrl(location, response.url, context);
      // Credentials stay with the registry's origin (blob storage gets presigned URLs).
      const sameOrigin = next.origin === request.url.origin;
      response = await this.send({ method: request.method, url: next, ...(request.headers === undefined ? {} : { headers: request.headers }) }, sameOrigin ? authorization : undefined);
    }
    return response;
  }

  /**
   * One request, no auth flow, no retries. The idle timeouts alone cannot end
   * a registry that drips a byte just inside them (a slow-loris body would
   * be read until the size cap, for hours): the whole request, body
   * included, also has a deadline, after which it is aborted as a timeout.
   */
  async send(request: HttpRequest, authorization?: string): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, ...request.headers };
    if (authorization !== undefined) headers['authorization'] = authorization;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new RequestDeadlineError(this.options.requestTimeoutMs)), this.options.requestTimeoutMs);
    timer.unref();
    let response: Dispatcher.ResponseData;
    const started = this.options.now();
    const trace = (status: number | undefined, responseHeaders: Dispatcher.ResponseData['headers'], error?: unknown): void =>
      this.options.onExchange?.({
        method: request.method,
        url: redactUrl(request.url),
        requestHeaders: redactHeaders(headers),
        status,
        responseHeaders: redactHeaders(responseHeaders),
        durationMs: this.options.now() - started,
        ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }),
      });
    try {
      response = await this.options.dispatcher.request({
        origin: request.url.origin,
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method,
        headers,
        // Chunks are read afresh for every send (a retry starts over).
        ...(request.body === undefined ? {} : { body: Buffer.isBuffer(request.body) ? request.body : Readable.from(request.body, { objectMode: false }) }),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        // undici closes the connection after every HEAD (for servers that send a body anyway);
        // registries do not, and tag resolutions are HEADs: keep the connection alive.
        ...(request.method === 'HEAD' ? { reset: false } : {}),
        signal: deadline.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      trace(undefined, {}, error);
      throw error;
    }
    trace(response.statusCode, response.headers);
    // The body closes when read to the end, discarded or abandoned: the deadline is over then.
    response.body.once('close', () => clearTimeout(timer));
    return { status: response.statusCode, headers: response.headers, body: response.body, url: request.url };
  }
}

/** The abort reason of a request past its deadline: a timeout (network-errors.ts maps it to ERR_TIMEOUT). */
class RequestDeadlineError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ERR_REQUEST_DEADLINE';

  constructor(deadlineMs: number) {
    super(`request not complete within ${deadlineMs} ms`);
  }
}

function withAuthorization(request: HttpRequest, authorization: string | undefined): HttpRequest {
  if (authorization === undefined) return request;
  return { ...request, headers: { ...request.headers, authorization } };
}

/** Headers whose values are secrets (credentials, tokens, session cookies). */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-registry-auth']);

/** Header values as strings, secrets replaced: `Bearer <redacted>` keeps the scheme, nothing of the credential. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    const lower = name.toLowerCase();
    out[lower] = !SECRET_HEADERS.has(lower) ? text : /^\w+ /.test(text) && lower.endsWith('authorization') ? `${text.split(' ')[0]} <redacted>` : '<redacted>';
  }
  return out;
}

/** The URL with the values of credential-like query parameters (token endpoints, presigned storage URLs) replaced. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = copy.username === '' ? '' : 'redacted';
  copy.password = copy.password === '' ? '' : 'redacted';
  for (const key of [...copy.searchParams.keys()]) {
    if (/token|password|secret|signature|sig|credential|key|auth/i.test(key)) copy.searchParams.set(key, '<redacted>');
  }
  return copy.href;
}
