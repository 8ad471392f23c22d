/**
 * The notation-cli vectors THROUGH THE REGISTRY: the storage directory the
 * real `notation sign` pushed into (Distribution 2.8, referrers tag schema)
 * is served by Debian's `docker-registry`, and every case is discovered and
 * verified by tag with the CLI, giving notation's own outcome and reason.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { notaryGate } from './cli-harness';
import { fixturePath } from '../../support/fixtures';

const VECTORS = fixturePath('notation-cli');
/** The signatures were made on 2026-11-24 around 23:05 UTC; the `*-expired` ones with `--expiry 1s`. */
const NOW = new Date('2026-11-25T00:00:00Z');

interface VectorCase {
  trustAnchors: string[];
  target: { mediaType: string; digest: string; size: number };
  expected: 'valid' | 'invalid';
  notationReason: string | null;
}

const cases = JSON.parse(readFileSync(join(VECTORS, 'expected.json'), 'utf8')) as Record<string, VectorCase>;

/** The README's table names each case's tag in `vectors/app` (`| \`case\` | \`tag\` | …`). */
function tagsFromReadme(): Map<string, string> {
  const tags = new Map<string, string>();
  for (const match of readFileSync(join(VECTORS, 'README.md'), 'utf8').matchAll(/^\| `([a-z0-9-]+)` \| `([A-Za-z0-9_.-]+)` \|/gm)) {
    tags.set(match[1]!, match[2]!);
  }
  return tags;
}
const tags = tagsFromReadme();

let registry: TestRegistry;
let storage: string;

beforeAll(async () => {
  storage = mkdtempSync(join(tmpdir(), 'ng-notation-cli-'));
  execFileSync('tar', ['xzf', join(VECTORS, 'registry-data.tar.gz'), '-C', storage]);
  registry = await startRegistry({ rootDirectory: storage });
});

afterAll(async () => {
  await registry?.stop();
  if (storage) rmSync(storage, { recursive: true, force: true });
});

it('names a tag for every case', () => {
  expect(Object.keys(cases).filter((name) => !tags.has(name))).toEqual([]);
  expect(Object.keys(cases)).toHaveLength(15);
});

describe.each(Object.entries(cases))('%s', (name, vector) => {
  const reference = (): string => `${registry.host}/vectors/app:${tags.get(name)}`;
  const insecure = (): string[] => ['--insecure-registry', registry.host];
  const signatureDigest = `sha256:${createHash('sha256').update(readFileSync(join(VECTORS, 'cases', name, 'signature-manifest.json'))).digest('hex')}`;

  it('discover shows the signature notation pushed', async () => {
    const run = await notaryGate(['discover', reference(), ...insecure()]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${registry.host}/vectors/app@${vector.target.digest}`);
    expect(lines).toContain('└── application/vnd.cncf.notary.signature');
    expect(run.stdout).toContain(signatureDigest);
  });

  it(`verify gives notation's outcome: ${vector.expected}${vector.notationReason ? ` (${vector.notationReason})` : ''}`, async () => {
    const certificates = vector.trustAnchors.flatMap((anchor) => ['--cert', join(VECTORS, anchor)]);
    const run = await notaryGate(['verify', reference(), ...certificates, ...insecure()], { now: NOW });
    const artifact = `${registry.host}/vectors/app@${vector.target.digest}`;
    if (vector.expected === 'valid') {
      expect(run).toMatchObject({ status: 0, stderr: '' });
      expect(run.stdout).toContain(`Successfully verified signature for ${artifact}\n  signature: ${signatureDigest}\n`);
    } else {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`signature ${signatureDigest} failed verification: `);
      expect(run.stderr).toContain(vector.notationReason!);
      expect(run.stderr.trimEnd().split('\n').pop()).toBe(`Error: signature verification failed for all the signatures associated with ${artifact}`);
    }
  });
});

// What notation signed (the payloads' targetArtifact.annotations): JWS team+env, COSE team only.
describe.each([
  ['jws-user-metadata', ['team=payments', 'env=prod']],
  ['cose-user-metadata', ['team=payments']],
])('%s with required metadata', (name, signedPairs) => {
  const verify = (pairs: string[]): ReturnType<typeof notaryGate> =>
    notaryGate(
      ['verify', `${registry.host}/vectors/app:${tags.get(name)}`, '--cert', join(VECTORS, 'certs/rsa-ca.pem'), '--cert', join(VECTORS, 'certs/ec-ca.pem'),
        ...pairs.flatMap((pair) => ['--user-metadata', pair]), '--insecure-registry', registry.host],
      { now: NOW },
    );

  it(`verifies with the metadata notation signed (${signedPairs.join(', ')})`, async () => {
    expect((await verify(signedPairs)).status).toBe(0);
  });

  it('fails with notation\'s reason when a pair differs', async () => {
    const run = await verify(['team=payments', 'env=staging']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('unable to find specified metadata in the signature');
  });
});
