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

/** The program with its global settings (copied to every subcommand created afterwards), no commands yet. */
function bareProgram(context: CliContext): Command {
  return new Command('notary-gate')
    .description('Verify, sign and inspect Notary Project signatures on OCI artifacts')
    .version(CLI_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void context.stdout.write(text),
      writeErr: (text) => void context.stderr.write(text),
      // commander's own parse errors, kept to one line like ours.
      outputError: (text, write) => write(`${oneLine(text)}\n`),
    })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
}

/**
 * The program as `--help` lists it: each command a stand-in that takes every
 * argument. Run, a stand-in loads its command's module and hands the original
 * arguments to a program holding that one real command — flags, help and
 * errors exactly as the module declares them.
 */
export function buildProgram(context: CliContext, argv: readonly string[] = []): Command {
  const program = bareProgram(context);
  for (const command of COMMANDS) {
    program
      .command(command.name)
      .description(command.summary)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments(true)
      .action(async () => {
        const real = bareProgram(context);
        command.load()(real, context);
        await real.parseAsync([command.name, ...argv.slice(argv.indexOf(command.name) + 1)], { from: 'user' });
      });
  }
  return program;
}

/** Runs one invocation (`argv` without node and script) and returns the exit status. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  // `notary-gate help <command>` is `<command> --help` (the stand-ins have no help of their own).
  const args = argv[0] === 'help' && argv[1] !== undefined && COMMANDS.some((command) => command.name === argv[1]) ? [argv[1], '--help', ...argv.slice(2)] : argv;
  const program = buildProgram(context, args);
  try {
    await program.parseAsync([...args], { from: 'user' });
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
