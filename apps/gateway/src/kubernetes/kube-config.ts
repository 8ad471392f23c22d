/**
 * How the gateway reaches the Kubernetes API: a kubeconfig file (KUBECONFIG,
 * `--kubeconfig`: its current context, for running outside a cluster), else
 * the pod's service account (KUBERNETES_SERVICE_HOST/PORT, the mounted token
 * — re-read by the client every minute, since bound tokens rotate — and CA).
 */
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubernetesClient } from './client-node';

export interface KubeConfigSource {
  /** A kubeconfig file; wins over the in-cluster account. */
  kubeconfig?: string | undefined;
  inCluster?: { host: string; port: number; serviceAccountDir: string } | undefined;
}

/** The client configuration, or null when neither a kubeconfig nor a cluster is there. */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig | null {
  // Neither source: the client is not loaded at all (see client-node.ts).
  if (!source.kubeconfig && !source.inCluster) return null;
  const config = new (kubernetesClient().KubeConfig)();
  if (source.kubeconfig) {
    config.loadFromFile(source.kubeconfig);
    if (!config.getCurrentCluster()) throw new TypeError(`${source.kubeconfig}: the kubeconfig has no current context with a cluster`);
    return config;
  }
  if (!source.inCluster) return null;
  const { host, port, serviceAccountDir } = source.inCluster;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  config.loadFromOptions({
    clusters: [{ name: 'in-cluster', server, caFile: join(serviceAccountDir, 'ca.crt'), skipTLSVerify: false }],
    // The client's `tokenFile` provider re-reads the projected token every 60 s (as client-go does).
    users: [{ name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile: join(serviceAccountDir, 'token') } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'service-account' }],
    currentContext: 'in-cluster',
  });
  return config;
}
