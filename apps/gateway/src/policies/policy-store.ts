/**
 * The policies the gateway enforces, from a directory (hot-reloaded) and/or
 * the Kubernetes API (watched). Each source keeps its last good set when a
 * load fails; readiness waits for every configured source's first load.
 *
 * Policies are keyed by kind/namespace/name, so a namespaced Policy never
 * replaces or shadows a ClusterPolicy of the same name. Nothing is dropped
 * silently: a policy that cannot be used is refused with the loader's
 * message — logged, recorded as a Kubernetes Event on it (PolicyRefused),
 * counted in `notary_gate_policies{state="refused"}` and named in /readyz;
 * a set that becomes empty after having policies is reported the same way.
 * Policy warnings and rules notary-gate does not run are logged once per load.
 */
import { Gauge } from 'prom-client';
import type { Policy, PolicyException } from '@notary-gate/policy';
import type { HealthService, JsonLogger, ServiceMetrics } from '@notary-gate/service';
import type { ClusterWatches } from '../kubernetes/cluster-watches';
import { policiesFromObjects } from '../kubernetes/kubernetes-policies';
import type { PolicyEventRecorder } from '../kubernetes/policy-events';
import { FileWatcher } from '../support/file-watcher';
import { Reloadable, type ReloadableState } from '../support/reloadable';
import { PolicyDirectoryRefused, loadPolicyDirectory } from './policy-directory';
import { identityKey, policyLabel, type PolicySet, type RefusedPolicy } from './policy-set';

export interface PolicyStoreOptions {
  directory?: string;
  /** Watch ClusterPolicies and Policies through these caches (KUBERNETES_POLICIES). */
  kubernetes?: { watches: ClusterWatches; syncTimeoutMs?: number };
  /** Records PolicyRefused Events (when the API is reachable). */
  events?: PolicyEventRecorder | null;
  debounceMs: number;
  rescanIntervalMs: number;
  logger: JsonLogger;
  metrics: ServiceMetrics;
}

const POLICIES_GAUGE = 'notary_gate_policies';
/** Changes of the watched policies are gathered for this long before the set is rebuilt (a list adds items one by one). */
const API_SETTLE_MS = 50;

const describe = (set: PolicySet) => ({ count: set.policies.length, policies: set.policies.map(identityKey), ...(set.refused.length > 0 ? { refused: set.refused.length } : {}) });

/** The gauge on the service's registry (shared when several gateways share one ServiceMetrics, as tests do). */
function policiesGauge(metrics: ServiceMetrics): Gauge<'state'> {
  const existing = metrics.registry.getSingleMetric(POLICIES_GAUGE) as Gauge<'state'> | undefined;
  return existing ?? new Gauge({ name: POLICIES_GAUGE, help: 'Policies in force (loaded) and policies the gateway could not use (refused).', labelNames: ['state'], registers: [metrics.registry] });
}

export class PolicyStore {
  private readonly directorySource: Reloadable<PolicySet> | undefined;
  private readonly apiSource: Reloadable<PolicySet> | undefined;
  /** The directory's refused documents of its last failed load (its last good set stays in force). */
  private directoryRefused: RefusedPolicy[] = [];
  private merged: PolicySet = { policies: [], exceptions: [], refused: [] };
  private emptied: string | undefined;
  private reportedRefusals = new Set<string>();
  private reportedPolicies = new Set<string>();
  private readonly listeners: (() => void)[] = [];
  private readonly gauge: Gauge<'state'>;
  private watcher: FileWatcher | undefined;
  private settle: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Every source has loaded once (see notLoaded). */
  private allLoaded = false;

  constructor(private readonly options: PolicyStoreOptions) {
    const { directory, kubernetes, logger, metrics } = options;
    this.gauge = policiesGauge(metrics);
    for (const state of ['loaded', 'refused']) this.gauge.set({ state }, 0);
    if (directory) {
      const warn = (message: string) => logger.warn(message);
      this.directorySource = new Reloadable(
        `policies from ${directory}`,
        () =>
          metrics.timeStage('policy_load', async () => {
            try {
              const loaded = await loadPolicyDirectory(directory, warn);
              this.directoryRefused = [];
              return loaded;
            } catch (error) {
              this.directoryRefused = error instanceof PolicyDirectoryRefused ? error.refused : [{ source: directory, message: (error as Error).message }];
              throw error;
            }
          }),
        logger,
        describe,
      );
    }
    if (kubernetes) {
      const { watches } = kubernetes;
      this.apiSource = new Reloadable<PolicySet>(
        'policies from the Kubernetes API',
        async () => {
          const why = watches.clusterPolicies.unavailable() ?? watches.policies.unavailable();
          if (why !== undefined) throw new Error(why);
          const parsed = policiesFromObjects(watches.clusterPolicies.list(), watches.policies.list());
          return { value: { policies: parsed.items, exceptions: [], refused: parsed.refused }, fingerprint: parsed.fingerprint };
        },
        logger,
        describe,
      );
    }
  }

  /** The policies in force now (each source's last good set), one per kind/namespace/name. */
  current(): Policy[] {
    return this.merged.policies;
  }

  /** PolicyExceptions from the policy directory (unrestricted: the caller applies the namespace rule). */
  directoryExceptions(): PolicyException[] {
    return this.merged.exceptions;
  }

  /** Policies (and documents) that cannot be used now, with why. */
  refused(): RefusedPolicy[] {
    return this.merged.refused;
  }

  /** Called after every load that may have changed the set (e.g. to start the caches its facts need). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  state(): ReloadableState[] {
    return this.sources().map((source) => source.state());
  }

  /**
   * Why the policy set is incomplete: the sources that never loaded (e.g. a
   * broken policy file at start-up). Admissions are not decided on a partial
   * set — that would allow what a missing policy should deny.
   */
  notLoaded(): string | undefined {
    // Asked on every admission. A source that has loaded keeps its last good set for good (a failed
    // reload never unloads it), and the sources are fixed at construction: once all have loaded, none can
    // become unloaded again, so the answer is remembered.
    if (this.allLoaded) return undefined;
    const missing = this.state().filter((state) => !state.loaded);
    if (missing.length === 0) {
      this.allLoaded = true;
      return undefined;
    }
    return missing.map((state) => `${state.name} are not loaded${state.lastError ? ` (${state.lastError})` : ''}`).join('; ');
  }

  /** Loads every source once, then watches the directory and the API. */
  async start(): Promise<void> {
    this.stopped = false;
    const { directory, kubernetes, logger } = this.options;
    if (kubernetes) {
      kubernetes.watches.startPolicies();
      const timeout = kubernetes.syncTimeoutMs ?? 10_000;
      await Promise.all([kubernetes.watches.clusterPolicies.whenSynced(timeout), kubernetes.watches.policies.whenSynced(timeout)]);
    }
    await this.reload();
    if (directory) {
      this.watcher = new FileWatcher({
        directories: [directory],
        debounceMs: this.options.debounceMs,
        rescanIntervalMs: this.options.rescanIntervalMs,
        onChange: () => this.reloadSource(this.directorySource),
        onError: (error) => logger.error('policy directory watch failed', { error: error.message }),
      });
    }
  }

  /** The watched policies changed (or their caches' state did): rebuild the set once the burst settles. */
  apiChanged(): void {
    if (this.stopped || !this.apiSource) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => void this.reloadSource(this.apiSource), API_SETTLE_MS);
    this.settle.unref();
  }

  /** Reloads every source now. */
  async reload(): Promise<void> {
    await Promise.all(this.sources().map((source) => source.reload()));
    this.afterLoad();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    clearTimeout(this.settle);
  }

  /** `policies` in /readyz: ready once every source has loaded; failing reloads, refused policies and an emptied set show in the detail. */
  registerReadiness(health: HealthService): void {
    health.register({
      name: 'policies',
      check: () => {
        const states = this.state();
        const ok = states.length > 0 && states.every((state) => state.loaded);
        const detail = states
          .map((state) => `${state.name}: ${state.loaded ? 'loaded' : 'not loaded'}${state.lastError ? ` (last reload failed: ${state.lastError})` : ''}`)
          .join('; ');
        const refused = this.merged.refused.map((entry) => `refused ${policyLabel(entry)}: ${entry.message}`);
        return { ok, detail: [`${this.current().length} policies`, detail || 'no policy source configured', ...(this.emptied ? [this.emptied] : []), ...refused].join('; ') };
      },
    });
  }

  private sources(): Reloadable<PolicySet>[] {
    return [this.directorySource, this.apiSource].filter((source): source is Reloadable<PolicySet> => source !== undefined);
  }

  private async reloadSource(source: Reloadable<PolicySet> | undefined): Promise<void> {
    if (!source || this.stopped) return;
    await source.reload();
    this.afterLoad();
  }

  /** Merges the sources by identity, then reports what changed: refusals, an emptied set, warnings, ignored rules. */
  private afterLoad(): void {
    const previousCount = this.merged.policies.length;
    const byKey = new Map<string, Policy>();
    const refused: RefusedPolicy[] = [...this.directoryRefused];
    for (const policy of this.directorySource?.value?.policies ?? []) byKey.set(identityKey(policy), policy);
    for (const policy of this.apiSource?.value?.policies ?? []) {
      const key = identityKey(policy);
      const earlier = byKey.get(key);
      if (earlier) {
        // One identity, two definitions: never merge or pick silently.
        refused.push({ apiVersion: policy.apiVersion, kind: policy.kind, name: policy.name, ...(policy.namespace ? { namespace: policy.namespace } : {}), ...(policy.uid ? { uid: policy.uid } : {}), source: policy.source, message: `${policyLabel(policy)} is also defined in ${earlier.source}; the policy directory's definition is enforced` });
        continue;
      }
      byKey.set(key, policy);
    }
    refused.push(...(this.apiSource?.value?.refused ?? []));
    // Frozen: the engine remembers per-set answers (scopes, timeouts) for a set that cannot change.
    this.merged = { policies: Object.freeze([...byKey.values()]) as Policy[], exceptions: this.directorySource?.value?.exceptions ?? [], refused };

    const count = this.merged.policies.length;
    if (count === 0 && previousCount > 0) {
      this.emptied = `the policy set is empty after a load that had ${previousCount} ${previousCount === 1 ? 'policy' : 'policies'}`;
      this.options.logger.error(this.emptied, { sources: this.state() });
    } else if (count > 0) {
      this.emptied = undefined;
    }
    this.gauge.set({ state: 'loaded' }, count);
    this.gauge.set({ state: 'refused' }, refused.length);
    this.reportRefusals(refused);
    this.reportPolicies(this.merged.policies);
    for (const listener of this.listeners) listener();
  }

  private reportRefusals(refused: RefusedPolicy[]): void {
    const next = new Set<string>();
    for (const entry of refused) {
      const key = JSON.stringify([entry.source, entry.kind, entry.namespace, entry.name, entry.resourceVersion, entry.message]);
      next.add(key);
      if (this.reportedRefusals.has(key)) continue;
      this.options.logger.error(`${policyLabel(entry)} cannot be used; it is not enforced`, { source: entry.source, error: entry.message, code: 'ERR_POLICY_REFUSED' });
      if (this.options.events && entry.kind && entry.name && (entry.kind === 'ClusterPolicy' || entry.kind === 'Policy')) {
        void this.options.events.refused({ apiVersion: entry.apiVersion ?? 'kyverno.io/v1', kind: entry.kind, name: entry.name, namespace: entry.namespace, uid: entry.uid, resourceVersion: entry.resourceVersion }, entry.message);
      }
    }
    this.reportedRefusals = next;
  }

  /** Warnings and ignored rules, once per loaded version of each policy. */
  private reportPolicies(policies: Policy[]): void {
    const next = new Set<string>();
    for (const policy of policies) {
      const key = `${identityKey(policy)}@${policy.hash}`;
      next.add(key);
      if (this.reportedPolicies.has(key)) continue;
      for (const warning of policy.warnings) this.options.logger.warn(`${policyLabel(policy)}: ${warning.path}: ${warning.message}`, { source: policy.source });
      if (policy.ignoredRules.length > 0) {
        this.options.logger.info(`${policyLabel(policy)}: rules not run by notary-gate (Kyverno's to run): ${policy.ignoredRules.join(', ')}`, { source: policy.source });
      }
    }
    this.reportedPolicies = next;
  }
}
