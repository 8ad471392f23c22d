/**
 * Which registry credentials the jobs of one image carry (issue 9 §3): the
 * engine names what it needs — the image's registry and repository, the
 * request's namespace, the pod's imagePullSecrets and the entry's
 * `imageRegistryCredentials` — and the RegistryCredentialsSource port (the
 * gateway: Secrets from its own cluster's API) answers with the one
 * credential for that image, or none. Without a port (the CLI) jobs carry
 * none: the worker uses its own docker config, as before.
 *
 * The credential travels only inside the sealed job for that image's registry;
 * it is never put in a result, a message or a key in clear.
 */
import type { ContainerImage, KubernetesObject } from '@notary-gate/admission';
import { podSpecPointer } from '@notary-gate/admission';
import type { RegistryCredentials } from '@notary-gate/contracts';
import type { ImageVerification } from '@notary-gate/policy';
import { FactUnavailable, type RegistryCredentialsSource } from './types';

/**
 * The credentials the jobs of `image` under `entry` carry (keyed by the image's registry host), or undefined;
 * undefined at once (no promise) when there is no Secret to read.
 */
export type ImageCredentials = (entry: ImageVerification, image: ContainerImage) => Promise<RegistryCredentials | undefined> | undefined;

/**
 * `imagePullSecrets` of the pod, or of the pod template of a controller
 * (Deployment, CronJob, …), in order. They are what the kubelet pulls the
 * image with — so they are what the signature lookup should see. (Kyverno
 * itself reads registries with the pull secrets of its own configuration,
 * KV@v1.14.0:cmd/internal/registry.go `--imagePullSecrets`; a pod then could be
 * admitted on what Kyverno sees and pulled with other credentials, or the
 * reverse.) A pod's list already includes its ServiceAccount's pull secrets:
 * the ServiceAccount admission plugin adds them before webhooks run.
 */
export function podPullSecrets(object: KubernetesObject): string[] {
  const pointer = podSpecPointer(String(object.kind ?? ''));
  if (pointer === null) return [];
  let spec: unknown = object;
  for (const segment of pointer.split('/').slice(1)) spec = spec && typeof spec === 'object' ? (spec as Record<string, unknown>)[segment] : undefined;
  const list = spec && typeof spec === 'object' ? (spec as { imagePullSecrets?: unknown }).imagePullSecrets : undefined;
  if (!Array.isArray(list)) return [];
  const names = list.map((item) => (item && typeof item === 'object' ? (item as { name?: unknown }).name : undefined)).filter((name): name is string => typeof name === 'string' && name !== '');
  return [...new Set(names)];
}

/**
 * One resolver per admission: each (entry credentials, image repository) is
 * asked of the port once. A port failure becomes FactUnavailable (the
 * admission follows failurePolicy and the message names what was missing).
 */
export function imageCredentials(source: RegistryCredentialsSource | undefined, object: KubernetesObject, namespace: string): ImageCredentials | undefined {
  if (!source) return undefined;
  const pullSecrets = podPullSecrets(object);
  const asked = new Map<string, Promise<RegistryCredentials | undefined>>();
  return (entry, image) => {
    const ruleCredentials = entry.imageRegistryCredentials;
    // No Secret named by the pod or the entry: none, without asking (the source's contract, RegistryCredentialsSource).
    if (ruleCredentials === undefined && pullSecrets.length === 0) return undefined;
    const key = JSON.stringify([ruleCredentials?.secrets ?? null, image.registry, image.path]);
    let answer = asked.get(key);
    if (!answer) {
      answer = source
        .credentialsFor({
          registry: image.registry,
          repository: `${image.registry}/${image.path}`,
          namespace,
          pullSecrets,
          ...(ruleCredentials ? { ruleCredentials } : {}),
        })
        .then(
          (credential) => (credential ? { [image.registry]: credential } : undefined),
          (error: unknown) => {
            if (error instanceof FactUnavailable) throw error;
            throw new FactUnavailable(`registry credentials for ${image.registry} unavailable: ${error instanceof Error ? error.message : String(error)}`);
          },
        );
      asked.set(key, answer);
    }
    return answer;
  };
}
