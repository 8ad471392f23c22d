/**
 * Liveness and readiness. `/healthz` says the process is alive; `/readyz`
 * runs every registered check (NATS connected, Redis answering, policies
 * loaded…) with a time bound, and lists each one in the body.
 */
import type { ManagedCacheStore } from '@notary-gate/cache';
import type { MessagingHealth } from '@notary-gate/messaging';

export interface CheckResult {
  ok: boolean;
  /** Short human detail: `connected`, `3 policies from /etc/policies`, the error. */
  detail?: string;
}

export interface ReadinessCheck {
  /** Unique name shown in `/readyz` (`nats`, `redis`, `policies`). */
  name: string;
  check(): CheckResult | Promise<CheckResult>;
  /** A failing non-critical check is reported but keeps the service ready. Default true. */
  critical?: boolean;
}

export interface CheckReport extends CheckResult {
  name: string;
  critical: boolean;
}

export interface ReadinessReport {
  status: 'ready' | 'unready';
  service: string;
  checks: CheckReport[];
}

export interface LivenessReport {
  status: 'alive';
  service: string;
  uptimeSeconds: number;
}

/** A check that takes longer than this fails (a probe must never hang). */
export const CHECK_TIMEOUT_MS = 2_000;

export class HealthService {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly startedAt = Date.now();

  constructor(readonly service: string) {}

  /** Adds (or replaces, by name) a readiness check. */
  register(check: ReadinessCheck): void {
    if (typeof check?.name !== 'string' || check.name === '' || typeof check.check !== 'function') {
      throw new TypeError('HealthService.register: a check needs a name and a check function');
    }
    this.checks.set(check.name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  has(name: string): boolean {
    return this.checks.has(name);
  }

  liveness(): LivenessReport {
    return { status: 'alive', service: this.service, uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  async readiness(): Promise<ReadinessReport> {
    const checks = await Promise.all([...this.checks.values()].map((check) => runCheck(check)));
    const ready = checks.every((check) => check.ok || !check.critical);
    return { status: ready ? 'ready' : 'unready', service: this.service, checks };
  }
}

async function runCheck(check: ReadinessCheck): Promise<CheckReport> {
  const critical = check.critical ?? true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
    return { name: check.name, critical, ok: result.ok === true, ...(result.detail !== undefined ? { detail: result.detail } : {}) };
  } catch (error) {
    return { name: check.name, critical, ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** `nats`: the jobs transport can send (always true in-process). */
export function messagingCheck(health: MessagingHealth, name = 'nats', options: { critical?: boolean } = {}): ReadinessCheck {
  return {
    name,
    critical: options.critical ?? true,
    check: () => (health.check ? health.check() : health.isConnected() ? { ok: true, detail: 'connected' } : { ok: false, detail: 'not connected' }),
  };
}

/** `redis` (or `cache` for memory): the cache backend answers a ping. */
export function cacheCheck(store: ManagedCacheStore, options: { critical?: boolean } = {}): ReadinessCheck {
  return {
    name: store.backend === 'redis' ? 'redis' : 'cache',
    critical: options.critical ?? true,
    check: async () => ((await store.ping()) ? { ok: true, detail: `${store.backend} reachable` } : { ok: false, detail: `${store.backend} unreachable` }),
  };
}
