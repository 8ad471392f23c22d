/**
 * Process entry of `notary-gate` (bin/notary-gate.js → dist/apps/cli/src/main.js):
 * wires the real streams, environment and clock into the CLI.
 */
import { runCli } from './cli';
import { readCliEnvironment } from './support/config';

// A reader that goes away (`| head`) is not an error: stop writing, finish quietly (as notation and kubectl do).
let stdoutGone = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutGone = true;
});

void runCli(process.argv.slice(2), {
  stdout: { write: (text: string) => stdoutGone || process.stdout.write(text), fd: 1 },
  stderr: process.stderr,
  environment: readCliEnvironment(),
  now: () => new Date(),
}).then((status) => {
  process.exitCode = status;
});
