/**
 * `notary-gate` end to end against Debian's real `docker-registry`:
 * cert generate-test → sign (JWS, COSE) → discover → verify, and the ways
 * verification must fail — each with its exit status and notation's words.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSignatureManifest, parseCertificates } from '@notary-gate/notary';
import { MediaTypes, openRepository } from '@notary-gate/oci';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { notaryGate, type CliRun } from './cli-harness';
import { pushImage } from './images';

/** Every command runs at this instant: certificates, signing times and expiry checks are deterministic. */
const NOW = new Date('2026-11-24T12:00:00Z');

let registry: TestRegistry;
let work: string;
const insecure = (): string[] => ['--insecure-registry', registry.host];
const file = (name: string): string => join(work, name);
const run = (argv: string[], now = NOW): Promise<CliRun> => notaryGate(argv, { now });

function pushedSignature(output: CliRun): string {
  const match = /Pushed the signature to \S+@(sha256:[0-9a-f]{64})/.exec(output.stdout);
  if (!match) throw new Error(`no signature digest in: ${output.stdout}${output.stderr}`);
  return match[1]!;
}

beforeAll(async () => {
  registry = await startRegistry();
  work = mkdtempSync(join(tmpdir(), 'ng-cli-e2e-'));
  for (const name of ['alice', 'mallory']) {
    expect(await run(['cert', 'generate-test', name, '--dir', work])).toMatchObject({ status: 0, stderr: '' });
  }
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('cert generate-test', () => {
  it('writes <name>.crt and <name>.key like notation: a self-signed code-signing certificate for one day', () => {
    const [certificate] = parseCertificates(readFileSync(file('alice.crt')));
    expect(certificate!.subject).toBe('CN=alice,O=Notary,L=Seattle,ST=WA,C=US');
    expect(certificate!.issuer).toBe(certificate!.subject);
    expect(certificate!.notAfter.getTime() - certificate!.notBefore.getTime()).toBe(24 * 3600_000);
    expect(readFileSync(file('alice.key'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(statSync(file('alice.key')).mode & 0o777).toBe(0o600);
  });

  it('refuses a name notation refuses (exit 2)', async () => {
    const result = await run(['cert', 'generate-test', '../evil', '--dir', work]);
    expect(result).toEqual({ status: 2, stdout: '', stderr: 'Error: invalid certificate name "../evil": it needs to follow [a-zA-Z0-9_.-]+ format\n' });
  });
});

describe.each(['jws', 'cose'] as const)('sign → discover → verify round trip (%s)', (format) => {
  let reference: string;
  let digestReference: string;
  let signature: string;

  beforeAll(async () => {
    const image = await pushImage(registry.host, `round-trip/${format}`, 'v1');
    reference = `${registry.host}/round-trip/${format}:v1`;
    digestReference = `${registry.host}/round-trip/${format}@${image.digest}`;
    const signed = await run(['sign', reference, '--key', file('alice.key'), '--cert', file('alice.crt'), '--signature-format', format, ...insecure()]);
    // Signing by tag: notation's warning, word for word, on stderr.
    expect(signed).toMatchObject({ status: 0, stderr: `Warning: Always sign the artifact using digest(@sha256:...) rather than a tag(:v1) because tags are mutable and a tag reference can point to a different artifact than the one signed.\n` });
    expect(signed.stdout).toContain(`Successfully signed ${digestReference}\n`);
    signature = pushedSignature(signed);
  });

  it('discover lists the signature under the Notary artifact type', async () => {
    const result = await run(['discover', reference, ...insecure()]);
    expect(result).toEqual({
      status: 0,
      stderr: '',
      stdout: [digestReference, '└── application/vnd.cncf.notary.signature', `    └── ${signature}`, ''].join('\n'),
    });
  });

  it('verify succeeds and names the signature and the trusted certificate', async () => {
    const [alice] = parseCertificates(readFileSync(file('alice.crt')));
    const result = await run(['verify', reference, '--cert', file('alice.crt'), ...insecure()]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`Successfully verified signature for ${digestReference}\n`);
    expect(result.stdout).toContain(`  signature: ${signature}\n`);
    expect(result.stdout).toContain(`  envelope: ${format === 'jws' ? 'application/jose+json' : 'application/cose'}, RSASSA-PSS-SHA-256\n`);
    expect(result.stdout).toContain(`  trusted certificate: CN=alice,O=Notary,L=Seattle,ST=WA,C=US (SHA256 fingerprint ${alice!.sha256Fingerprint})\n`);
  });

  it('verify with a certificate that signed nothing here fails (exit 1) with notation\'s reason', async () => {
    const result = await run(['verify', reference, '--cert', file('mallory.crt'), ...insecure()]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `signature ${signature} failed verification: the signature's certificate chain does not contain any trusted certificate`,
        `Error: signature verification failed for all the signatures associated with ${digestReference}`,
        '',
      ].join('\n'),
    );
  });

  it('audit level logs the authenticity failure and passes, as notation does', async () => {
    const result = await run(['verify', reference, '--cert', file('mallory.crt'), '--level', 'audit', ...insecure()]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('Warning: authenticity was set to "log" and failed with error: the signature\'s certificate chain does not contain any trusted certificate\n');
  });

  it('a certificate past its validity fails the strict level at verification time', async () => {
    const twoDaysLater = new Date(NOW.getTime() + 2 * 24 * 3600_000);
    const result = await run(['verify', reference, '--cert', file('alice.crt'), ...insecure()], twoDaysLater);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('verification time is after certificate "CN=alice,O=Notary,L=Seattle,ST=WA,C=US" validity period, it was expired at');
  });
});

describe('expiry and user metadata', () => {
  let reference: string;

  beforeAll(async () => {
    await pushImage(registry.host, 'metadata/app', 'v1');
    reference = `${registry.host}/metadata/app:v1`;
    const signed = await run([
      'sign', reference, '--key', file('alice.key'), '--cert', file('alice.crt'),
      '--expiry', '1h', '--user-metadata', 'team=payments', '--user-metadata', 'env=prod', ...insecure(),
    ]);
    expect(signed.status).toBe(0);
  });

  it('verifies before the expiry with the signed metadata required', async () => {
    const result = await run(['verify', reference, '--cert', file('alice.crt'), '--user-metadata', 'team=payments', ...insecure()]);
    expect(result.status).toBe(0);
  });

  it('fails when required metadata is not signed', async () => {
    const result = await run(['verify', reference, '--cert', file('alice.crt'), '--user-metadata', 'team=other', ...insecure()]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unable to find specified metadata in the signature');
  });

  it('fails after the expiry with notation\'s message', async () => {
    const result = await run(['verify', reference, '--cert', file('alice.crt'), ...insecure()], new Date(NOW.getTime() + 2 * 3600_000));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('digital signature has expired on "Tue, 24 Nov 2026 13:00:00 +0000"');
  });

  it('refuses reserved metadata keys as bad input (exit 2), with notation\'s message', async () => {
    const result = await run(['sign', reference, '--key', file('alice.key'), '--cert', file('alice.crt'), '--user-metadata', 'io.cncf.notary.x=1', ...insecure()]);
    expect(result).toEqual({ status: 2, stdout: '', stderr: 'Error: error adding user metadata: metadata key io.cncf.notary.x has reserved prefix io.cncf.notary\n' });
  });
});

describe('artifacts without a verifiable signature', () => {
  it('an unsigned image: no signature is associated (exit 1)', async () => {
    const image = await pushImage(registry.host, 'unsigned/app', 'v1');
    const result = await run(['verify', `${registry.host}/unsigned/app:v1`, '--cert', file('alice.crt'), ...insecure()]);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `Error: no signature is associated with "${registry.host}/unsigned/app@${image.digest}", make sure the artifact was signed successfully\n`,
    });
  });

  it('verify --level skip verifies nothing and says so', async () => {
    const image = await pushImage(registry.host, 'unsigned/app', 'v2');
    const result = await run(['verify', `${registry.host}/unsigned/app:v2`, '--level', 'skip', ...insecure()]);
    expect(result).toEqual({ status: 0, stderr: '', stdout: `Trust policy is configured to skip signature verification for ${registry.host}/unsigned/app@${image.digest}\n` });
  });

  it('--max-signatures stops the evaluation with notation\'s message', async () => {
    await pushImage(registry.host, 'many/app', 'v1');
    const reference = `${registry.host}/many/app:v1`;
    for (let i = 0; i < 2; i++) {
      expect((await run(['sign', reference, '--key', file('mallory.key'), '--cert', file('mallory.crt'), ...insecure()], new Date(NOW.getTime() + i * 1000))).status).toBe(0);
    }
    const result = await run(['verify', reference, '--cert', file('alice.crt'), '--max-signatures', '1', ...insecure()]);
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n').pop()).toBe('Error: signature evaluation stopped. The configured limit of 1 signatures to verify per artifact exceeded');
  });
});

describe('a junk signature next to a good one', () => {
  let reference: string;
  let junk: string;

  beforeAll(async () => {
    const image = await pushImage(registry.host, 'junk/app', 'v1');
    reference = `${registry.host}/junk/app:v1`;
    // A referrer that claims to be a Notary signature but carries garbage.
    const opened = openRepository(reference, { insecureRegistries: [registry.host] });
    const envelope = await opened.repository.pushBlob(Buffer.from('{"payload": garbage'), MediaTypes.jws);
    await opened.repository.pushBlob(Buffer.from('{}'), MediaTypes.ociEmpty);
    const manifest = buildSignatureManifest({ envelope, subject: image, certificateChain: [], signingTime: NOW });
    junk = (await opened.repository.pushManifest(Buffer.from(JSON.stringify(manifest)), MediaTypes.ociManifest)).digest;
    await opened.close();
    expect((await run(['sign', reference, '--key', file('alice.key'), '--cert', file('alice.crt'), ...insecure()])).status).toBe(0);
  });

  it('cannot hide the good signature from verify', async () => {
    const result = await run(['verify', reference, '--cert', file('alice.crt'), ...insecure()]);
    expect(result.status).toBe(0);
  });

  it('is skipped by inspect with notation\'s warning and closing error (exit 1)', async () => {
    const result = await run(['inspect', reference, ...insecure()]);
    expect(result.status).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Warning: Skipping signature ${junk} because of error: invalid character 'g' looking for beginning of value$`));
    expect(lines[lines.length - 1]).toBe('Error: at least one signature was skipped and not displayed');
    expect(result.stdout).toContain('└── application/vnd.cncf.notary.signature');
  });
});
