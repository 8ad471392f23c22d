/**
 * `notary-gate cert generate-test <name> [--bits N] [--dir <out>]`: a
 * self-signed code-signing test certificate and its key, as
 * `notation cert generate-test` makes them, written as `<name>.crt` and
 * `<name>.key` (PKCS#8, mode 0600). An existing key is never replaced
 * without `--force`: losing a signing key is not undoable.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { generateTestCertificate } from '@notary-gate/notary';
import type { CliContext } from '../support/context';
import { UsageError } from '../support/errors';

interface GenerateTestOptions {
  bits: string;
  dir: string;
  force?: boolean;
}

const NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
const RSA_BITS = [2048, 3072, 4096] as const;

export function registerCertCommand(program: Command, context: CliContext): void {
  const cert = program.command('cert').description('Manage certificates');
  cert
    .command('generate-test')
    .description('Generate a self-signed code-signing test certificate and its RSA key')
    .argument('<name>', 'common name of the certificate; also the file name')
    .option('--bits <bits>', 'RSA key size: 2048, 3072 or 4096', '2048')
    .option('--dir <directory>', 'directory to write <name>.crt and <name>.key into', '.')
    .option('--force', 'replace an existing <name>.key and <name>.crt')
    .action((name: string, options: GenerateTestOptions) => generateTest(name, options, context));
}

function generateTest(name: string, options: GenerateTestOptions, context: CliContext): void {
  if (!NAME_PATTERN.test(name)) throw new UsageError(`invalid certificate name "${name}": it needs to follow [a-zA-Z0-9_.-]+ format`);
  const bits = Number(options.bits);
  if (!RSA_BITS.includes(bits as (typeof RSA_BITS)[number])) {
    throw new UsageError(`invalid --bits "${options.bits}": RSA key size must be 2048, 3072 or 4096`);
  }
  const directory = resolve(options.dir);
  const keyPath = join(directory, `${name}.key`);
  const certificatePath = join(directory, `${name}.crt`);
  for (const path of [keyPath, certificatePath]) {
    if (existsSync(path) && options.force !== true) throw new UsageError(`${path} already exists: not replacing it (pass --force to overwrite)`);
  }
  context.stdout.write(`generating RSA Key with ${bits} bits\n`);
  const issued = generateTestCertificate(name, { bits: bits as (typeof RSA_BITS)[number], now: context.now() });
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(keyPath, issued.privateKeyPem, { mode: 0o600 });
    writeFileSync(certificatePath, issued.certificatePem);
  } catch (cause) {
    throw new UsageError(`cannot write into "${directory}": ${(cause as Error).message}`, { cause });
  }
  context.stdout.write(`generated certificate expiring on ${issued.certificate.notAfter.toISOString()}\n`);
  context.stdout.write(`wrote key: ${keyPath}\n`);
  context.stdout.write(`wrote certificate: ${certificatePath}\n`);
}
