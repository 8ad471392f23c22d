/**
 * The gateway's configuration: its own variables plus the common ones,
 * validated once at boot (STYLE.md §10). Flags of `notary-gate serve` and of
 * the gateway binary map onto the same variable names (`GATEWAY_FLAGS`).
 */
import { ConfigError, commonVariables, env, loadConfig, mergeSchemas, type ConfigOf, type ConfigProblem, type Environment } from '@notary-gate/service';

const DNS_NAME = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const gatewayVariables = {
  port: env.int('PORT', { doc: 'HTTPS port of the admission webhook (`/mutate`, `/validate`, and the ops endpoints). Flag `--port`.', default: 9443, min: 0, max: 65535 }),
  host: env.string('HOST', { doc: 'Address the webhook binds to.', default: '0.0.0.0' }),
  tlsCertFile: env.file('TLS_CERT_FILE', { doc: 'PEM certificate (chain) of the webhook, reloaded when the file changes. Flag `--tls-cert`. Unset: a self-signed certificate is generated.' }),
  tlsKeyFile: env.file('TLS_KEY_FILE', { doc: 'PEM private key matching TLS_CERT_FILE. Flag `--tls-key`.', secret: true }),
  serviceDnsNames: env.list('SERVICE_DNS_NAMES', {
    doc: 'DNS names put in the generated self-signed certificate besides localhost (e.g. `notary-gate.notary-gate.svc`).',
    default: [],
    item: (name) => (DNS_NAME.test(name) ? undefined : 'is not a DNS name'),
  }),
  policyDir: env.directory('POLICY_DIR', { doc: 'Directory of Kyverno policy YAML (`*.yaml`, `*.yml`, `*.json`), hot-reloaded. Flag `--policies`.' }),
  configMapDir: env.directory('CONFIGMAP_DIR', {
    doc: 'Directory of ConfigMap manifests for `context` entries when not reading them from the cluster, hot-reloaded. Flag `--configmaps`.',
  }),
  reloadDebounceMs: env.duration('RELOAD_DEBOUNCE', { doc: 'Quiet time after a file change before policies, ConfigMaps or certificates are reloaded.', default: 250, min: 0 }),
  rescanIntervalMs: env.duration('RESCAN_INTERVAL', {
    doc: 'Periodic re-read of the policy and ConfigMap directories, in case a file event was missed. 0 disables.',
    default: 60_000,
    min: 0,
  }),
  kubernetesConfigMaps: env.bool('KUBERNETES_CONFIGMAPS', {
    doc: 'Read `context` ConfigMaps from the Kubernetes API (KUBECONFIG, or the in-cluster service account). Default: on when the API is reachable that way and CONFIGMAP_DIR is unset.',
  }),
  kubernetesPolicies: env.bool('KUBERNETES_POLICIES', { doc: 'Also load ClusterPolicies and Policies from the Kubernetes API (kyverno.io/v1), watched (list + watch).', default: false }),
  gatewayCacheTtlMs: env.duration('GATEWAY_CACHE_TTL', {
    doc: "How long the gateway reuses the tier's answers (tag resolutions, referrer lists, positive signature verdicts) without asking it again, so a warm admission needs no NATS round trip. A moved tag or a new signature is seen at most this long after the tier sees it; a positive verdict is never reused past its validUntil (the signing certificate's notAfter or the signature's expiry, sent by the tier); dropped when the policies change. An answer still in use in the last quarter of its life is asked again in the background, so warm admissions never wait on the tier when it ends. 0 disables.",
    default: 5_000,
    min: 0,
  }),
  configMapCacheTtlMs: env.duration('KUBERNETES_CONFIGMAP_TTL', { doc: 'How long a ConfigMap read from the Kubernetes API is reused.', default: 10_000, min: 0 }),
  secretCacheTtlMs: env.duration('KUBERNETES_SECRET_TTL', {
    doc: "How long a registry-credential Secret (a pod's `imagePullSecrets`, a policy's `imageRegistryCredentials.secrets`) read from the Kubernetes API is kept in the gateway's memory (never in Redis). 0 reads it on every admission.",
    default: 10_000,
    min: 0,
  }),
  podNamespace: env.string('POD_NAMESPACE', {
    doc: "The gateway's own namespace, where the Secrets of policies' `imageRegistryCredentials.secrets` are read (Kyverno: `KYVERNO_NAMESPACE`). Default: the service account's `namespace` file. Set it with the downward API (`fieldRef: metadata.namespace`).",
  }),
  kubernetesServiceHost: env.string('KUBERNETES_SERVICE_HOST', { doc: 'Set by Kubernetes in every pod: the API server address.' }),
  kubernetesServicePort: env.int('KUBERNETES_SERVICE_PORT', { doc: 'Set by Kubernetes in every pod: the API server port.', default: 443, min: 1, max: 65535 }),
  kubeconfig: env.file('KUBECONFIG', {
    doc: 'A kubeconfig file (its current context) for reaching the Kubernetes API from outside a cluster; takes precedence over the in-cluster service account. Flag `--kubeconfig`.',
  }),
  enablePolicyException: env.bool('ENABLE_POLICY_EXCEPTION', {
    doc: "Apply Kyverno PolicyExceptions (kyverno.io/v2, v2beta1) from the API and the policy directory, as Kyverno's `--enablePolicyException` (default off, as Kyverno). Flag `--enablePolicyException`.",
    default: false,
  }),
  exceptionNamespace: env.string('EXCEPTION_NAMESPACE', {
    doc: "The namespace PolicyExceptions may live in, as Kyverno's `--exceptionNamespace`: `*` = every namespace; empty = exceptions stay off even when enabled (Kyverno's rule). Flag `--exceptionNamespace`.",
    default: '',
  }),
  serviceAccountDir: env.directory('KUBERNETES_SERVICE_ACCOUNT_DIR', {
    doc: 'Directory of the service account `token`, `ca.crt` and `namespace`.',
    default: '/var/run/secrets/kubernetes.io/serviceaccount',
    mustExist: false,
  }),
};

export const gatewaySchema = mergeSchemas(commonVariables, gatewayVariables);
export type GatewayConfig = ConfigOf<typeof gatewaySchema>;

/** Flags of the gateway (and of `notary-gate serve`) → the variable each one sets. */
export const GATEWAY_FLAGS = {
  port: 'PORT',
  tlsCert: 'TLS_CERT_FILE',
  tlsKey: 'TLS_KEY_FILE',
  policies: 'POLICY_DIR',
  configmaps: 'CONFIGMAP_DIR',
  kubeconfig: 'KUBECONFIG',
  enablePolicyException: 'ENABLE_POLICY_EXCEPTION',
  exceptionNamespace: 'EXCEPTION_NAMESPACE',
} as const;

export interface GatewayConfigOptions {
  /** Distributed mode: the jobs go to NATS, so NATS_URL is required. */
  requireNats?: boolean;
}

/** Validates the gateway's environment, with the cross-field rules, listing every problem at once. */
export function loadGatewayConfig(source: Environment, options: GatewayConfigOptions = {}): GatewayConfig {
  const problems: ConfigProblem[] = [];
  let config: GatewayConfig | undefined;
  try {
    config = loadConfig(gatewaySchema, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const set = (name: string) => (source[name] ?? '').trim() !== '';
  if (set('TLS_CERT_FILE') !== set('TLS_KEY_FILE')) {
    problems.push({ variable: set('TLS_CERT_FILE') ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE', message: 'TLS_CERT_FILE and TLS_KEY_FILE are given together' });
  }
  if (options.requireNats && !set('NATS_URL')) problems.push({ variable: 'NATS_URL', message: 'is required: the gateway sends its jobs to the workers over NATS' });
  if (!set('POLICY_DIR') && (config?.kubernetesPolicies ?? false) === false) {
    problems.push({ variable: 'POLICY_DIR', message: 'is required unless KUBERNETES_POLICIES=true: the gateway needs a source of policies' });
  }
  const api = set('KUBERNETES_SERVICE_HOST') || set('KUBECONFIG');
  const noApi = 'needs the Kubernetes API (neither KUBECONFIG nor KUBERNETES_SERVICE_HOST is set: not running in a cluster)';
  if (config?.kubernetesPolicies && !api) problems.push({ variable: 'KUBERNETES_POLICIES', message: noApi });
  if (config?.kubernetesConfigMaps === true && !api) problems.push({ variable: 'KUBERNETES_CONFIGMAPS', message: noApi });
  const exceptionNamespace = (source['EXCEPTION_NAMESPACE'] ?? '').trim();
  if (exceptionNamespace !== '' && exceptionNamespace !== '*' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(exceptionNamespace)) {
    problems.push({ variable: 'EXCEPTION_NAMESPACE', message: 'must be `*` or a namespace name (RFC 1123 label)' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config!;
}

/** Whether ConfigMaps come from the cluster: explicit, else when the API is reachable (in a cluster, or KUBECONFIG) and there is no ConfigMap directory. */
export function readsConfigMapsFromCluster(config: GatewayConfig): boolean {
  return config.kubernetesConfigMaps ?? (hasKubernetesApi(config) && config.configMapDir === undefined);
}

/** Whether the Kubernetes API can be reached: a kubeconfig file, or running in a cluster. */
export function hasKubernetesApi(config: GatewayConfig): boolean {
  return config.kubeconfig !== undefined || config.kubernetesServiceHost !== undefined;
}

/**
 * Where PolicyExceptions may live: null when exceptions are off. Kyverno
 * (KV@v1.14.0:cmd/internal/engine.go `NewExceptionSelector`, flag.go) keeps
 * them off unless `--enablePolicyException` is set AND `--exceptionNamespace`
 * is non-empty ("the flag --exceptionNamespace cannot be empty" is only logged).
 */
export function exceptionScope(config: GatewayConfig): { namespace: '*' | string } | null {
  if (!config.enablePolicyException || config.exceptionNamespace.trim() === '') return null;
  return { namespace: config.exceptionNamespace.trim() };
}

/** The gateway's own namespace: POD_NAMESPACE, else the service account's `namespace` file; undefined when neither is there. */
export function ownNamespace(config: GatewayConfig, readFile: (path: string) => string | undefined): string | undefined {
  const configured = config.podNamespace?.trim();
  if (configured) return configured;
  const fromAccount = readFile(`${config.serviceAccountDir}/namespace`)?.trim();
  return fromAccount ? fromAccount : undefined;
}
