/**
 * A minimal Kubernetes API client for what the gateway reads (ConfigMaps,
 * Kyverno policies), authenticated the in-cluster way: the service account's
 * bearer token (re-read, since bound tokens rotate) and its CA certificate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';

export interface KubernetesApiOptions {
  /** `https://host:port` of the API server. */
  server: string;
  /** Current bearer token (called per request; cache inside if reading is costly). */
  token: () => string;
  /** PEM CA bundle trusted for the API server. */
  ca?: string;
  timeoutMs?: number;
}

/** An API answer other than 2xx/404, or a transport failure: the source could not be read. */
export class KubernetesApiError extends Error {
  override readonly name = 'KubernetesApiError';
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export class KubernetesApi {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(private readonly options: KubernetesApiOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.agent = new Agent({ connect: { timeout: this.timeoutMs, ...(options.ca ? { ca: options.ca } : {}) } });
  }

  /** GET a JSON resource; null on 404. */
  async get<T>(path: string): Promise<T | null> {
    let response;
    try {
      response = await request(new URL(path, this.options.server), {
        dispatcher: this.agent,
        method: 'GET',
        headers: { authorization: `Bearer ${this.options.token()}`, accept: 'application/json' },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (error) {
      throw new KubernetesApiError(undefined, `GET ${path}: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    if (response.statusCode === 404) return null;
    if (response.statusCode < 200 || response.statusCode >= 300) {
      // A Kubernetes Status object says why (forbidden: RBAC, unauthorized: token).
      let reason = text.slice(0, 300);
      try {
        reason = (JSON.parse(text) as { message?: string }).message ?? reason;
      } catch {
        // not JSON: keep the text
      }
      throw new KubernetesApiError(response.statusCode, `GET ${path}: HTTP ${response.statusCode}: ${reason}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new KubernetesApiError(response.statusCode, `GET ${path}: the answer is not JSON`);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

export interface InClusterOptions {
  host: string;
  port: number;
  /** Holds `token` and `ca.crt` (default `/var/run/secrets/kubernetes.io/serviceaccount`). */
  serviceAccountDir: string;
  timeoutMs?: number;
}

const TOKEN_REREAD_MS = 60_000;

/** The client a pod uses: KUBERNETES_SERVICE_HOST/PORT and the mounted service account. */
export function inClusterApi(options: InClusterOptions): KubernetesApi {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let token = '';
  let readAt = 0;
  return new KubernetesApi({
    server: `https://${host}:${options.port}`,
    ca: readFileSync(join(options.serviceAccountDir, 'ca.crt'), 'utf8'),
    token: () => {
      if (Date.now() - readAt > TOKEN_REREAD_MS) {
        token = readFileSync(join(options.serviceAccountDir, 'token'), 'utf8').trim();
        readAt = Date.now();
      }
      return token;
    },
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
