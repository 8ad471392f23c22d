/**
 * `notary-gate verify <ref> --cert <pem>… [--level strict|permissive|audit|skip]
 * [--user-metadata k=v]… [--max-signatures N]`: verifies the artifact's Notary
 * signatures against the given certificates (an in-memory trust store and a
 * `*`-scoped trust policy statement at the given level), and prints which
 * signature verified with which certificate — or why none did.
 * Exit 0 verified, 1 not verified, 3 could not decide (registry trouble).
 */
import type { Command } from 'commander';
import type { ArtifactVerification, Certificate, VerificationOutcome } from '@notary-gate/notary';
import type { CliContext } from '../support/context';
import { CommandFailed, UsageError } from '../support/errors';
import { collect, keyValueRecord } from '../support/key-value';
import { addRegistryOptions, openTarget, parseTarget, type RegistryFlags } from '../support/target';
import type { LevelName } from '../support/trust';

interface VerifyFlags extends RegistryFlags {
  cert: string[];
  level: string;
  userMetadata: string[];
  maxSignatures: string;
}

const LEVELS: readonly LevelName[] = ['strict', 'permissive', 'audit', 'skip'];
/** notation CLI's default `--max-signatures`. */
const DEFAULT_MAX_SIGNATURES = 100;

export function registerVerifyCommand(program: Command, context: CliContext): void {
  const command = program
    .command('verify')
    .description('Verify the Notary signatures of an artifact against trusted certificates')
    .argument('<reference>', 'artifact reference: registry/repository[:tag|@digest] or oci-layout:<dir>[:tag|@digest]')
    .option('--cert <pem>', 'trusted certificate file (PEM or DER); repeatable', collect, [])
    .option('--level <level>', 'verification level: strict, permissive, audit or skip', 'strict')
    .option('--user-metadata <key=value>', 'metadata the signature must carry; repeatable', collect, [])
    .option('--max-signatures <n>', 'most signatures to evaluate', String(DEFAULT_MAX_SIGNATURES));
  addRegistryOptions(command).action((reference: string, flags: VerifyFlags) => verify(reference, flags, context));
}

async function verify(reference: string, flags: VerifyFlags, context: CliContext): Promise<void> {
  const parsed = parseTarget(reference);
  const level = parseLevel(flags.level);
  const maxSignatureAttempts = parsePositiveInteger(flags.maxSignatures, '--max-signatures');
  const userMetadata = keyValueRecord(flags.userMetadata, '--user-metadata');
  if (level !== 'skip' && flags.cert.length === 0) throw new UsageError('at least one --cert is required to verify (or use --level skip)');
  if (level === 'skip' && flags.cert.length > 0) throw new UsageError('--level skip verifies nothing: remove --cert');
  // The crypto is loaded once the arguments are known to be good: a typo is answered without it.
  const [{ verifyArtifact }, { readCertificates }, { trustFromCertificates }] = await Promise.all([import('@notary-gate/notary'), import('../support/files'), import('../support/trust')]);
  const anchors = flags.cert.map((path) => ({ path, certificates: readCertificates(path) }));

  const { trustStore, statement } = trustFromCertificates(level, anchors);

  const target = await openTarget(parsed, flags, context);
  try {
    const artifactReference = target.digestReference;
    const verification = await verifyArtifact({
      repository: target.repository,
      digest: target.descriptor.digest,
      artifactReference,
      trustPolicy: statement,
      trustStore,
      now: context.now(),
      maxSignatureAttempts,
      userMetadata,
    });
    report(verification, artifactReference, level, anchors.flatMap((anchor) => anchor.certificates), context);
  } finally {
    await target.close();
  }
}

function report(verification: ArtifactVerification, artifactReference: string, level: LevelName, anchors: Certificate[], context: CliContext): void {
  const { stdout, stderr } = context;
  if (verification.error === null) {
    if (level === 'skip') {
      stdout.write(`Trust policy is configured to skip signature verification for ${artifactReference}\n`);
      return;
    }
    const attempt = verification.attempts[verification.attempts.length - 1];
    const outcome = verification.outcome!;
    for (const warning of loggedFailures(outcome)) stderr.write(`${warning}\n`);
    stdout.write(`Successfully verified signature for ${artifactReference}\n`);
    if (attempt) stdout.write(`  signature: ${attempt.digest}\n`);
    const envelope = outcome.envelope;
    if (envelope) {
      const chain = envelope.signerInfo.certificateChain;
      const leaf = chain[0];
      stdout.write(`  envelope: ${envelope.mediaType}, ${envelope.signerInfo.signatureAlgorithm}\n`);
      if (leaf) stdout.write(`  signed by: ${describeCertificate(leaf)}\n`);
      const trusted = chain.find((certificate) => anchors.some((anchor) => anchor.equals(certificate)));
      if (trusted) stdout.write(`  trusted certificate: ${describeCertificate(trusted)}\n`);
    }
    return;
  }
  const error = verification.error;
  if (error.inconclusive || error.code === 'ERR_NO_SIGNATURE' || error.code === 'ERR_DIGEST_MISMATCH') throw error;
  for (const attempt of verification.attempts) {
    stderr.write(`signature ${attempt.digest} failed verification: ${oneLineOf(attempt.error?.message ?? 'unknown error')}\n`);
  }
  if (error.code === 'ERR_TOO_MANY_SIGNATURES') throw error;
  throw new CommandFailed(`signature verification failed for all the signatures associated with ${artifactReference}`);
}

/** notation's warnings for checks that failed under a `log` action (`cmd/notation/verify.go`). */
function loggedFailures(outcome: VerificationOutcome): string[] {
  return outcome.results
    .filter((result) => result.error !== null && result.action === 'log')
    .map((result) => `Warning: ${result.type} was set to "log" and failed with error: ${result.error!.message}`);
}

function describeCertificate(certificate: Certificate): string {
  return `${certificate.subject} (SHA256 fingerprint ${certificate.sha256Fingerprint})`;
}

function oneLineOf(message: string): string {
  return message.replace(/\s*\n\s*/g, '; ');
}

function parseLevel(text: string): LevelName {
  if (!(LEVELS as readonly string[]).includes(text)) throw new UsageError(`invalid --level "${text}": use ${LEVELS.join(', ')}`);
  return text as LevelName;
}

function parsePositiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value <= 0) throw new UsageError(`invalid ${flag} "${text}": expected a positive integer`);
  return value;
}
