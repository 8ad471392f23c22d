/**
 * Starts the gateway's HTTPS server: the certificate (files, reloaded on
 * change, or self-signed with its fingerprint logged), the Nest app of
 * GatewayModule (dependency injection, lifecycle, the ops endpoints), the
 * admission front answering /mutate and /validate on `node:https` itself
 * (http/admission-front.ts), and a handle to stop it all.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { admissionResponse } from '@notary-gate/admission';
import { HealthService, JsonLogger, ServiceMetrics, startOpsServer, type OpsServer } from '@notary-gate/service';
import { AdmissionService, failurePolicyVerdict } from './admission/admission.service';
import type { GatewayConfig } from './config';
import { GatewayModule, type GatewayModuleOptions } from './gateway.module';
import { AdmissionFront, applyServerLimits, serverOptions, type FrontLimits } from './http/admission-front';
import { PolicyStore } from './policies/policy-store';
import { TlsReloader } from './tls/tls-reloader';
import { loadTlsFiles, selfSignedCertificate, type TlsMaterial } from './tls/tls-material';

/** AdmissionReviews carry the object and the old object: allow well over Kubernetes' 1.5 MiB object limit. */
export const MAX_REVIEW_BYTES = '8mb';

/** How long a stopping gateway waits for the admissions it holds before closing their connections. */
const DRAIN_MS = 10_000;


export interface BootstrapGatewayOptions extends Omit<GatewayModuleOptions, 'config'> {
  /**
   * Also serve /healthz, /readyz and /metrics over plain HTTP on OPS_HOST:OPS_PORT
   * (for Prometheus and probes without TLS). Default false: they are on the HTTPS port anyway.
   */
  opsServer?: boolean;
  /** The HTTP front's caps and timeouts (defaults: DEFAULT_FRONT_LIMITS). */
  limits?: Partial<FrontLimits>;
}

export interface GatewayHandle {
  /** `https://127.0.0.1:<port>` when bound to all interfaces. */
  readonly url: string;
  readonly port: number;
  /** The plain-HTTP ops server's URL, when `opsServer` was asked for. */
  readonly opsUrl: string | undefined;
  /** SHA-256 fingerprint of the certificate now served. */
  fingerprint(): string;
  /** The certificate now served (PEM): the caBundle of a self-signed setup. */
  certificate(): string;
  readonly app: INestApplication;
  close(): Promise<void>;
}

export async function bootstrapGateway(config: GatewayConfig, options: BootstrapGatewayOptions): Promise<GatewayHandle> {
  // A gateway serves one cluster: its name (CLUSTER_NAME) is on every log line and every series.
  const cluster = config.clusterName ? { cluster: config.clusterName } : {};
  const logger = options.logger ?? new JsonLogger({ service: 'gateway', level: config.logLevel, fields: cluster });
  // Created here (not inside the module) so the optional plain-HTTP ops server shares them.
  const metrics = options.metrics ?? new ServiceMetrics({ service: 'gateway', ...cluster });
  const health = options.health ?? new HealthService('gateway');
  let tls: TlsMaterial =
    config.tlsCertFile && config.tlsKeyFile
      ? await loadTlsFiles(config.tlsCertFile, config.tlsKeyFile)
      : await selfSignedCertificate({ dnsNames: config.serviceDnsNames });
  logger.info(tls.source === 'files' ? 'TLS certificate loaded' : 'TLS certificate generated (self-signed)', {
    fingerprint: tls.fingerprint,
    ...(tls.source === 'files' ? { certFile: config.tlsCertFile } : { dnsNames: ['localhost', ...config.serviceDnsNames], ipAddresses: ['127.0.0.1', '::1'] }),
  });

  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot({ ...options, config, logger, metrics, health }), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(logger);
  app.flushLogs();
  app.useBodyParser('json', { limit: MAX_REVIEW_BYTES });
  // Nest runs its lifecycle (policy sources, readiness checks) without a server of its own: the front below is the server.
  await app.init();
  const express = app.getHttpAdapter().getInstance() as (request: IncomingMessage, response: ServerResponse) => void;
  const admissions = app.get(AdmissionService);
  const policies = app.get(PolicyStore);
  const front = new AdmissionFront({
    review: (webhook, body, timeout) => admissions.review(webhook, body, timeout),
    failurePolicy: (request, reason) => {
      // Without a loaded policy set no failurePolicy is known: deny (Kyverno's default, Fail), as AdmissionService does.
      const verdict = failurePolicyVerdict(request, policies.notLoaded() === undefined ? policies.current() : 'Fail', reason);
      return admissionResponse({ uid: request.uid, allowed: verdict.allowed, ...(verdict.message !== null ? { message: verdict.message } : {}), warnings: verdict.warnings });
    },
    fallback: express,
    logger,
    metrics,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const server: Server = createServer({ cert: tls.cert, key: tls.key, ...serverOptions(front.limits) }, front.handle);
  applyServerLimits(server, front.limits);
  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `https://${host}:${port}`;

  const reloader =
    tls.source === 'files'
      ? new TlsReloader(server, tls, {
          certFile: config.tlsCertFile!,
          keyFile: config.tlsKeyFile!,
          debounceMs: config.reloadDebounceMs,
          rescanIntervalMs: config.rescanIntervalMs,
          logger,
          onReload: (next) => {
            tls = next;
          },
        })
      : undefined;
  let ops: OpsServer | undefined;
  try {
    ops = options.opsServer ? await startOpsServer({ port: config.opsPort, host: config.opsHost, health, metrics }) : undefined;
  } catch (error) {
    reloader?.close();
    await closeServer(server);
    await app.close();
    throw error;
  }
  logger.info('gateway listening', { url, port, transport: config.natsUrl ? 'nats' : 'in-process', ...(ops ? { opsUrl: ops.url } : {}) });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    opsUrl: ops?.url,
    fingerprint: () => tls.fingerprint,
    certificate: () => tls.cert,
    app,
    close: () =>
      (closing ??= (async () => {
        reloader?.close();
        await closeServer(server);
        await ops?.close();
        await app.close();
      })()),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops taking connections, closes the idle ones, lets the admissions in flight answer (up to DRAIN_MS), then closes the rest. */
function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
