/**
 * `notary-gate sign <ref> --key <pem> --cert <pem chain> [--signature-format jws|cose]
 * [--expiry <duration>] [--user-metadata k=v]…`: signs the artifact with a
 * local key and certificate chain (leaf first, root last) and pushes the
 * signature as a referrer of it, as `notation sign` does. A key, chain or
 * metadata the signer refuses is bad input (exit 2).
 */
import type { Command } from 'commander';
import { signArtifact } from '@notary-gate/notary';
import type { CliContext } from '../support/context';
import { UsageError } from '../support/errors';
import { parseDuration } from '../support/duration';
import { readCertificates, readPrivateKey } from '../support/files';
import { collect, keyValueRecord } from '../support/key-value';
import { addRegistryOptions, openTarget, parseTarget, type RegistryFlags } from '../support/target';

interface SignFlags extends RegistryFlags {
  key: string;
  cert: string;
  signatureFormat: string;
  expiry?: string;
  userMetadata: string[];
}

const FORMATS = ['jws', 'cose'] as const;

export function registerSignCommand(program: Command, context: CliContext): void {
  const command = program
    .command('sign')
    .description('Sign an artifact and push the signature to its repository as a referrer')
    .argument('<reference>', 'artifact reference: registry/repository[:tag|@digest] or oci-layout:<dir>[:tag|@digest]')
    .requiredOption('--key <pem>', 'private key file (PEM or DER PKCS#8)')
    .requiredOption('--cert <pem>', 'certificate chain file: the signing certificate first, the root last')
    .option('--signature-format <format>', 'envelope format: jws or cose', 'jws')
    .option('--expiry <duration>', 'signature lifetime, e.g. 24h, 7d, 1h30m')
    .option('--user-metadata <key=value>', 'metadata to sign with the artifact; repeatable', collect, []);
  addRegistryOptions(command).action((reference: string, flags: SignFlags) => sign(reference, flags, context));
}

async function sign(reference: string, flags: SignFlags, context: CliContext): Promise<void> {
  const parsed = parseTarget(reference);
  if (!(FORMATS as readonly string[]).includes(flags.signatureFormat)) {
    throw new UsageError(`invalid --signature-format "${flags.signatureFormat}": use jws or cose`);
  }
  const format = flags.signatureFormat as (typeof FORMATS)[number];
  const lifetime = flags.expiry === undefined ? undefined : parseDuration(flags.expiry);
  const userMetadata = keyValueRecord(flags.userMetadata, '--user-metadata');
  const key = readPrivateKey(flags.key);
  const certificateChain = readCertificates(flags.cert);
  const signingTime = context.now();

  const target = await openTarget(parsed, flags, context);
  try {
    const signature = await signArtifact({
      repository: target.repository,
      subject: target.descriptor,
      key,
      certificateChain,
      format,
      signingTime,
      ...(lifetime === undefined ? {} : { expiry: new Date(Math.floor(signingTime.getTime() / 1000) * 1000 + lifetime) }),
      userMetadata,
    });
    // notation's warning, word for word (cmd/notation/sign.go), once the signature is made: the tag was resolved once,
    // above, and the digest is what was signed.
    const tag = parsed.digest === undefined ? parsed.tag : undefined;
    if (tag !== undefined) {
      context.stderr.write(
        `Warning: Always sign the artifact using digest(@sha256:...) rather than a tag(:${tag}) because tags are mutable and a tag reference can point to a different artifact than the one signed.\n`,
      );
    }
    context.stdout.write(`Successfully signed ${target.digestReference}\n`);
    context.stdout.write(`Pushed the signature to ${target.referenceTo(signature.digest)}\n`);
  } finally {
    await target.close();
  }
}
