/**
 * The PolicyExceptions in force: those of the policy directory and those
 * watched from the API, only when exceptions are enabled and only in the
 * namespaces they may live in (Kyverno's `--enablePolicyException` and
 * `--exceptionNamespace`, KV@v1.14.0:cmd/internal/engine.go
 * `NewExceptionSelector`; kyverno-match-semantics §5). Sorted by namespace,
 * then name, as Kyverno's exception controller returns them.
 */
import { FactUnavailable } from '@notary-gate/engine';
import { exceptionNamespaceAllowed, type PolicyException } from '@notary-gate/policy';
import type { JsonLogger } from '@notary-gate/service';
import type { ClusterWatches } from '../kubernetes/cluster-watches';
import { exceptionsFromObjects } from '../kubernetes/kubernetes-policies';
import type { PolicyStore } from './policy-store';

export interface ExceptionsInForceOptions {
  /** null: exceptions are off. */
  scope: { namespace: string } | null;
  store: PolicyStore;
  watches: ClusterWatches | null;
  logger: JsonLogger;
}

export class ExceptionsInForce {
  private fromApi: { generation: number; exceptions: PolicyException[] } | undefined;
  private readonly reported = new Set<string>();

  constructor(private readonly options: ExceptionsInForceOptions) {}

  /** The exceptions to apply; FactUnavailable when the API's cannot be read now. */
  current(): PolicyException[] {
    const { scope, store, logger } = this.options;
    if (!scope) {
      // As Kyverno's exception webhook warns: "PolicyException resources would not be processed until it is enabled."
      for (const exception of store.directoryExceptions()) {
        this.once(`off:${exception.source}:${exception.namespace}/${exception.name}`, () =>
          logger.warn(`PolicyException "${exception.namespace}/${exception.name}" is not applied: PolicyExceptions are off (ENABLE_POLICY_EXCEPTION, EXCEPTION_NAMESPACE)`, { source: exception.source }),
        );
      }
      return [];
    }
    const inScope = (exception: PolicyException) => exceptionNamespaceAllowed(exception.namespace, scope.namespace);
    const byKey = new Map<string, PolicyException>();
    for (const exception of store.directoryExceptions()) {
      if (inScope(exception)) byKey.set(`${exception.namespace}/${exception.name}`, exception);
      else this.once(`scope:${exception.source}:${exception.namespace}/${exception.name}`, () => logger.warn(`PolicyException "${exception.namespace}/${exception.name}" is not applied: exceptions may only live in namespace "${scope.namespace}" (EXCEPTION_NAMESPACE)`, { source: exception.source }));
    }
    for (const exception of this.apiExceptions()) byKey.set(`${exception.namespace}/${exception.name}`, exception);
    // Byte order, as Go's sort of strings.
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return [...byKey.values()].sort((a, b) => order(a.namespace, b.namespace) || order(a.name, b.name));
  }

  private apiExceptions(): PolicyException[] {
    const watched = this.options.watches?.policyExceptions;
    if (!watched) return [];
    watched.start();
    const why = watched.unavailable();
    if (why !== undefined) throw new FactUnavailable(`policy exceptions unavailable: ${why}`);
    if (this.fromApi?.generation !== watched.generation) {
      const parsed = exceptionsFromObjects(watched.list(), this.options.watches!.exceptionApiVersion);
      for (const refused of parsed.refused) {
        this.once(`refused:${refused.uid ?? refused.source}:${refused.resourceVersion ?? ''}:${refused.message}`, () =>
          this.options.logger.error(`PolicyException ${refused.source} cannot be used; it is not applied`, { error: refused.message, code: 'ERR_POLICY_REFUSED' }),
        );
      }
      this.fromApi = { generation: watched.generation, exceptions: parsed.items };
    }
    return this.fromApi.exceptions;
  }

  private once(key: string, report: () => void): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    report();
  }
}
