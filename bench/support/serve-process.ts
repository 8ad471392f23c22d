/**
 * `notary-gate serve` as a child process of the benchmark — the built CLI
 * (dist/apps/cli/src/main.js), exactly what a deployment runs — so the
 * service under load has its own event loop and the load generator its own.
 * Its JSON logs go to a file (the bench reads it only to wait for start-up
 * lines), so that reading them costs the load generator nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** From dist/bench/support: the compiled CLI entry beside it in dist. */
export const CLI_MAIN = resolve(__dirname, '..', '..', 'apps', 'cli', 'src', 'main.js');

export interface ServeProcess {
  readonly name: string;
  /** The child's process id (for RSS sampling). */
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the first JSON log line matching `predicate`; throws if the process exits first or on timeout. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The last lines of its log, for an error report. */
  tail(lines?: number): string;
  /** SIGTERM (the service drains), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Node options before the script (e.g. `--inspect=127.0.0.1:9229` for a CPU profile). */
  nodeArgs?: string[];
}

export function spawnServe(name: string, args: string[], environment: Record<string, string>, logDirectory: string, options: SpawnOptions = {}): ServeProcess {
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} not found: run \`npm run build\` first`);
  const logFile = join(logDirectory, `${name}.log`);
  const output = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI_MAIN, 'serve', ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...environment },
    stdio: ['ignore', output, output],
  });
  closeSync(output);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const readLines = (): Record<string, unknown>[] =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const tail = (lines = 15): string => readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');

  return {
    name,
    pid: child.pid ?? 0,
    logFile,
    tail,
    waitForLog: async (predicate, timeoutMs = 30_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = readLines().find(predicate);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`${name} exited with status ${child.exitCode} while starting:\n${tail()}`);
        if (Date.now() > until) throw new Error(`${name} did not start within ${timeoutMs / 1000}s:\n${tail()}`);
        await new Promise((wake) => setTimeout(wake, 100));
      }
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
