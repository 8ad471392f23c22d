/**
 * `configMap` context entries read from the cluster (kyverno-notary-spec
 * §1.2): GET /api/v1/namespaces/{ns}/configmaps/{name} through the client,
 * briefly cached so a burst of admissions does not hammer the API server.
 * Read on demand rather than watched: policies name few ConfigMaps, and
 * watching every ConfigMap of the cluster would need list/watch on all of them.
 */
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ConfigMapData, ConfigMapSource } from '@notary-gate/engine';
import { kubernetesClient } from './client-node';
import { apiError, statusOf } from './informers/api-error';

const SEGMENT = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export class KubernetesConfigMaps implements ConfigMapSource {
  private readonly cache = new Map<string, { value: ConfigMapData | null; expires: number }>();
  private readonly core: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.core = kubeConfig.makeApiClient(kubernetesClient().CoreV1Api);
  }

  /** null when the ConfigMap does not exist; throws KubernetesApiError when it cannot be read (403, unreachable). */
  async get(namespace: string, name: string): Promise<ConfigMapData | null> {
    // Names come from policies (after variable substitution): never let them reshape the URL.
    if (!SEGMENT.test(namespace) || !SEGMENT.test(name)) return null;
    const key = `${namespace}/${name}`;
    const cached = this.cache.get(key);
    if (cached && cached.expires > this.now()) return cached.value;
    let value: ConfigMapData | null;
    try {
      const { response, body } = await this.core.readNamespacedConfigMap(name, namespace);
      // The JSON as the API server sent it (the client's typed copy turns timestamps into Date objects).
      const raw = ((response as { body?: unknown }).body ?? body) as { data?: Record<string, string>; metadata?: Record<string, unknown> };
      value = { data: raw.data ?? {}, metadata: raw.metadata ?? {} };
    } catch (error) {
      if (statusOf(error) !== 404) throw apiError(`get configmap ${key}`, error);
      value = null;
    }
    if (this.ttlMs > 0) this.cache.set(key, { value, expires: this.now() + this.ttlMs });
    return value;
  }
}
