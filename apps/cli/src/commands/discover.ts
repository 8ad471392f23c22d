/**
 * `notary-gate discover <ref> [-o tree|json] [--artifact-type <type>] [--depth N]`:
 * the artifact's referrer graph — signatures, attestations and their own
 * signatures — as `oras discover -o tree` prints it.
 */
import type { Command } from 'commander';
import { discoverReferrerGraph, renderDiscoverJson, renderDiscoverTree } from '@notary-gate/notary';
import type { CliContext } from '../support/context';
import { UsageError } from '../support/errors';
import { parseOutputFormat, withNewline } from '../support/output-format';
import { addRegistryOptions, openTarget, type RegistryFlags } from '../support/target';

interface DiscoverFlags extends RegistryFlags {
  output: string;
  artifactType?: string;
  depth?: string;
}

export function registerDiscoverCommand(program: Command, context: CliContext): void {
  const command = program
    .command('discover')
    .description('List the referrers of an artifact (signatures, attestations and their signatures) as a tree')
    .argument('<reference>', 'artifact reference: registry/repository[:tag|@digest] or oci-layout:<dir>[:tag|@digest]')
    .option('-o, --output <format>', 'output format: tree or json', 'tree')
    .option('--artifact-type <type>', 'only direct referrers of this artifact type')
    .option('--depth <n>', 'levels of referrers to follow (default 10)');
  addRegistryOptions(command).action((reference: string, flags: DiscoverFlags) => discover(reference, flags, context));
}

async function discover(reference: string, flags: DiscoverFlags, context: CliContext): Promise<void> {
  const format = parseOutputFormat(flags.output);
  const maxDepth = flags.depth === undefined ? undefined : parseDepth(flags.depth);
  const target = await openTarget(reference, flags, context);
  try {
    const discovered = await discoverReferrerGraph(target.repository, target.descriptor, {
      ...(flags.artifactType === undefined ? {} : { artifactType: flags.artifactType }),
      ...(maxDepth === undefined ? {} : { maxDepth }),
    });
    // Named as the user can pass it back: `oci-layout:<dir>`, or the registry name a mirror serves.
    const graph = { ...discovered, repository: target.digestReference.slice(0, target.digestReference.lastIndexOf('@')) };
    context.stdout.write(format === 'json' ? withNewline(renderDiscoverJson(graph)) : renderDiscoverTree(graph));
  } finally {
    await target.close();
  }
}

function parseDepth(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) throw new UsageError(`invalid --depth "${text}": expected a positive integer`);
  return value;
}
