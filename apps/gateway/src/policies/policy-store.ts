/**
 * The policies the gateway enforces, from a directory (hot-reloaded) and/or
 * the Kubernetes API (polled). Each source keeps its last good set when a
 * reload fails; readiness waits for every configured source's first load.
 */
import type { Policy } from '@notary-gate/policy';
import type { HealthService, JsonLogger, ServiceMetrics } from '@notary-gate/service';
import type { KubernetesApi } from '../kubernetes/kubernetes-api';
import { listClusterPolicies } from '../kubernetes/kubernetes-policies';
import { FileWatcher } from '../support/file-watcher';
import { Reloadable, type ReloadableState } from '../support/reloadable';
import { loadPolicyDirectory } from './policy-directory';

export interface PolicyStoreOptions {
  directory?: string;
  kubernetes?: { api: KubernetesApi; pollIntervalMs: number };
  debounceMs: number;
  rescanIntervalMs: number;
  logger: JsonLogger;
  metrics: ServiceMetrics;
}

const describe = (policies: Policy[]) => ({ count: policies.length, policies: policies.map((policy) => policy.name) });

export class PolicyStore {
  private readonly sources: Reloadable<Policy[]>[] = [];
  private watcher: FileWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;

  constructor(private readonly options: PolicyStoreOptions) {
    const { directory, kubernetes, logger, metrics } = options;
    if (directory) {
      const warn = (message: string) => logger.warn(message);
      this.sources.push(new Reloadable(`policies from ${directory}`, () => metrics.timeStage('policy_load', () => loadPolicyDirectory(directory, warn)), logger, describe));
    }
    if (kubernetes) {
      this.sources.push(
        new Reloadable(
          'policies from the Kubernetes API',
          async () => {
            const listed = await listClusterPolicies(kubernetes.api);
            for (const problem of listed.rejected) logger.error('a cluster policy cannot be used; it is left out', { error: problem });
            return { value: listed.policies, fingerprint: listed.fingerprint };
          },
          logger,
          describe,
        ),
      );
    }
  }

  /** The policies in force now (each source's last good set). */
  current(): Policy[] {
    return this.sources.flatMap((source) => source.value ?? []);
  }

  state(): ReloadableState[] {
    return this.sources.map((source) => source.state());
  }

  /**
   * Why the policy set is incomplete: the sources that never loaded (e.g. a
   * broken policy file at start-up). Admissions are not decided on a partial
   * set — that would allow what a missing policy should deny.
   */
  notLoaded(): string | undefined {
    const missing = this.state().filter((state) => !state.loaded);
    if (missing.length === 0) return undefined;
    return missing.map((state) => `${state.name} are not loaded${state.lastError ? ` (${state.lastError})` : ''}`).join('; ');
  }

  /** Loads every source once, then watches the directory and polls the API. */
  async start(): Promise<void> {
    await this.reload();
    const { directory, kubernetes, logger } = this.options;
    if (directory) {
      this.watcher = new FileWatcher({
        directories: [directory],
        debounceMs: this.options.debounceMs,
        rescanIntervalMs: this.options.rescanIntervalMs,
        onChange: () => this.sources[0]!.reload().then(() => undefined),
        onError: (error) => logger.error('policy directory watch failed', { error: error.message }),
      });
    }
    if (kubernetes) {
      const source = this.sources[this.sources.length - 1]!;
      this.poller = setInterval(() => void source.reload(), kubernetes.pollIntervalMs);
      this.poller.unref();
    }
  }

  /** Reloads every source now. */
  async reload(): Promise<void> {
    await Promise.all(this.sources.map((source) => source.reload()));
  }

  stop(): void {
    this.watcher?.close();
    clearInterval(this.poller);
  }

  /** `policies` in /readyz: ready once every source has loaded; a failing reload shows in the detail. */
  registerReadiness(health: HealthService): void {
    health.register({
      name: 'policies',
      check: () => {
        const states = this.state();
        const ok = states.length > 0 && states.every((state) => state.loaded);
        const detail = states
          .map((state) => `${state.name}: ${state.loaded ? 'loaded' : 'not loaded'}${state.lastError ? ` (last reload failed: ${state.lastError})` : ''}`)
          .join('; ');
        return { ok, detail: `${this.current().length} policies; ${detail || 'no policy source configured'}` };
      },
    });
  }
}
