/**
 * Runs the `notary-gate` CLI in-process for end-to-end tests: the same
 * program `main.ts` runs, with captured stdout/stderr, a fixed environment
 * (no docker config unless given) and an optional fixed clock.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../../../apps/cli/src/cli';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  now?: Date;
  dockerConfigPath?: string;
  /** As REGISTRY_TIMEOUT would set it. */
  registryTimeoutMs?: number;
}

export async function notaryGate(argv: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    environment: {
      dockerConfigPath: options.dockerConfigPath ?? join(tmpdir(), 'notary-gate-e2e-no-docker-config', 'config.json'),
      ...(options.registryTimeoutMs === undefined ? {} : { registryTimeoutMs: options.registryTimeoutMs }),
    },
    now: () => options.now ?? new Date(),
  });
  return { status, stdout, stderr };
}
