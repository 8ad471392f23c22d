/**
 * `configMap` context entries read from the cluster (kyverno-notary-spec
 * §1.2): GET /api/v1/namespaces/{ns}/configmaps/{name}, briefly cached so
 * a burst of admissions does not hammer the API server.
 */
import type { ConfigMapData, ConfigMapSource } from '@notary-gate/engine';
import type { KubernetesApi } from './kubernetes-api';

interface ConfigMapObject {
  data?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

const SEGMENT = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export class KubernetesConfigMaps implements ConfigMapSource {
  private readonly cache = new Map<string, { value: ConfigMapData | null; expires: number }>();

  constructor(
    private readonly api: KubernetesApi,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(namespace: string, name: string): Promise<ConfigMapData | null> {
    // Names come from policies (after variable substitution): never let them reshape the URL.
    if (!SEGMENT.test(namespace) || !SEGMENT.test(name)) return null;
    const key = `${namespace}/${name}`;
    const cached = this.cache.get(key);
    if (cached && cached.expires > this.now()) return cached.value;
    const object = await this.api.get<ConfigMapObject>(`/api/v1/namespaces/${namespace}/configmaps/${name}`);
    const value = object === null ? null : { data: object.data ?? {}, metadata: object.metadata ?? {} };
    if (this.ttlMs > 0) this.cache.set(key, { value, expires: this.now() + this.ttlMs });
    return value;
  }
}
