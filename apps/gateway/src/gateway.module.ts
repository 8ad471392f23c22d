/**
 * The gateway as a Nest module, reusable by the standalone process and the
 * embedded mode: the caller chooses the transport by passing the messaging
 * module (`MessagingModule.forRoot({ natsUrl })` for NATS, or
 * `MessagingModule.forRoot({ handlers })` in-process) — the same gateway,
 * other providers.
 */
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import type { KubeConfig } from '@kubernetes/client-node';
import type { JobsPort } from '@notary-gate/contracts';
import { readFileSync } from 'node:fs';
import type { ClusterFacts, ConfigMapSource, RegistryCredentialsSource } from '@notary-gate/engine';
import { JOBS_PORT, NearCacheJobsPort } from '@notary-gate/messaging';
import { HealthService, JsonLogger, ServiceMetrics, ServiceModule, instrumentJobsPort } from '@notary-gate/service';
import { AdmissionController } from './admission/admission.controller';
import { AdmissionService } from './admission/admission.service';
import { exceptionScope, hasKubernetesApi, ownNamespace, readsConfigMapsFromCluster, type GatewayConfig } from './config';
import { DirectoryConfigMapStore, NO_CONFIG_MAPS } from './config-maps/config-map-store';
import { GATEWAY_CLUSTER_FACTS, KubernetesClusterFacts } from './kubernetes/cluster-facts';
import { ClusterWatches } from './kubernetes/cluster-watches';
import { loadKubeConfig } from './kubernetes/kube-config';
import { KubernetesConfigMaps } from './kubernetes/kubernetes-config-maps';
import { GATEWAY_REGISTRY_CREDENTIALS, KubernetesRegistryCredentials } from './kubernetes/kubernetes-registry-credentials';
import { PolicyEventRecorder } from './kubernetes/policy-events';
import { ExceptionsInForce } from './policies/policy-exceptions';
import { factNeeds } from './policies/policy-needs';
import { PolicyStore } from './policies/policy-store';
import { GATEWAY_CONFIG, GATEWAY_CONFIG_MAPS, GATEWAY_JOBS } from './tokens';

export interface GatewayModuleOptions {
  config: GatewayConfig;
  /** A module exporting `JOBS_PORT` (and `MessagingHealth`): `MessagingModule.forRoot(...)`. */
  messaging: DynamicModule;
  /** Shared platform instances (the embedded mode shares one registry and logger across roles). */
  logger?: JsonLogger;
  metrics?: ServiceMetrics;
  health?: HealthService;
  /**
   * Import ServiceModule (logger, metrics, health, and the /healthz /readyz
   * /metrics routes) here. Default true; false when the caller's app already
   * imports a global ServiceModule.
   */
  includePlatform?: boolean;
  /** Count signature verifications at the jobs port. Default true (false if the workers in this process count them). */
  countVerifications?: boolean;
  /** The Kubernetes client configuration, instead of KUBECONFIG or the in-cluster account (tests). */
  kubeConfig?: KubeConfig;
  /** Retry timing of the watch-backed caches (tests shorten it). */
  watchTiming?: { retryMs?: number; maxRetryMs?: number; listTimeoutMs?: number; syncTimeoutMs?: number };
  /** ConfigMaps for `context` entries, instead of the configured source. */
  configMaps?: ConfigMapSource;
  /** The gateway's own namespace (imageRegistryCredentials secrets), instead of POD_NAMESPACE or the service account's (tests). */
  ownNamespace?: string;
}

const KUBE_CONFIG = Symbol('notary-gate.gateway.KUBE_CONFIG');
const STORE_HOLDER = Symbol('notary-gate.gateway.STORE_HOLDER');

/** Late binding: the caches call the store, which is built from them. */
interface StoreHolder {
  store?: PolicyStore;
  /** Watched PolicyExceptions changed: the facts they need may have too. */
  exceptionsChanged?: () => void;
}

/** Starts the policy and ConfigMap sources and the caches before the first request, stops them on shutdown. */
@Injectable()
class GatewaySources implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly policies: PolicyStore,
    private readonly exceptions: ExceptionsInForce,
    @Inject(GATEWAY_CONFIG_MAPS) private readonly configMaps: ConfigMapSource,
    @Inject(ClusterWatches) private readonly watches: ClusterWatches | null,
    @Inject(STORE_HOLDER) private readonly holder: StoreHolder,
    private readonly health: HealthService,
    private readonly logger: JsonLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.policies.registerReadiness(this.health);
    const directory = this.configMaps instanceof DirectoryConfigMapStore ? this.configMaps : undefined;
    if (directory) {
      this.health.register({
        name: 'configmaps',
        check: () => {
          const state = directory.state();
          return { ok: state.loaded, detail: `${state.name}: ${state.loaded ? 'loaded' : 'not loaded'}${state.lastError ? ` (last reload failed: ${state.lastError})` : ''}` };
        },
      });
    }
    const watches = this.watches;
    if (!watches) {
      // Policies that consult the cluster while no API is configured: each such admission follows failurePolicy; say so once per load.
      let said = '';
      this.policies.onChange(() => {
        const needs = factNeeds(this.policies.current(), this.policies.directoryExceptions());
        const missing = [...(needs.namespaceLabels ? ['namespace labels'] : []), ...(needs.roles ? ['requester roles'] : [])].join(' and ');
        if (missing !== '' && missing !== said) this.logger.error(`the policies need ${missing} from the Kubernetes API, which is not configured (KUBECONFIG, or run in a cluster): admissions that need them follow failurePolicy`);
        said = missing;
      });
    }
    if (watches) {
      // Not critical: a fact that cannot be had makes each admission that needs it follow its policy's failurePolicy;
      // leaving the Service would hand every admission to the webhook's own failurePolicy instead.
      this.health.register({
        name: 'kubernetes',
        critical: false,
        check: () => {
          const states = watches.states();
          return {
            ok: states.every((state) => state.synced),
            detail: states.map((state) => `${state.resource}: ${state.synced ? 'synced' : `not synced${state.lastError ? ` (${state.lastError})` : ''}`}`).join('; ') || 'no cache needed',
          };
        },
      });
      const ensure = () => watches.ensure(factNeeds(this.policies.current(), this.exceptionsForNeeds()));
      this.policies.onChange(ensure);
      this.holder.exceptionsChanged = ensure;
      ensure();
    }
    await Promise.all([this.policies.start(), directory?.start()]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.policies.stop();
    if (this.configMaps instanceof DirectoryConfigMapStore) this.configMaps.stop();
    await this.watches?.stop();
  }

  /** The exceptions whose filters may need facts (none while the API's cannot be read: they are re-checked on change). */
  private exceptionsForNeeds() {
    try {
      return this.exceptions.current();
    } catch (error) {
      this.logger.debug('PolicyExceptions not readable yet', { error: (error as Error).message });
      return this.policies.directoryExceptions();
    }
  }
}

@Module({})
export class GatewayModule {
  static forRoot(options: GatewayModuleOptions): DynamicModule {
    const { config } = options;
    if (!options.messaging) throw new TypeError('GatewayModule.forRoot: messaging (a module exporting JOBS_PORT) is required');
    const providers: Provider[] = [
      { provide: GATEWAY_CONFIG, useValue: config },
      {
        provide: GATEWAY_JOBS,
        // The near-cache (issue 11) answers warm jobs without a round trip to the tier; dropped when the policy set changes.
        useFactory: (port: JobsPort, metrics: ServiceMetrics, policies: PolicyStore) =>
          new NearCacheJobsPort(instrumentJobsPort(port, metrics, { countVerifications: options.countVerifications ?? true }), { ttlMs: config.gatewayCacheTtlMs, generation: () => policies.current() }),
        inject: [JOBS_PORT, ServiceMetrics, PolicyStore],
      },
      {
        provide: KUBE_CONFIG,
        useFactory: (): KubeConfig | null =>
          options.kubeConfig ??
          (hasKubernetesApi(config)
            ? loadKubeConfig({
                kubeconfig: config.kubeconfig,
                inCluster: config.kubernetesServiceHost !== undefined ? { host: config.kubernetesServiceHost, port: config.kubernetesServicePort, serviceAccountDir: config.serviceAccountDir } : undefined,
              })
            : null),
      },
      { provide: STORE_HOLDER, useValue: {} satisfies StoreHolder },
      {
        provide: ClusterWatches,
        useFactory: (kubeConfig: KubeConfig | null, holder: StoreHolder, logger: JsonLogger) => {
          if (!kubeConfig) return null;
          const scope = exceptionScope(config);
          if (config.enablePolicyException && !scope) logger.error('ENABLE_POLICY_EXCEPTION is set but EXCEPTION_NAMESPACE is empty: PolicyExceptions stay off (as Kyverno does)');
          return new ClusterWatches(kubeConfig, {
            exceptionScope: scope,
            onPoliciesChange: () => holder.store?.apiChanged(),
            onExceptionsChange: () => holder.exceptionsChanged?.(),
            ...(options.watchTiming ?? {}),
          });
        },
        inject: [KUBE_CONFIG, STORE_HOLDER, JsonLogger],
      },
      {
        provide: PolicyStore,
        useFactory: (kubeConfig: KubeConfig | null, watches: ClusterWatches | null, holder: StoreHolder, logger: JsonLogger, metrics: ServiceMetrics) =>
          (holder.store = new PolicyStore({
            ...(config.policyDir ? { directory: config.policyDir } : {}),
            ...(config.kubernetesPolicies && watches ? { kubernetes: { watches, ...(options.watchTiming?.syncTimeoutMs !== undefined ? { syncTimeoutMs: options.watchTiming.syncTimeoutMs } : {}) } } : {}),
            events: kubeConfig ? new PolicyEventRecorder(kubeConfig, logger) : null,
            debounceMs: config.reloadDebounceMs,
            rescanIntervalMs: config.rescanIntervalMs,
            logger,
            metrics,
          })),
        inject: [KUBE_CONFIG, ClusterWatches, STORE_HOLDER, JsonLogger, ServiceMetrics],
      },
      {
        provide: ExceptionsInForce,
        useFactory: (store: PolicyStore, watches: ClusterWatches | null, logger: JsonLogger) => new ExceptionsInForce({ scope: exceptionScope(config), store, watches, logger }),
        inject: [PolicyStore, ClusterWatches, JsonLogger],
      },
      {
        provide: GATEWAY_CLUSTER_FACTS,
        useFactory: (watches: ClusterWatches | null, exceptions: ExceptionsInForce): ClusterFacts => new KubernetesClusterFacts({ watches, policyExceptions: () => exceptions.current() }),
        inject: [ClusterWatches, ExceptionsInForce],
      },
      {
        provide: GATEWAY_REGISTRY_CREDENTIALS,
        useFactory: (kubeConfig: KubeConfig | null): RegistryCredentialsSource =>
          new KubernetesRegistryCredentials(kubeConfig, {
            ownNamespace: options.ownNamespace ?? ownNamespace(config, (path) => {
              try {
                return readFileSync(path, 'utf8');
              } catch {
                return undefined;
              }
            }),
            ttlMs: config.secretCacheTtlMs,
          }),
        inject: [KUBE_CONFIG],
      },
      {
        provide: GATEWAY_CONFIG_MAPS,
        useFactory: (kubeConfig: KubeConfig | null, logger: JsonLogger): ConfigMapSource => {
          if (options.configMaps) return options.configMaps;
          if (kubeConfig && readsConfigMapsFromCluster(config)) return new KubernetesConfigMaps(kubeConfig, config.configMapCacheTtlMs);
          if (config.configMapDir) return new DirectoryConfigMapStore(config.configMapDir, { debounceMs: config.reloadDebounceMs, rescanIntervalMs: config.rescanIntervalMs, logger });
          return NO_CONFIG_MAPS;
        },
        inject: [KUBE_CONFIG, JsonLogger],
      },
      AdmissionService,
      GatewaySources,
    ];
    const platform =
      (options.includePlatform ?? true)
        ? [
            ServiceModule.forRoot({
              service: 'gateway',
              logLevel: config.logLevel,
              opsController: true,
              // A gateway that cannot reach the tier still answers, applying each policy's failurePolicy;
              // taking it out of the Service would make the webhook's own failurePolicy decide instead.
              checks: { nats: config.natsUrl !== undefined, natsCritical: false, cache: false },
              ...(options.logger ? { logger: options.logger } : {}),
              ...(options.metrics ? { metrics: options.metrics } : {}),
              ...(options.health ? { health: options.health } : {}),
            }),
          ]
        : [];
    return {
      module: GatewayModule,
      imports: [...platform, options.messaging],
      controllers: [AdmissionController],
      providers,
      exports: [PolicyStore, GATEWAY_CONFIG_MAPS, GATEWAY_CLUSTER_FACTS],
    };
  }
}
