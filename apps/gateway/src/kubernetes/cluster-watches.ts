/**
 * The gateway's watch-backed caches of the cluster, one informer per
 * resource, each started only when something needs it:
 *
 * | cache | API path | started when |
 * |---|---|---|
 * | namespaces | /api/v1/namespaces | a policy or exception has a namespaceSelector |
 * | rolebindings, clusterrolebindings | /apis/rbac.authorization.k8s.io/v1/… | a policy or exception names roles/clusterRoles |
 * | policyexceptions | /apis/kyverno.io/v2 (else v2beta1)/[namespaces/<ns>/]policyexceptions | exceptions enabled with a namespace |
 * | clusterpolicies, policies | /apis/kyverno.io/v1/… | KUBERNETES_POLICIES=true |
 */
import type { KubeConfig, KubernetesObject, V1ClusterRoleBinding, V1Namespace, V1RoleBinding } from '@kubernetes/client-node';
import { kubernetesClient } from './client-node';
import { WatchedResource, type WatchedState, type WatchTarget } from './informers/watched-resource';

/** What the loaded policies and exceptions consult (see policies/policy-needs.ts). */
export interface FactNeeds {
  namespaceLabels: boolean;
  roles: boolean;
}

export interface ClusterWatchesOptions {
  /** Where PolicyExceptions may live (`*` or one namespace); null: exceptions off, never listed. */
  exceptionScope: { namespace: string } | null;
  /** Called when PolicyExceptions change (or their cache's state does). */
  onExceptionsChange?: () => void;
  /** Called when ClusterPolicies or Policies change (or their caches' state does). */
  onPoliciesChange?: () => void;
  retryMs?: number;
  maxRetryMs?: number;
  listTimeoutMs?: number;
}

type Listed<T extends KubernetesObject> = WatchTarget<T>['list'];

const customList = <T extends KubernetesObject>(call: () => Promise<{ response: unknown; body: object }>): Listed<T> =>
  call as unknown as Listed<T>;

export class ClusterWatches {
  readonly namespaces: WatchedResource<V1Namespace>;
  readonly roleBindings: WatchedResource<V1RoleBinding>;
  readonly clusterRoleBindings: WatchedResource<V1ClusterRoleBinding>;
  readonly policyExceptions: WatchedResource<KubernetesObject> | null;
  readonly clusterPolicies: WatchedResource<KubernetesObject>;
  readonly policies: WatchedResource<KubernetesObject>;
  private exceptionVersion: 'v2' | 'v2beta1' = 'v2';

  constructor(
    readonly kubeConfig: KubeConfig,
    options: ClusterWatchesOptions,
  ) {
    const { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } = kubernetesClient();
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const timing = {
      ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
      ...(options.maxRetryMs !== undefined ? { maxRetryMs: options.maxRetryMs } : {}),
      ...(options.listTimeoutMs !== undefined ? { listTimeoutMs: options.listTimeoutMs } : {}),
    };
    this.namespaces = new WatchedResource(kubeConfig, { resource: 'namespaces', target: () => ({ path: '/api/v1/namespaces', list: () => core.listNamespace() }), ...timing });
    this.roleBindings = new WatchedResource(kubeConfig, {
      resource: 'rolebindings',
      target: () => ({ path: '/apis/rbac.authorization.k8s.io/v1/rolebindings', list: () => rbac.listRoleBindingForAllNamespaces() }),
      ...timing,
    });
    this.clusterRoleBindings = new WatchedResource(kubeConfig, {
      resource: 'clusterrolebindings',
      target: () => ({ path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', list: () => rbac.listClusterRoleBinding() }),
      ...timing,
    });
    const onPolicies = () => options.onPoliciesChange?.();
    this.clusterPolicies = new WatchedResource(kubeConfig, {
      resource: 'clusterpolicies.kyverno.io',
      target: () => ({ path: '/apis/kyverno.io/v1/clusterpolicies', list: customList(() => custom.listClusterCustomObject('kyverno.io', 'v1', 'clusterpolicies')) }),
      onChange: onPolicies,
      ...timing,
    });
    this.policies = new WatchedResource(kubeConfig, {
      resource: 'policies.kyverno.io',
      target: () => ({ path: '/apis/kyverno.io/v1/policies', list: customList(() => custom.listClusterCustomObject('kyverno.io', 'v1', 'policies')) }),
      onChange: onPolicies,
      ...timing,
    });
    const scope = options.exceptionScope;
    this.policyExceptions = scope
      ? new WatchedResource(kubeConfig, {
          resource: scope.namespace === '*' ? 'policyexceptions.kyverno.io' : `policyexceptions.kyverno.io in namespace ${scope.namespace}`,
          target: () => {
            const version = this.exceptionVersion;
            // Only the allowed namespace is listed (KV@v1.14.0:pkg/controllers/exceptions/controller.go `listExceptions`):
            // RBAC then needs no more than a Role there.
            return scope.namespace === '*'
              ? { path: `/apis/kyverno.io/${version}/policyexceptions`, list: customList(() => custom.listClusterCustomObject('kyverno.io', version, 'policyexceptions')) }
              : {
                  path: `/apis/kyverno.io/${version}/namespaces/${scope.namespace}/policyexceptions`,
                  list: customList(() => custom.listNamespacedCustomObject('kyverno.io', version, scope.namespace, 'policyexceptions')),
                };
          },
          // kyverno.io/v2 is the storage version from Kyverno 1.13; a cluster still on v2beta1 only serves that one.
          onFailure: (_error, status) => {
            if (status !== 404) return false;
            const fallBack = this.exceptionVersion === 'v2';
            this.exceptionVersion = fallBack ? 'v2beta1' : 'v2';
            return fallBack;
          },
          onChange: () => options.onExceptionsChange?.(),
          ...timing,
        })
      : null;
  }

  /** The PolicyException API version now listed. */
  get exceptionApiVersion(): 'kyverno.io/v2' | 'kyverno.io/v2beta1' {
    return `kyverno.io/${this.exceptionVersion}`;
  }

  /** Starts the fact caches the policies need (never stops one: needs come back, and a warm cache is cheap). */
  ensure(needs: FactNeeds): void {
    if (needs.namespaceLabels) this.namespaces.start();
    if (needs.roles) {
      this.roleBindings.start();
      this.clusterRoleBindings.start();
    }
    this.policyExceptions?.start();
  }

  startPolicies(): void {
    this.clusterPolicies.start();
    this.policies.start();
  }

  /** Every running cache with its state, for /readyz. */
  states(): WatchedState[] {
    return this.all()
      .filter((watched) => watched.isRunning)
      .map((watched) => watched.state());
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((watched) => watched.stop()));
  }

  private all(): WatchedResource<KubernetesObject>[] {
    return [this.namespaces, this.roleBindings, this.clusterRoleBindings, this.clusterPolicies, this.policies, ...(this.policyExceptions ? [this.policyExceptions] : [])] as WatchedResource<KubernetesObject>[];
  }
}
