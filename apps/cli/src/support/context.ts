/**
 * What a command may touch besides its flags: where to print, the
 * environment read at start-up, and the clock (injected so tests of expiry
 * are deterministic, STYLE.md §9).
 */
import type { CliEnvironment } from './config';

export interface OutputStream {
  write(text: string): unknown;
  /** The file descriptor behind this stream when it is the process's own (1 for stdout): long-running commands then write to it asynchronously. */
  readonly fd?: number;
}

export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  environment: CliEnvironment;
  now(): Date;
}
