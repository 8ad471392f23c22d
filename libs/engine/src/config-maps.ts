/** A ConfigMap source over manifests given to the program (CLI `--configmap`, `serve --configmaps`), when not in a cluster. */
import type { ConfigMapData, ConfigMapSource } from './types';

interface ConfigMapObject {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; [key: string]: unknown };
  data?: unknown;
}

/** ConfigMaps among `objects` (other kinds are ignored), looked up by namespace/name; no namespace means `default`. */
export function staticConfigMaps(objects: readonly unknown[]): ConfigMapSource {
  const store = new Map<string, ConfigMapData>();
  for (const object of objects as ConfigMapObject[]) {
    if (object?.kind !== 'ConfigMap' || typeof object.metadata?.name !== 'string') continue;
    const namespace = typeof object.metadata.namespace === 'string' ? object.metadata.namespace : 'default';
    const data = Object.fromEntries(Object.entries((object.data as Record<string, unknown>) ?? {}).map(([key, value]) => [key, String(value)]));
    store.set(`${namespace}/${object.metadata.name}`, { data, metadata: object.metadata });
  }
  return { get: async (namespace, name) => store.get(`${namespace}/${name}`) ?? null };
}
