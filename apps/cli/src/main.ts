/**
 * Process entry of `notary-gate` (bin/notary-gate.js → dist/apps/cli/src/main.js):
 * wires the real streams, environment and clock into the CLI.
 */
import { runCli } from './cli';
import { readCliEnvironment } from './support/config';

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  environment: readCliEnvironment(),
  now: () => new Date(),
}).then((status) => {
  process.exitCode = status;
});
