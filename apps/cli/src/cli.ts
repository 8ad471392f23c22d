/**
 * `notary-gate`: builds the commander program from the command registry,
 * runs one invocation and returns its exit status. Everything the program
 * touches comes in through the context, so tests run it in-process.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/registry';
import type { CliContext } from './support/context';
import { ExitStatus, oneLine } from './support/errors';
import { describeError } from './support/describe-error';

export const CLI_VERSION = '0.1.0';

export function buildProgram(context: CliContext): Command {
  const program = new Command('notary-gate')
    .description('Verify, sign and inspect Notary Project signatures on OCI artifacts')
    .version(CLI_VERSION)
    // Settings below are copied to every subcommand created afterwards.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void context.stdout.write(text),
      writeErr: (text) => void context.stderr.write(text),
      // commander's own parse errors, kept to one line like ours.
      outputError: (text, write) => write(`${oneLine(text)}\n`),
    })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
  for (const register of COMMANDS) register(program, context);
  return program;
}

/** Runs one invocation (`argv` without node and script) and returns the exit status. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitStatus.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed help, the version, or its one-line parse error.
      return error.exitCode === 0 ? ExitStatus.ok : ExitStatus.usage;
    }
    const { status, message } = describeError(error);
    context.stderr.write(`Error: ${oneLine(message)}\n`);
    return status;
  }
}
