/**
 * The Prometheus metrics of one process, on its own registry (not the
 * prom-client global, so the embedded mode and tests can hold several).
 * Every service exposes the same families; each fills the ones it sees.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheMetrics } from '@notary-gate/cache';

export type AdmissionResult = 'allowed' | 'denied' | 'error';
export type VerificationOutcome = 'verified' | 'failed' | 'inconclusive';

/** Latency buckets from 5 ms to 30 s (the longest webhook timeout). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface ServiceMetricsOptions {
  /** The `service` label of every series (gateway, discovery, …; `embedded` for all in one). */
  service: string;
  /** The `cluster` label of every series (CLUSTER_NAME), when the process serves one cluster (a gateway). */
  cluster?: string;
  /** Also collect Node's process metrics (CPU, memory, event loop). Default true. */
  processMetrics?: boolean;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  /** `notary_gate_admissions_total{webhook, result}`. */
  readonly admissions: Counter<'webhook' | 'result'>;
  /** `notary_gate_stage_duration_seconds{stage}`: mutate, validate, policy_load, discover, verify, evaluate, … */
  readonly stageDuration: Histogram<'stage'>;
  /** `notary_gate_job_duration_seconds{subject, outcome}`: a job as its caller saw it (round trip, or in-process). */
  readonly jobDuration: Histogram<'subject' | 'outcome'>;
  /** `notary_gate_job_handler_duration_seconds{subject, outcome}`: a job as the worker ran it. */
  readonly jobHandlerDuration: Histogram<'subject' | 'outcome'>;
  /** `notary_gate_verifications_total{outcome}`. */
  readonly verifications: Counter<'outcome'>;
  /** `notary_gate_cache_requests_total{kind, result}`: hit / miss per cache of the DESIGN table. */
  readonly cacheRequests: Counter<'kind' | 'result'>;
  /** `notary_gate_cache_fills_total{kind}`: producers run in this process. */
  readonly cacheFills: Counter<'kind'>;
  /** `notary_gate_cache_errors_total{kind, operation}`: backend failures degraded to "no cache". */
  readonly cacheErrors: Counter<'kind' | 'operation'>;
  /** `notary_gate_registry_requests_total{registry, method, status}`: status is the HTTP code, or `error` without one. */
  readonly registryRequests: Counter<'registry' | 'method' | 'status'>;

  constructor(readonly options: ServiceMetricsOptions) {
    if (typeof options.service !== 'string' || options.service === '') throw new TypeError('ServiceMetrics: service is required');
    this.registry.setDefaultLabels({ service: options.service, ...(options.cluster ? { cluster: options.cluster } : {}) });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'notary_gate_' });
    const registers = [this.registry];
    this.admissions = new Counter({
      name: 'notary_gate_admissions_total',
      help: 'Admission requests answered, by webhook (mutate, validate) and result (allowed, denied, error).',
      labelNames: ['webhook', 'result'],
      registers,
    });
    this.stageDuration = new Histogram({
      name: 'notary_gate_stage_duration_seconds',
      help: 'Latency of each stage of the admission and job pipeline.',
      labelNames: ['stage'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'notary_gate_job_duration_seconds',
      help: 'Jobs as the caller saw them, by subject and outcome (ok or the error code).',
      labelNames: ['subject', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.jobHandlerDuration = new Histogram({
      name: 'notary_gate_job_handler_duration_seconds',
      help: 'Jobs as the worker ran them, by subject and outcome (ok or the error code).',
      labelNames: ['subject', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.verifications = new Counter({
      name: 'notary_gate_verifications_total',
      help: 'Signature verifications by outcome: verified, failed (a decision), inconclusive (could not decide).',
      labelNames: ['outcome'],
      registers,
    });
    this.cacheRequests = new Counter({
      name: 'notary_gate_cache_requests_total',
      help: 'Cache lookups by cache kind (tag, referrers, content, verdict) and result (hit, miss).',
      labelNames: ['kind', 'result'],
      registers,
    });
    this.cacheFills = new Counter({ name: 'notary_gate_cache_fills_total', help: 'Cache fills run in this process, by kind.', labelNames: ['kind'], registers });
    this.cacheErrors = new Counter({
      name: 'notary_gate_cache_errors_total',
      help: 'Cache backend failures degraded to "no cache", by kind and operation.',
      labelNames: ['kind', 'operation'],
      registers,
    });
    this.registryRequests = new Counter({
      name: 'notary_gate_registry_requests_total',
      help: 'HTTP requests to OCI registries by registry host, method and status (HTTP code, or "error").',
      labelNames: ['registry', 'method', 'status'],
      registers,
    });
    // Zero series for the documented label values, so dashboards see them before the first event.
    for (const result of ['allowed', 'denied', 'error'] as const) for (const webhook of ['mutate', 'validate']) this.admissions.inc({ webhook, result }, 0);
    for (const outcome of ['verified', 'failed', 'inconclusive'] as const) this.verifications.inc({ outcome }, 0);
  }

  admission(webhook: 'mutate' | 'validate', result: AdmissionResult): void {
    this.admissions.inc({ webhook, result });
  }

  verification(outcome: VerificationOutcome): void {
    this.verifications.inc({ outcome });
  }

  /** Starts a stage timer; call the returned function when the stage ends. */
  startStage(stage: string): () => number {
    return this.stageDuration.startTimer({ stage });
  }

  /** Times `work` as `stage` (whether it resolves or rejects). */
  async timeStage<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const end = this.startStage(stage);
    try {
      return await work();
    } finally {
      end();
    }
  }

  /** libs/cache's metrics port, bound to these counters. */
  cacheMetrics(): CacheMetrics {
    return {
      hit: (kind) => this.cacheRequests.inc({ kind, result: 'hit' }),
      miss: (kind) => this.cacheRequests.inc({ kind, result: 'miss' }),
      fill: (kind) => this.cacheFills.inc({ kind }),
      error: (kind, operation) => this.cacheErrors.inc({ kind, operation }),
    };
  }

  /** Counts one registry request (fed by `registryMetricsInterceptor`). */
  registryRequest(registry: string, method: string, status: number | 'error'): void {
    this.registryRequests.inc({ registry, method, status: String(status) });
  }

  /** The exposition text for `/metrics`. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
