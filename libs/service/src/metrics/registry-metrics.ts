/**
 * Registry requests by status: the OCI client takes any undici dispatcher
 * (`RegistryClientOptions.dispatcher`), so an interceptor on the dispatcher
 * counts every request it sends — retries and token fetches included — with
 * no change to libs/oci.
 */
import { Agent, DecoratorHandler, type Dispatcher } from 'undici';
import type { ServiceMetrics } from './service-metrics';

type DispatchHandler = Dispatcher.DispatchHandler;
// undici's typings declare DecoratorHandler without its methods; at run time it forwards the
// new handler API (onResponseStart, …) to the wrapped handler, adapting legacy handlers.
interface Forwarding {
  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders, statusMessage?: string): void;
  onResponseError(controller: Dispatcher.DispatchController, error: Error): void;
}
type ResponseHeaders = Parameters<NonNullable<DispatchHandler['onResponseStart']>>[2];
const ForwardingHandler = DecoratorHandler as unknown as new (handler: DispatchHandler) => Forwarding & DispatchHandler;

class CountingHandler extends ForwardingHandler {
  private counted = false;

  constructor(
    handler: DispatchHandler,
    private readonly record: (status: number | 'error') => void,
  ) {
    super(handler);
  }

  override onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders, statusMessage?: string): void {
    if (!this.counted) {
      this.counted = true;
      this.record(statusCode);
    }
    return super.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  override onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.counted) {
      this.counted = true;
      this.record('error');
    }
    return super.onResponseError(controller, error);
  }
}

/** An undici interceptor counting each request into `notary_gate_registry_requests_total`. */
export function registryMetricsInterceptor(metrics: ServiceMetrics): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    const registry = hostOf(options.origin);
    const method = options.method ?? 'GET';
    return dispatch(options, new CountingHandler(handler, (status) => metrics.registryRequest(registry, method, status)));
  };
}

export interface RegistryAgentOptions {
  /** Connections per origin. Default 16 (the OCI client's default). */
  connections?: number;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Extra CA certificates (PEM) for registry TLS. */
  ca?: string | Buffer | Array<string | Buffer>;
}

/**
 * A dispatcher for `new RegistryClient({ dispatcher })` that counts requests.
 * The caller owns it: `close()` it after the client (the client does not
 * close a dispatcher it was given).
 */
export function countingRegistryDispatcher(metrics: ServiceMetrics, options: RegistryAgentOptions = {}): Dispatcher {
  const agent = new Agent({
    connections: options.connections ?? 16,
    pipelining: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 30_000, ...(options.ca === undefined ? {} : { ca: options.ca }) },
  });
  return agent.compose(registryMetricsInterceptor(metrics));
}

function hostOf(origin: string | URL | undefined): string {
  if (origin === undefined) return 'unknown';
  try {
    return (typeof origin === 'string' ? new URL(origin) : origin).host;
  } catch {
    return 'unknown';
  }
}
