/**
 * `@kubernetes/client-node`, loaded on first use. Loading it costs ~39 MiB of
 * resident memory (its generated API models and their dependencies) even in a
 * gateway that talks to no Kubernetes API (policies and ConfigMaps from
 * directories, the benchmark, the embedded demo). Modules of this folder import
 * its types only (erased at compile time) and take the classes from here, at
 * the point where a Kubernetes API is configured and about to be used.
 */
import type * as ClientNode from '@kubernetes/client-node';

export type KubernetesClientModule = typeof ClientNode;

let loaded: KubernetesClientModule | undefined;

export function kubernetesClient(): KubernetesClientModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the client on use is the point
  loaded ??= require('@kubernetes/client-node') as KubernetesClientModule;
  return loaded;
}
