/**
 * A stand-in Kubernetes API server over real TLS for the gateway's in-cluster
 * reads: bearer-token auth, ConfigMaps by namespace/name, and kyverno.io/v1
 * policy lists. It writes a service account directory (token, ca.crt) the
 * way a pod sees one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../../apps/gateway/src';

export interface FakeKubernetes {
  host: string;
  port: number;
  serviceAccountDir: string;
  configMaps: Map<string, { data: Record<string, string>; metadata: Record<string, unknown> }>;
  clusterPolicies: Record<string, unknown>[];
  requests: { path: string; authorization: string | undefined }[];
  stop(): Promise<void>;
}

export const FAKE_TOKEN = 'fake-service-account-token';

export async function startFakeKubernetes(): Promise<FakeKubernetes> {
  const tls = await selfSignedCertificate();
  const serviceAccountDir = mkdtempSync(join(tmpdir(), 'ng-sa-'));
  writeFileSync(join(serviceAccountDir, 'token'), `${FAKE_TOKEN}\n`);
  writeFileSync(join(serviceAccountDir, 'ca.crt'), tls.cert);
  writeFileSync(join(serviceAccountDir, 'namespace'), 'notary-gate');
  const state: Omit<FakeKubernetes, 'host' | 'port' | 'stop'> = { serviceAccountDir, configMaps: new Map(), clusterPolicies: [], requests: [] };
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (incoming, response) => {
    const path = incoming.url ?? '/';
    state.requests.push({ path, authorization: incoming.headers.authorization });
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (incoming.headers.authorization !== `Bearer ${FAKE_TOKEN}`) return send(401, { kind: 'Status', message: 'Unauthorized' });
    const configMap = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/]+)$/.exec(path);
    if (configMap) {
      if (configMap[1] === 'forbidden') return send(403, { kind: 'Status', message: `configmaps "${configMap[2]}" is forbidden: User "system:serviceaccount:notary-gate:gateway" cannot get resource "configmaps" in the namespace "forbidden"` });
      const found = state.configMaps.get(`${configMap[1]}/${configMap[2]}`);
      return found ? send(200, { apiVersion: 'v1', kind: 'ConfigMap', ...found }) : send(404, { kind: 'Status', message: 'not found' });
    }
    if (path === '/apis/kyverno.io/v1/clusterpolicies') return send(200, { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicyList', items: state.clusterPolicies });
    if (path === '/apis/kyverno.io/v1/policies') return send(200, { apiVersion: 'kyverno.io/v1', kind: 'PolicyList', items: [] });
    return send(404, { kind: 'Status', message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    host: '127.0.0.1',
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(serviceAccountDir, { recursive: true, force: true });
          resolve();
        });
      }),
  });
}
