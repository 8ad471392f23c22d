import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, renderConfigTable } from '@notary-gate/service';
import { exceptionScope, gatewaySchema, hasKubernetesApi, loadGatewayConfig, readsConfigMapsFromCluster } from './config';

const dir = mkdtempSync(join(tmpdir(), 'ng-gw-config-'));

const problemsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => `${problem.variable}: ${problem.message}`);
  }
  throw new Error('expected a ConfigError');
};

describe('loadGatewayConfig', () => {
  it('defaults: port 9443, self-signed TLS, in-process transport', () => {
    const config = loadGatewayConfig({ POLICY_DIR: dir });
    expect(config).toMatchObject({ port: 9443, host: '0.0.0.0', policyDir: dir, tlsCertFile: undefined, natsUrl: undefined, logLevel: 'info', reloadDebounceMs: 250 });
    expect(readsConfigMapsFromCluster(config)).toBe(false);
  });

  it('lists every bad key at once, including the cross-field rules', () => {
    expect(
      problemsOf(() =>
        loadGatewayConfig(
          { PORT: 'https', TLS_CERT_FILE: join(dir, 'missing.pem'), LOG_LEVEL: 'chatty', SERVICE_DNS_NAMES: 'ok.svc,Not_A_Name', KUBERNETES_POLICIES: 'maybe' },
          { requireNats: true },
        ),
      ),
    ).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, verbose, got "chatty"',
      'PORT: must be an integer, got "https"',
      `TLS_CERT_FILE: file "${join(dir, 'missing.pem')}" does not exist`,
      'SERVICE_DNS_NAMES: "Not_A_Name" is not a DNS name',
      'KUBERNETES_POLICIES: must be true or false, got "maybe"',
      'TLS_KEY_FILE: TLS_CERT_FILE and TLS_KEY_FILE are given together',
      'NATS_URL: is required: the gateway sends its jobs to the workers over NATS',
      'POLICY_DIR: is required unless KUBERNETES_POLICIES=true: the gateway needs a source of policies',
    ]);
  });

  it('needs the Kubernetes API for cluster sources, and reads ConfigMaps from it by default in a cluster', () => {
    expect(problemsOf(() => loadGatewayConfig({ KUBERNETES_POLICIES: 'true' }))).toEqual([
      'KUBERNETES_POLICIES: needs the Kubernetes API (neither KUBECONFIG nor KUBERNETES_SERVICE_HOST is set: not running in a cluster)',
    ]);
    const inCluster = loadGatewayConfig({ KUBERNETES_POLICIES: 'true', KUBERNETES_SERVICE_HOST: '10.0.0.1' });
    expect(readsConfigMapsFromCluster(inCluster)).toBe(true);
    expect(readsConfigMapsFromCluster(loadGatewayConfig({ POLICY_DIR: dir, CONFIGMAP_DIR: dir, KUBERNETES_SERVICE_HOST: '10.0.0.1' }))).toBe(false);
  });

  it('reaches the API through KUBECONFIG outside a cluster', () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const config = loadGatewayConfig({ KUBERNETES_POLICIES: 'true', KUBECONFIG: kubeconfig });
    expect(hasKubernetesApi(config)).toBe(true);
    expect(readsConfigMapsFromCluster(config)).toBe(true);
    expect(problemsOf(() => loadGatewayConfig({ POLICY_DIR: dir, KUBECONFIG: join(dir, 'absent') }))[0]).toMatch(/^KUBECONFIG: /);
  });

  it("keeps PolicyExceptions off unless enabled with a namespace, as Kyverno's flags do", () => {
    expect(exceptionScope(loadGatewayConfig({ POLICY_DIR: dir }))).toBeNull();
    expect(exceptionScope(loadGatewayConfig({ POLICY_DIR: dir, EXCEPTION_NAMESPACE: 'kyverno' }))).toBeNull();
    expect(exceptionScope(loadGatewayConfig({ POLICY_DIR: dir, ENABLE_POLICY_EXCEPTION: 'true' }))).toBeNull();
    expect(exceptionScope(loadGatewayConfig({ POLICY_DIR: dir, ENABLE_POLICY_EXCEPTION: 'true', EXCEPTION_NAMESPACE: '*' }))).toEqual({ namespace: '*' });
    expect(exceptionScope(loadGatewayConfig({ POLICY_DIR: dir, ENABLE_POLICY_EXCEPTION: 'true', EXCEPTION_NAMESPACE: 'kyverno' }))).toEqual({ namespace: 'kyverno' });
    expect(problemsOf(() => loadGatewayConfig({ POLICY_DIR: dir, EXCEPTION_NAMESPACE: 'Not/A/Namespace' }))).toEqual(['EXCEPTION_NAMESPACE: must be `*` or a namespace name (RFC 1123 label)']);
  });

  it('documents every variable it reads', () => {
    const table = renderConfigTable([{ title: 'Gateway', schema: gatewaySchema }]);
    for (const name of ['PORT', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'POLICY_DIR', 'CONFIGMAP_DIR', 'NATS_URL', 'KUBERNETES_POLICIES', 'SERVICE_DNS_NAMES', 'KUBECONFIG', 'ENABLE_POLICY_EXCEPTION', 'EXCEPTION_NAMESPACE']) {
      expect(table).toContain(`| \`${name}\` |`);
    }
  });
});
