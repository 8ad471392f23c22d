/**
 * The webhook's HTTP front: `POST /mutate` and `POST /validate` answered
 * straight from `node:https` — read the body under a size cap, parse it,
 * hand it to AdmissionService, write the AdmissionReview — and every other
 * path handed to the Nest (Express) app (the ops endpoints). Measured side by
 * side (bench/admission-bench.ts), Express's router, body-parser and Nest's
 * response pipeline cost more than the whole warm admission; this front does
 * only what an admission needs.
 *
 * It is also where one tenant is kept from starving the others (issue 9 §6):
 * a body-size cap, a cap on admissions in flight (an overloaded gateway
 * answers at once by the policies' failurePolicy, never queues past the API
 * server's timeout), and caps on containers and distinct images per
 * admission (refused at once with a clear message, before any job is
 * planned). The server's header, request and keep-alive timeouts and its
 * connection cap are set in `serverOptions` below.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerOptions } from 'node:https';
import { AdmissionError, CONTAINER_TYPES, admissionResponse, parseAdmissionReview, podSpecPointer, type AdmissionRequest, type AdmissionReviewResponse } from '@notary-gate/admission';
import type { JsonLogger, ServiceMetrics } from '@notary-gate/service';

export type Webhook = 'mutate' | 'validate';

export interface FrontLimits {
  /** Largest AdmissionReview body read (bytes); a larger one gets 413. Kubernetes objects are at most 1.5 MiB, a review carries two. */
  maxBodyBytes: number;
  /** Admissions decided at once; past it an admission is answered at once by failurePolicy. */
  maxInFlight: number;
  /** Containers (all kinds) per admitted resource; past it the admission is denied before any verification. */
  maxContainers: number;
  /** Distinct images per admitted resource; past it the admission is denied before any verification. */
  maxImages: number;
  /** Time to receive a request's headers; a slower client (slowloris) is disconnected. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (headers and body). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is held open. */
  keepAliveTimeoutMs: number;
  /** Connections held at once; further ones are refused by the server. */
  maxConnections: number;
}

export const DEFAULT_FRONT_LIMITS: FrontLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxInFlight: 256,
  maxContainers: 256,
  maxImages: 64,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  // Above the API server's idle-connection reuse window, so it never sends on a connection being closed.
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1_024,
};

/** How often Node checks the header and request timeouts (its default, 30 s, would let a slowloris linger that long). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** The `node:https` server options carrying the front's header and request timeouts. */
export function serverOptions(limits: FrontLimits): Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'> {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, limits.headersTimeoutMs),
  };
}

/** What can only be set on the server once created: the connection cap and the keep-alive timeout. */
export function applyServerLimits(server: { maxConnections: number; keepAliveTimeout: number }, limits: FrontLimits): void {
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
}

export interface AdmissionFrontOptions {
  /** One admission, start to end (AdmissionService.review). */
  review(webhook: Webhook, body: unknown, apiServerTimeout: string | undefined): Promise<AdmissionReviewResponse>;
  /** The answer by the current policies' failurePolicy for an admission not run, with the reason. */
  failurePolicy(request: AdmissionRequest, reason: string): AdmissionReviewResponse;
  /** Every other request (the Nest app: ops endpoints, 404s). */
  fallback(request: IncomingMessage, response: ServerResponse): void;
  logger: JsonLogger;
  metrics: ServiceMetrics;
  limits?: Partial<FrontLimits>;
}

export class AdmissionFront {
  readonly limits: FrontLimits;
  private inFlight = 0;

  constructor(private readonly options: AdmissionFrontOptions) {
    this.limits = { ...DEFAULT_FRONT_LIMITS, ...options.limits };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!Number.isInteger(value) || value <= 0) throw new TypeError(`AdmissionFront: limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }

  /** Admissions being decided now. */
  get admissionsInFlight(): number {
    return this.inFlight;
  }

  /** The request listener of the HTTPS server. */
  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    const webhook = request.method === 'POST' ? webhookOf(request.url ?? '') : undefined;
    if (webhook === undefined) return this.options.fallback(request, response);
    const declared = Number(request.headers['content-length']);
    if (declared > this.limits.maxBodyBytes) return this.tooLarge(request, response, declared);
    let size = 0;
    const chunks: Buffer[] = [];
    let aborted = false;
    request.on('data', (chunk: Buffer) => {
      if (aborted) return;
      size += chunk.length;
      if (size > this.limits.maxBodyBytes) {
        aborted = true;
        this.tooLarge(request, response, size);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (aborted) return;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      void this.admit(webhook, text, request.url ?? '', response);
    });
  };

  private async admit(webhook: Webhook, text: string, url: string, response: ServerResponse): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      this.options.metrics.admission(webhook, 'error');
      return send(response, 400, { code: 'ERR_MALFORMED_REVIEW', path: '', message: `the body is not JSON: ${(error as Error).message}` });
    }
    const refusal = this.refusal(webhook, body);
    if (refusal) return send(response, refusal.status, refusal.body);
    this.inFlight++;
    try {
      send(response, 200, await this.options.review(webhook, body, apiServerTimeout(url)));
    } catch (error) {
      if (error instanceof AdmissionError) {
        send(response, 400, { code: error.code, path: error.path, message: error.message });
      } else {
        // AdmissionService answers every failure after parsing by failurePolicy; reaching here is a bug, never an allow.
        this.options.logger.error(`${webhook}: admission failed unexpectedly`, { error });
        send(response, 500, { code: 'ERR_INTERNAL', message: `${webhook}: the admission could not be answered: ${(error as Error).message}` });
      }
    } finally {
      this.inFlight--;
    }
  }

  /** An admission answered without running it: over the in-flight cap (failurePolicy) or over the size caps (denied). */
  private refusal(webhook: Webhook, body: unknown): { status: number; body: unknown } | undefined {
    const overloaded = this.inFlight >= this.limits.maxInFlight;
    const oversize = overloaded ? undefined : this.oversize(body);
    if (!overloaded && oversize === undefined) return undefined;
    let request: AdmissionRequest;
    try {
      request = parseAdmissionReview(body);
    } catch (error) {
      if (!(error instanceof AdmissionError)) throw error;
      this.options.metrics.admission(webhook, 'error');
      return { status: 400, body: { code: error.code, path: error.path, message: error.message } };
    }
    const subject = `${request.kind.kind}/${request.namespace ?? ''}/${request.name ?? ''}`;
    if (overloaded) {
      const reason = `the gateway is overloaded (${this.inFlight} admissions in flight, at most ${this.limits.maxInFlight})`;
      this.options.metrics.admission(webhook, 'error');
      this.options.logger.warn(`${webhook}: ${reason}; applying failurePolicy`, { requestId: request.uid, kind: request.kind.kind, namespace: request.namespace, name: request.name });
      return { status: 200, body: this.options.failurePolicy(request, reason) };
    }
    const message = `${subject} was denied without verification: ${oversize}`;
    this.options.metrics.admission(webhook, 'denied');
    this.options.logger.info(`${webhook}: denied`, { requestId: request.uid, webhook, kind: request.kind.kind, namespace: request.namespace, name: request.name, allowed: false, denial: message });
    return { status: 200, body: admissionResponse({ uid: request.uid, allowed: false, message }) };
  }

  /** Why the resource is too large to verify in one admission, or undefined. Counts only; AdmissionService checks the shapes. */
  private oversize(body: unknown): string | undefined {
    const request = (body as { request?: { kind?: { kind?: unknown }; object?: unknown; operation?: unknown } } | null)?.request;
    if (request?.operation === 'DELETE') return undefined;
    const pointer = podSpecPointer(String(request?.kind?.kind ?? ''));
    if (pointer === null) return undefined;
    let spec: unknown = request?.object;
    for (const segment of pointer.split('/').slice(1)) spec = spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>)[segment] : undefined;
    if (spec === null || typeof spec !== 'object') return undefined;
    let containers = 0;
    const images = new Set<unknown>();
    for (const type of CONTAINER_TYPES) {
      const list = (spec as Record<string, unknown>)[type];
      if (!Array.isArray(list)) continue;
      containers += list.length;
      for (const container of list) images.add((container as { image?: unknown } | null)?.image);
    }
    if (containers > this.limits.maxContainers) return `it has ${containers} containers, more than the ${this.limits.maxContainers} one admission may carry`;
    if (images.size > this.limits.maxImages) return `it names ${images.size} distinct images, more than the ${this.limits.maxImages} one admission may carry`;
    return undefined;
  }

  private tooLarge(request: IncomingMessage, response: ServerResponse, bytes: number): void {
    const webhook = webhookOf(request.url ?? '') ?? 'mutate';
    this.options.metrics.admission(webhook, 'error');
    // The rest of the body is not read: close the connection once answered.
    response.setHeader('connection', 'close');
    send(response, 413, { code: 'ERR_REVIEW_TOO_LARGE', path: '', message: `the AdmissionReview is ${bytes} bytes or more, above the ${this.limits.maxBodyBytes} bytes this gateway reads` });
    response.on('finish', () => request.destroy());
  }
}

/** `/mutate` or `/validate` (a trailing slash and a query allowed, as the Express routes did), else undefined. */
function webhookOf(url: string): Webhook | undefined {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (path === '/mutate' || path === '/mutate/') return 'mutate';
  if (path === '/validate' || path === '/validate/') return 'validate';
  return undefined;
}

/** The API server's `?timeout=10s`. */
function apiServerTimeout(url: string): string | undefined {
  const query = url.indexOf('?');
  return query < 0 ? undefined : (new URLSearchParams(url.slice(query + 1)).get('timeout') ?? undefined);
}

function send(response: ServerResponse, status: number, value: unknown): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(value);
  // Headers as a flat list: Node takes it as is, without walking an object.
  response.writeHead(status, ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(text))]);
  response.end(text);
}
