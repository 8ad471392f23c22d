/**
 * Builders for admission requests and in-memory ConfigMap sources, used by the
 * end-to-end suites and the benchmarks (compiled into dist from here;
 * test/support/admission.ts re-exports this one implementation).
 */
import { parseAllDocuments } from 'yaml';
import type { AdmissionRequest } from '@notary-gate/admission';
import { staticConfigMaps, type ConfigMapSource } from '@notary-gate/engine';

export function podRequest(image: string, options: { name?: string; namespace?: string; uid?: string } = {}): AdmissionRequest {
  const name = options.name ?? 'test';
  const namespace = options.namespace ?? 'default';
  return {
    uid: options.uid ?? `uid-${name}`,
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    name,
    namespace,
    operation: 'CREATE',
    userInfo: { username: 'kubernetes-admin', groups: ['system:masters'] },
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name, image }] } },
    oldObject: null,
  };
}

export function deploymentRequest(image: string, name = 'web', namespace = 'default'): AdmissionRequest {
  return {
    uid: `uid-deploy-${name}`,
    kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    name,
    namespace,
    operation: 'CREATE',
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } } },
    },
    oldObject: null,
  };
}

/** ConfigMaps from YAML manifests, looked up by namespace/name. */
export function configMapsFromYaml(...texts: string[]): ConfigMapSource {
  return staticConfigMaps(texts.flatMap((text) => parseAllDocuments(text).map((document) => document.toJS() as unknown)));
}
