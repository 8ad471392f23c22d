/**
 * The three ops endpoints as a plain Node request handler, shared by the
 * standalone ops server (worker apps) and the gateway's Nest controller:
 * `GET /healthz`, `GET /readyz` (503 when a critical check fails), `GET /metrics`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthService } from '../health/health.service';
import type { ServiceMetrics } from '../metrics/service-metrics';

export interface OpsEndpoints {
  health: HealthService;
  metrics: ServiceMetrics;
}

export interface OpsResponse {
  status: number;
  contentType: string;
  body: string;
}

export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;
export type OpsPath = (typeof OPS_PATHS)[number];

const json = (status: number, value: unknown): OpsResponse => ({ status, contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(value)}\n` });

/** The answer for one ops path. */
export async function opsResponse(path: OpsPath, endpoints: OpsEndpoints): Promise<OpsResponse> {
  switch (path) {
    case '/healthz':
      return json(200, endpoints.health.liveness());
    case '/readyz': {
      const report = await endpoints.health.readiness();
      return json(report.status === 'ready' ? 200 : 503, report);
    }
    case '/metrics':
      return { status: 200, contentType: endpoints.metrics.contentType, body: await endpoints.metrics.render() };
  }
}

/** A Node handler: answers the ops paths (GET/HEAD), 404 for others, 405 for other methods. */
export function opsRequestHandler(endpoints: OpsEndpoints): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://ops').pathname;
    const send = (answer: OpsResponse) => {
      response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
      response.end(request.method === 'HEAD' ? undefined : answer.body);
    };
    if (!(OPS_PATHS as readonly string[]).includes(path)) return send(json(404, { error: 'not found', paths: OPS_PATHS }));
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(json(405, { error: 'method not allowed' }));
    opsResponse(path as OpsPath, endpoints).then(send, (error: unknown) => send(json(500, { error: error instanceof Error ? error.message : String(error) })));
  };
}
