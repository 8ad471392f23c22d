/**
 * A closed-loop load generator: `concurrency` callers, each starting its next
 * operation as soon as its previous one answers, until `count` operations are
 * done — how an API server with that many admissions in flight drives a
 * webhook. Latency is measured per operation at the caller, throughput over
 * the whole run's wall time.
 */
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  count: number;
  concurrency: number;
  wallMs: number;
  /** Per operation, in ms, in completion order. */
  latenciesMs: number[];
  failures: number;
  /** The first failure's message, for the report. */
  firstFailure: string | undefined;
}

export interface LoadSummary {
  count: number;
  concurrency: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  failures: number;
  firstFailure: string | undefined;
}

/** Runs `operation(index)` for index 0..count-1 with at most `concurrency` in flight. A rejection counts as a failure. */
export async function runLoad(count: number, concurrency: number, operation: (index: number) => Promise<void>): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const caller = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) {
      const started = performance.now();
      try {
        await operation(index);
      } catch (error) {
        failures++;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
      latenciesMs.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
  return { count, concurrency, wallMs: performance.now() - started, latenciesMs, failures, firstFailure };
}

/**
 * Runs `operation(index)` with `concurrency` callers for `durationMs` (each
 * caller starts no new operation after that); the count is what was done.
 * Warm runs are timed rather than counted, so a fast and a slow server are
 * measured over the same stretch of the machine's time.
 */
export async function runFor(durationMs: number, concurrency: number, operation: (index: number) => Promise<void>): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const started = performance.now();
  const until = started + durationMs;
  const caller = async (): Promise<void> => {
    while (performance.now() < until) {
      const index = next++;
      const begun = performance.now();
      try {
        await operation(index);
      } catch (error) {
        failures++;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
      latenciesMs.push(performance.now() - begun);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { count: latenciesMs.length, concurrency, wallMs: performance.now() - started, latenciesMs, failures, firstFailure };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

export function summarize(result: LoadResult): LoadSummary {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    count: result.count,
    concurrency: result.concurrency,
    perSecond: (result.count * 1000) / result.wallMs,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    failures: result.failures,
    firstFailure: result.firstFailure,
  };
}

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
