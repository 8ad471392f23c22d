/**
 * `notary-gate inspect <ref> [-o tree|json] [--style notation|notation-1.0] [--max-signatures N]`:
 * every Notary signature of the artifact as `notation inspect` shows it,
 * without verifying anything: notation's current tree by default, or
 * notation 1.0's (the one Kyverno's Notary documentation shows).
 */
import type { Command } from 'commander';
import {
  collectSignatures,
  DEFAULT_MAX_SIGNATURES,
  renderInspectJson,
  renderInspectTree,
  skippedWarnings,
  SKIPPED_SIGNATURES_MESSAGE,
} from '@notary-gate/notary';
import type { CliContext } from '../support/context';
import { CommandFailed, UsageError } from '../support/errors';
import { parseOutputFormat, withNewline } from '../support/output-format';
import { addRegistryOptions, openTarget, type RegistryFlags } from '../support/target';

interface InspectFlags extends RegistryFlags {
  output: string;
  style: string;
  maxSignatures: string;
}

/** CLI style names → the renderer's field tables (notation 1.0's tree is the renderer's `seed` table). */
const STYLES = { notation: 'notation', 'notation-1.0': 'seed' } as const;

export function registerInspectCommand(program: Command, context: CliContext): void {
  const command = program
    .command('inspect')
    .description('Show the Notary signatures of an artifact (as `notation inspect`)')
    .argument('<reference>', 'artifact reference: registry/repository[:tag|@digest] or oci-layout:<dir>[:tag|@digest]')
    .option('-o, --output <format>', 'output format: tree or json', 'tree')
    .option('--style <style>', 'tree layout: notation (notation 1.3, the default) or notation-1.0', 'notation')
    .option('--max-signatures <n>', 'most signatures to show', String(DEFAULT_MAX_SIGNATURES));
  addRegistryOptions(command).action((reference: string, flags: InspectFlags) => inspect(reference, flags, context));
}

async function inspect(reference: string, flags: InspectFlags, context: CliContext): Promise<void> {
  const format = parseOutputFormat(flags.output);
  if (!Object.hasOwn(STYLES, flags.style)) throw new UsageError(`invalid --style "${flags.style}": use notation or notation-1.0`);
  const style = STYLES[flags.style as keyof typeof STYLES];
  const maxSignatures = Number(flags.maxSignatures);
  if (!/^\d+$/.test(flags.maxSignatures) || maxSignatures < 1) {
    throw new UsageError(`invalid --max-signatures "${flags.maxSignatures}": expected a positive integer`);
  }
  const target = await openTarget(reference, flags, context);
  try {
    const { outcomes, maxSignaturesWarning } = await collectSignatures(target.repository, target.descriptor, { maxSignatures });
    const warnings = skippedWarnings(outcomes);
    for (const warning of warnings) context.stderr.write(`${warning}\n`);
    context.stdout.write(
      format === 'json' ? withNewline(renderInspectJson(target.descriptor.mediaType, outcomes)) : renderInspectTree(target.digestReference, outcomes, { style }),
    );
    // notation's ErrorExceedMaxSignatures wording.
    if (maxSignaturesWarning !== undefined) throw new CommandFailed(maxSignaturesWarning);
    if (warnings.length > 0) throw new CommandFailed(SKIPPED_SIGNATURES_MESSAGE);
  } finally {
    await target.close();
  }
}
