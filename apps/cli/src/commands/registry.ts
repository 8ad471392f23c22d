/**
 * The commands of `notary-gate`, in help order. A command's module (flags,
 * arguments, action, and the libraries they need) is loaded only when that
 * command runs: `--version`, `--help` and every command pay for what they use
 * and nothing else — `serve` alone brings NestJS, NATS and Redis, `verify` the
 * crypto (cli.ts). A new command is a new file here and one entry below.
 */
import type { Command } from 'commander';
import type { CliContext } from '../support/context';

export type RegisterCommand = (program: Command, context: CliContext) => void;

export interface LazyCommand {
  name: string;
  /** The one line `notary-gate --help` shows (the module's own description). */
  summary: string;
  /** Loads the command's module and returns its registration. */
  load(): RegisterCommand;
}

/* eslint-disable @typescript-eslint/no-require-imports -- loading a command's module on use is the point */
export const COMMANDS: readonly LazyCommand[] = [
  { name: 'inspect', summary: 'Show the Notary signatures of an artifact (as `notation inspect`)', load: () => require('./inspect').registerInspectCommand },
  { name: 'discover', summary: 'List the referrers of an artifact (signatures, attestations and their signatures) as a tree', load: () => require('./discover').registerDiscoverCommand },
  { name: 'verify', summary: 'Verify the Notary signatures of an artifact against trusted certificates', load: () => require('./verify').registerVerifyCommand },
  { name: 'sign', summary: 'Sign an artifact and push the signature to its repository as a referrer', load: () => require('./sign').registerSignCommand },
  { name: 'attach', summary: 'Attach a file to an artifact as a referrer (e.g. an SBOM or a scan report)', load: () => require('./attach').registerAttachCommand },
  { name: 'cert', summary: 'Manage certificates', load: () => require('./cert').registerCertCommand },
  { name: 'apply', summary: 'Apply Kyverno verifyImages policies (type: Notary) to resources, as the admission controller would', load: () => require('./apply').registerApplyCommand },
  { name: 'test', summary: 'Run Kyverno CLI test suites (kyverno-test.yaml) against verifyImages policies, as `kyverno test` does', load: () => require('./test').registerTestCommand },
  { name: 'serve', summary: 'Run the admission controller: all roles in-process (no NATS_URL), or one role over NATS', load: () => require('./serve').registerServeCommand },
  { name: 'demo', summary: 'Build a throwaway signed world offline and run the example policies through the real webhook', load: () => require('./demo').registerDemoCommand },
];
/* eslint-enable @typescript-eslint/no-require-imports */
