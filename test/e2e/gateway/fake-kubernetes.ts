/**
 * The in-test Kubernetes API (kube-api-server.ts) as a pod sees it: HTTPS
 * with its own CA, bearer-token auth, and a service account directory
 * (token, ca.crt, namespace) for the gateway's in-cluster configuration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../../apps/gateway/src';
import { KubeApiServer } from './kube-api-server';

export interface FakeKubernetes {
  api: KubeApiServer;
  host: string;
  port: number;
  serviceAccountDir: string;
  stop(): Promise<void>;
}

export const FAKE_TOKEN = 'fake-service-account-token';

export async function startFakeKubernetes(): Promise<FakeKubernetes> {
  const tls = await selfSignedCertificate();
  const serviceAccountDir = mkdtempSync(join(tmpdir(), 'ng-sa-'));
  // As the kubelet projects it: no trailing newline.
  writeFileSync(join(serviceAccountDir, 'token'), FAKE_TOKEN);
  writeFileSync(join(serviceAccountDir, 'ca.crt'), tls.cert);
  writeFileSync(join(serviceAccountDir, 'namespace'), 'notary-gate');
  const api = await KubeApiServer.start({ tls: { cert: tls.cert, key: tls.key }, token: FAKE_TOKEN });
  return {
    api,
    host: '127.0.0.1',
    port: api.port,
    serviceAccountDir,
    stop: async () => {
      await api.stop();
      rmSync(serviceAccountDir, { recursive: true, force: true });
    },
  };
}
