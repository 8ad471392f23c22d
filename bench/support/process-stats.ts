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

/** CPU time (user + system) `pid` has used so far, in ms, from `/proc/<pid>/stat` (clock ticks of 10 ms); undefined if unreadable. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
