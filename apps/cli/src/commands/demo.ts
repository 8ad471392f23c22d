/**
 * `notary-gate demo [--keep <dir>] [--examples <dir>]`: Kyverno's Notary
 * policies enforced offline by the real webhook, in one command
 * (apps/cli/src/demo/run.ts). The serve stack is required only when the
 * command runs, so the other commands start without it.
 */
import type { Command } from 'commander';
import type { CliContext } from '../support/context';
import { CommandFailed, ExitStatus } from '../support/errors';

interface DemoFlags {
  keep?: string;
  examples?: string;
}

export function registerDemoCommand(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description('Build a throwaway signed world offline and run the example policies through the real webhook')
    .option('--keep <dir>', 'keep the world (OCI layout, policies, CA and signer) in this new or empty directory')
    .option('--examples <dir>', 'examples directory (policies/, configmaps/, admission-reviews/); default the one shipped with notary-gate')
    .action(async (flags: DemoFlags) => {
      const { runDemo } = await import('../demo/run');
      const status = await runDemo({ ...(flags.keep === undefined ? {} : { keep: flags.keep }), ...(flags.examples === undefined ? {} : { examples: flags.examples }) }, context);
      if (status !== ExitStatus.ok) throw new CommandFailed('some decisions differ from what the example policies call for (see above)');
    });
}
