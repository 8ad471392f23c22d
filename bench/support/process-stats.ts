/**
 * Resident memory of a process under load, read from Linux's
 * `/proc/<pid>/status` (VmRSS) — the figure a container's memory limit
 * counts. Sampled while a run is under way; the peak is reported.
 */
import { readFileSync } from 'node:fs';

/** The resident set size of `pid` in bytes, or undefined when it cannot be read (not Linux, process gone). */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the RSS of `pid` every `intervalMs` until stopped; resolves with the peak seen (bytes). */
export function sampleResident(pid: number, intervalMs = 100): { stop(): number | undefined } {
  let peak: number | undefined;
  const sample = () => {
    const now = residentBytes(pid);
    if (now !== undefined && (peak === undefined || now > peak)) peak = now;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
