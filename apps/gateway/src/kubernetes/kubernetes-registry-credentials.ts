/**
 * The engine's RegistryCredentialsSource in the gateway: registry credentials
 * from Secrets of the gateway's own cluster (issue 9 §3, DESIGN "Trust model").
 *
 * - By default the pod's `imagePullSecrets`, read from the request's
 *   namespace: what the kubelet will pull the image with, so admission checks
 *   the registry as the pull will see it. (Kyverno uses the pull secrets of its
 *   own configuration, KV@v1.14.0:cmd/internal/registry.go; see
 *   libs/engine/src/registry-credentials.ts.)
 * - A verifyImages entry with `imageRegistryCredentials.secrets`: only those
 *   Secrets, read from the gateway's own namespace (Kyverno reads them from
 *   KYVERNO_NAMESPACE through its Secret lister,
 *   KV@v1.14.0:pkg/engine/factories/registryclientfactory.go `GetClient`,
 *   pkg/registryclient/utils.go); the pod's pull secrets are not used.
 * - A Secret that does not exist, cannot be read (RBAC, API down) or is no
 *   docker config: FactUnavailable naming it, so the admission follows
 *   failurePolicy. Stricter than Kyverno, which silently skips a missing
 *   secret and verifies anonymously — an outcome the policy did not ask for.
 *
 * Secrets are read with one GET each, kept in this process for a few seconds
 * (`ttlMs`, KUBERNETES_SECRET_TTL) so a burst of admissions does not hammer
 * the API server; chosen over an informer because a watch would need
 * list/watch on every Secret of the cluster (the kubelet's pull secrets may
 * live in any namespace), while GET needs only `get`, and keeps in memory only
 * the Secrets pods actually name. Their content never leaves the process
 * except inside sealed jobs; it is never logged, cached in Redis, or put in a
 * message (errors name the Secret and what is wrong, never a value).
 */
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { RegistryCredentialEntry } from '@notary-gate/contracts';
import { FactUnavailable, type CredentialsQuery, type RegistryCredentialsSource } from '@notary-gate/engine';
import { DockerConfigError, keyringOf, lookup, type KeyringEntry } from './docker-keyring';
import { kubernetesClient } from './client-node';
import { apiError, statusOf } from './informers/api-error';

/** Injection token of the engine's RegistryCredentialsSource in the gateway. */
export const GATEWAY_REGISTRY_CREDENTIALS = Symbol('notary-gate.gateway.REGISTRY_CREDENTIALS');

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const NO_API = 'the Kubernetes API is not configured (set KUBECONFIG, or run in a cluster)';

export interface RegistryCredentialsOptions {
  /** The gateway's own namespace (imageRegistryCredentials secrets); undefined when unknown. */
  ownNamespace: string | undefined;
  /** How long a Secret read is reused (ms); 0: read on every admission. */
  ttlMs: number;
  now?: () => number;
}

/** What one Secret read gave: its keyring, or why it cannot be used. */
type SecretRead = { keyring: KeyringEntry[] } | { problem: string };

export class KubernetesRegistryCredentials implements RegistryCredentialsSource {
  private readonly cache = new Map<string, { read: Promise<SecretRead>; expires: number }>();
  private readonly core: CoreV1Api | null;
  private readonly now: () => number;

  constructor(
    kubeConfig: KubeConfig | null,
    private readonly options: RegistryCredentialsOptions,
  ) {
    this.core = kubeConfig ? kubeConfig.makeApiClient(kubernetesClient().CoreV1Api) : null;
    this.now = options.now ?? Date.now;
  }

  async credentialsFor(query: CredentialsQuery): Promise<RegistryCredentialEntry | undefined> {
    const fromPolicy = query.ruleCredentials !== undefined;
    const names = fromPolicy ? query.ruleCredentials!.secrets : query.pullSecrets;
    if (names.length === 0) return undefined;
    const what = fromPolicy ? 'imageRegistryCredentials secret' : 'image pull secret';
    const namespace = fromPolicy ? this.options.ownNamespace : query.namespace;
    if (namespace === undefined || namespace === '') {
      throw new FactUnavailable(
        fromPolicy
          ? `${what} ${names.map((name) => `"${name}"`).join(', ')} unavailable: the gateway's own namespace is unknown (set POD_NAMESPACE, or run in a cluster)`
          : `${what} ${names.map((name) => `"${name}"`).join(', ')} unavailable: the request has no namespace`,
      );
    }
    const reads = await Promise.all(names.map((name) => this.read(namespace, name)));
    const keyrings = reads.map((read, index) => {
      if ('problem' in read) throw new FactUnavailable(`${what} "${namespace}/${names[index]}" unavailable: ${read.problem}`);
      return read.keyring;
    });
    const path = query.repository.startsWith(`${query.registry}/`) ? query.repository.slice(query.registry.length + 1) : query.repository;
    return lookup(keyrings, query.registry, path);
  }

  private read(namespace: string, name: string): Promise<SecretRead> {
    const key = `${namespace}/${name}`;
    const cached = this.cache.get(key);
    if (cached && cached.expires > this.now()) return cached.read;
    const read = this.fetch(namespace, name);
    if (this.options.ttlMs > 0) {
      this.cache.set(key, { read, expires: this.now() + this.options.ttlMs });
      // A failed API call is not kept: the next admission asks again.
      void read.then((outcome) => {
        if ('problem' in outcome && outcome.problem.startsWith('get secret') && this.cache.get(key)?.read === read) this.cache.delete(key);
      });
    }
    return read;
  }

  private async fetch(namespace: string, name: string): Promise<SecretRead> {
    if (!this.core) return { problem: NO_API };
    // Names come from pods and policies: never let them reshape the URL.
    if (!NAME.test(namespace) || !NAME.test(name)) return { problem: 'not a valid Secret name' };
    try {
      const { body } = await this.core.readNamespacedSecret(name, namespace);
      return { keyring: keyringOf(body) };
    } catch (error) {
      if (error instanceof DockerConfigError) return { problem: error.message };
      if (statusOf(error) === 404) return { problem: 'not found' };
      return { problem: apiError(`get secret ${namespace}/${name}`, error).message };
    }
  }
}
