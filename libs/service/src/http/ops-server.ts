/**
 * A small plain-HTTP server for the ops endpoints, so the worker apps (NATS
 * microservices with no HTTP server of their own) serve probes and metrics too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { opsRequestHandler, type OpsEndpoints } from './ops-handler';

export interface OpsServerOptions extends OpsEndpoints {
  /** 0 picks a free port. */
  port: number;
  /** Default `0.0.0.0`. */
  host?: string;
}

export interface OpsServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer(opsRequestHandler(options));
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`the ops port ${host}:${options.port} is already in use: set OPS_PORT (serve: --ops-port) to a free port, or 0 for any`)
          : error,
      );
    server.once('error', failed);
    server.listen(options.port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
