// apps/gateway — the HTTPS admission webhook, reusable by `notary-gate serve` (embedded and --role gateway).
export { GatewayModule, type GatewayModuleOptions } from './gateway.module';
export { bootstrapGateway, MAX_REVIEW_BYTES, type BootstrapGatewayOptions, type GatewayHandle } from './bootstrap';
export { GATEWAY_FLAGS, gatewaySchema, gatewayVariables, loadGatewayConfig, readsConfigMapsFromCluster, type GatewayConfig, type GatewayConfigOptions } from './config';
export { PolicyStore } from './policies/policy-store';
export { KubernetesApi, KubernetesApiError, inClusterApi, type KubernetesApiOptions } from './kubernetes/kubernetes-api';
export { KubernetesConfigMaps } from './kubernetes/kubernetes-config-maps';
export { selfSignedCertificate, loadTlsFiles, type TlsMaterial } from './tls/tls-material';
