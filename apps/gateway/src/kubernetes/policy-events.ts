/**
 * Kubernetes Events on policies the gateway refuses (core/v1 Events, reason
 * `PolicyRefused`, type Warning), so `kubectl describe clusterpolicy <name>`
 * shows why it is not enforced. Each (object version, message) is recorded
 * once; a failure to record is logged, never thrown (the refusal is also in
 * the log, the metric and /readyz).
 */
import type { CoreV1Api, CoreV1Event, KubeConfig } from '@kubernetes/client-node';
import { kubernetesClient } from './client-node';
import type { JsonLogger } from '@notary-gate/service';
import { apiError } from './informers/api-error';

export interface RefusedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
}

/** core/v1 Event messages are meant to be short; the full text stays in the log. */
const MAX_MESSAGE = 1024;
const COMPONENT = 'notary-gate';

export class PolicyEventRecorder {
  private readonly core: CoreV1Api;
  private readonly recorded = new Set<string>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly logger: JsonLogger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.core = kubeConfig.makeApiClient(kubernetesClient().CoreV1Api);
  }

  /** Records the refusal once per object version and message. Never throws. */
  async refused(object: RefusedObject, message: string): Promise<void> {
    const key = JSON.stringify([object.kind, object.namespace ?? '', object.name, object.uid ?? '', object.resourceVersion ?? '', message]);
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    // A cluster-scoped object's events live in `default`, as client-go's recorder puts them
    // (k8s.io/client-go tools/record/event.go `makeEvent`), which Kyverno uses.
    const namespace = object.namespace || 'default';
    const at = this.now();
    const event: CoreV1Event = {
      metadata: { name: `${object.name}.${(BigInt(at.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))).toString(16)}`, namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.name,
        ...(object.namespace ? { namespace: object.namespace } : {}),
        ...(object.uid ? { uid: object.uid } : {}),
        ...(object.resourceVersion ? { resourceVersion: object.resourceVersion } : {}),
      },
      reason: 'PolicyRefused',
      type: 'Warning',
      message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message,
      source: { component: COMPONENT },
      reportingComponent: COMPONENT,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
    try {
      await this.core.createNamespacedEvent(namespace, event);
    } catch (error) {
      this.recorded.delete(key); // try again at the next load
      this.logger.warn('could not record the PolicyRefused event', { error: apiError(`create event in ${namespace}`, error).message, policy: `${object.kind}/${object.namespace ?? ''}/${object.name}` });
    }
  }
}
