/**
 * The gateway as a Nest module, reusable by the standalone process and the
 * embedded mode: the caller chooses the transport by passing the messaging
 * module (`MessagingModule.forRoot({ natsUrl })` for NATS, or
 * `MessagingModule.forRoot({ handlers })` in-process) — the same gateway,
 * other providers.
 */
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import type { JobsPort } from '@notary-gate/contracts';
import type { ConfigMapSource } from '@notary-gate/engine';
import { JOBS_PORT, NearCacheJobsPort } from '@notary-gate/messaging';
import { HealthService, JsonLogger, ServiceMetrics, ServiceModule, instrumentJobsPort } from '@notary-gate/service';
import { AdmissionController } from './admission/admission.controller';
import { AdmissionService } from './admission/admission.service';
import { readsConfigMapsFromCluster, type GatewayConfig } from './config';
import { DirectoryConfigMapStore, NO_CONFIG_MAPS } from './config-maps/config-map-store';
import { inClusterApi, type KubernetesApi } from './kubernetes/kubernetes-api';
import { KubernetesConfigMaps } from './kubernetes/kubernetes-config-maps';
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
  /** The Kubernetes API client, instead of the in-cluster one (tests, out-of-cluster use). */
  kubernetesApi?: KubernetesApi;
  /** ConfigMaps for `context` entries, instead of the configured source. */
  configMaps?: ConfigMapSource;
}

const KUBERNETES_API = Symbol('notary-gate.gateway.KUBERNETES_API');

/** Starts the policy and ConfigMap sources before the first request, stops them on shutdown. */
@Injectable()
class GatewaySources implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly policies: PolicyStore,
    @Inject(GATEWAY_CONFIG_MAPS) private readonly configMaps: ConfigMapSource,
    @Inject(KUBERNETES_API) private readonly api: KubernetesApi | null,
    private readonly health: HealthService,
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
    await Promise.all([this.policies.start(), directory?.start()]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.policies.stop();
    if (this.configMaps instanceof DirectoryConfigMapStore) this.configMaps.stop();
    await this.api?.close();
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
          new NearCacheJobsPort(instrumentJobsPort(port, metrics, { countVerifications: options.countVerifications ?? true }), { generation: () => policies.current() }),
        inject: [JOBS_PORT, ServiceMetrics, PolicyStore],
      },
      { provide: KUBERNETES_API, useFactory: () => kubernetesApiFor(options) },
      {
        provide: PolicyStore,
        useFactory: (api: KubernetesApi | null, logger: JsonLogger, metrics: ServiceMetrics) =>
          new PolicyStore({
            ...(config.policyDir ? { directory: config.policyDir } : {}),
            ...(config.kubernetesPolicies && api ? { kubernetes: { api, pollIntervalMs: config.kubernetesPollMs } } : {}),
            debounceMs: config.reloadDebounceMs,
            rescanIntervalMs: config.rescanIntervalMs,
            logger,
            metrics,
          }),
        inject: [KUBERNETES_API, JsonLogger, ServiceMetrics],
      },
      {
        provide: GATEWAY_CONFIG_MAPS,
        useFactory: (api: KubernetesApi | null, logger: JsonLogger): ConfigMapSource => {
          if (options.configMaps) return options.configMaps;
          if (api && readsConfigMapsFromCluster(config)) return new KubernetesConfigMaps(api, config.configMapCacheTtlMs);
          if (config.configMapDir) return new DirectoryConfigMapStore(config.configMapDir, { debounceMs: config.reloadDebounceMs, rescanIntervalMs: config.rescanIntervalMs, logger });
          return NO_CONFIG_MAPS;
        },
        inject: [KUBERNETES_API, JsonLogger],
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
      exports: [PolicyStore, GATEWAY_CONFIG_MAPS],
    };
  }
}

function kubernetesApiFor(options: GatewayModuleOptions): KubernetesApi | null {
  if (options.kubernetesApi) return options.kubernetesApi;
  const { config } = options;
  const wanted = config.kubernetesPolicies || (readsConfigMapsFromCluster(config) && !options.configMaps);
  if (!wanted || config.kubernetesServiceHost === undefined) return null;
  return inClusterApi({ host: config.kubernetesServiceHost, port: config.kubernetesServicePort, serviceAccountDir: config.serviceAccountDir });
}
