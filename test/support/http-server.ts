/**
 * A tiny programmable HTTP server on a free loopback port, for the registry
 * behaviours the real docker-registry cannot show (referrers API, lying
 * content, 429 / 503, token auth). Every request is recorded with its headers
 * and body so tests can count attempts and check what was sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v2/app/manifests/v1`. */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type TestHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface TestHttpServer {
  /** 127.0.0.1:port */
  readonly host: string;
  requests(): RecordedRequest[];
  setHandler(handler: TestHandler): void;
  stop(): Promise<void>;
}

export async function startHttpServer(handler: TestHandler): Promise<TestHttpServer> {
  let current = handler;
  const log: RecordedRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const recorded: RecordedRequest = { method: incoming.method ?? 'GET', url: incoming.url ?? '/', headers: incoming.headers, body: Buffer.concat(chunks) };
      log.push(recorded);
      Promise.resolve(current(recorded, response)).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests: () => [...log],
    setHandler: (next) => {
      current = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON / bytes response with the given status and headers. */
export function reply(response: ServerResponse, status: number, body: string | Buffer = '', headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { 'content-length': String(bytes.length), ...headers });
  response.end(bytes);
}
