/**
 * `notary-gate attach <ref> --artifact-type <type> <file> [--media-type <type>]
 * [--annotation k=v]…`: attaches a file (an SBOM, a scan report…) to the
 * artifact as a referrer, as `oras attach` does; prints the attached
 * manifest's reference, which `sign` can then sign.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { attachArtifact } from '@notary-gate/notary';
import type { CliContext } from '../support/context';
import { UsageError } from '../support/errors';
import { readInputFile } from '../support/files';
import { collect, keyValueRecord } from '../support/key-value';
import { addRegistryOptions, openTarget, parseTarget, type RegistryFlags } from '../support/target';

interface AttachFlags extends RegistryFlags {
  artifactType: string;
  mediaType?: string;
  annotation: string[];
}

/** RFC 6838 `type/subtype` (with the suffixes and parameters OCI media types use). */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:;.*)?$/;

export function registerAttachCommand(program: Command, context: CliContext): void {
  const command = program
    .command('attach')
    .description('Attach a file to an artifact as a referrer (e.g. an SBOM or a scan report)')
    .argument('<reference>', 'artifact reference to attach to')
    .argument('<file>', 'the file to attach')
    .requiredOption('--artifact-type <type>', 'artifact type of the attachment, e.g. application/vnd.cyclonedx+json')
    .option('--media-type <type>', 'media type of the file layer (default application/vnd.oci.image.layer.v1.tar)')
    .option('--annotation <key=value>', 'manifest annotation; repeatable', collect, []);
  addRegistryOptions(command).action((reference: string, file: string, flags: AttachFlags) => attach(reference, file, flags, context));
}

async function attach(reference: string, file: string, flags: AttachFlags, context: CliContext): Promise<void> {
  const parsed = parseTarget(reference);
  if (flags.artifactType.trim() === '') throw new UsageError('--artifact-type must not be empty');
  if (flags.mediaType !== undefined && !MEDIA_TYPE.test(flags.mediaType)) throw new UsageError(`invalid --media-type "${flags.mediaType}"`);
  const annotations = keyValueRecord(flags.annotation, '--annotation');
  const payload = readInputFile(file, 'file');
  const target = await openTarget(parsed, flags, context);
  try {
    const attached = await attachArtifact({
      repository: target.repository,
      subject: target.descriptor,
      artifactType: flags.artifactType,
      payload,
      ...(flags.mediaType === undefined ? {} : { mediaType: flags.mediaType }),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      title: basename(file),
      created: context.now(),
    });
    context.stdout.write(`Attached to ${target.digestReference}\n`);
    context.stdout.write(`${target.referenceTo(attached.digest)}\n`);
  } finally {
    await target.close();
  }
}
