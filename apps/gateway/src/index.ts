// apps/gateway — the HTTPS admission webhook, reusable by `notary-gate serve` (embedded and --role gateway).
export { GatewayModule, type GatewayModuleOptions } from './gateway.module';
export { bootstrapGateway, MAX_REVIEW_BYTES, type BootstrapGatewayOptions, type GatewayHandle } from './bootstrap';
export { GATEWAY_FLAGS, exceptionScope, gatewaySchema, gatewayVariables, hasKubernetesApi, loadGatewayConfig, readsConfigMapsFromCluster, type GatewayConfig, type GatewayConfigOptions } from './config';
export { PolicyStore } from './policies/policy-store';
export { KubernetesApiError } from './kubernetes/informers/api-error';
export { loadKubeConfig, type KubeConfigSource } from './kubernetes/kube-config';
export { KubernetesConfigMaps } from './kubernetes/kubernetes-config-maps';
export { GATEWAY_CLUSTER_FACTS, KubernetesClusterFacts } from './kubernetes/cluster-facts';
export { ClusterWatches } from './kubernetes/cluster-watches';
export { selfSignedCertificate, loadTlsFiles, type TlsMaterial } from './tls/tls-material';
