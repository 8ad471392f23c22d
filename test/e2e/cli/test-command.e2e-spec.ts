/**
 * `notary-gate test DIR`: a Kyverno CLI test suite (test/fixtures/kyverno-test/notary-suite,
 * cli.kyverno.io/v1alpha1 Test with values, userinfo and an exception) run unchanged against the
 * seed's images in a real registry; Kyverno's output lines and summary; an expected `fail` that
 * does not happen is a failed test (Kyverno scores it Pass: kyverno#9804).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '@notary-gate/oci';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { buildSeedImages, type SeedImages } from '../../fixtures/seed-images';
import { notaryGate } from './cli-harness';

const SUITE = join(__dirname, '../../fixtures/kyverno-test/notary-suite');

let registry: TestRegistry;
let client: RegistryClient;
let seed: SeedImages;
let dir: string;

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ insecureRegistries: [registry.host] });
  seed = await buildSeedImages(registry.host, client);
  dir = mkdtempSync(join(tmpdir(), 'ng-test-'));
  const suite = join(dir, 'suites', 'notary');
  cpSync(SUITE, suite, { recursive: true });
  for (const name of readdirSync(suite)) writeFileSync(join(suite, name), readFileSync(join(suite, name), 'utf8').replaceAll('REGISTRY_HOST', registry.host));
  // The seed's policy, matching only namespaces labelled verify=true (labels from the suite's values) and
  // excluding cluster-admins (the suite's userinfo is not one).
  const policy = seed.policies['check-image-notary.yaml']!
    .replace('              kinds:\n                - Pod\n', '              kinds:\n                - Pod\n              namespaceSelector:\n                matchLabels: {verify: "true"}\n')
    .replace('      verifyImages:', '      exclude:\n        any:\n          - clusterRoles: [cluster-admin]\n      verifyImages:');
  writeFileSync(join(suite, 'check-image-notary.yaml'), policy);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const test = (...args: string[]) => notaryGate(['test', '--insecure-registry', registry.host, ...args]);

describe('notary-gate test', () => {
  it('runs a kyverno-test.yaml suite unchanged and prints Kyverno\'s lines and summary', async () => {
    const run = await test(join(dir, 'suites'));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const file = join(dir, 'suites', 'notary', 'kyverno-test.yaml');
    expect(run.stdout).toContain(
      `Loading test notary-suite ( ${file} ) ...\n  Loading values/variables ...\n  Loading user infos ...\n  Loading policies ...\n  Loading resources ...\n  Loading exceptions ...\n` +
        '  Applying 1 policy to 4 resources with 1 exception ...\n  Checking results ...\n',
    );
    expect(run.stdout).toMatch(/│ ID │ POLICY +│ RULE +│ RESOURCE +│ RESULT │ REASON +│/);
    expect(run.stdout).toContain('v1/Pod/default/signed');
    expect(run.stdout).toContain('apps/v1/Deployment/team-a/web');
    // Two responses (mutating and validating phase) per expectation.
    expect(run.stdout.endsWith('\nTest Summary: 8 tests passed and 0 tests failed\n')).toBe(true);
  });

  it('compares an expected fail honestly (Kyverno would score it Pass) and exits 1', async () => {
    const suite = join(dir, 'suites', 'notary', 'kyverno-test.yaml');
    const broken = join(dir, 'broken');
    cpSync(join(dir, 'suites', 'notary'), broken, { recursive: true });
    writeFileSync(join(broken, 'kyverno-test.yaml'), readFileSync(suite, 'utf8').replace('    resources: [signed]\n    kind: Pod\n    result: pass', '    resources: [signed]\n    kind: Pod\n    result: fail'));
    const run = await test(broken);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/│ Fail +│ Want fail, got pass/);
    expect(run.stdout.endsWith('\nTest Summary: 6 tests passed and 2 tests failed\n')).toBe(true);
    expect(run.stderr).toBe('Error: 2 tests failed\n');
  });

  it('reads test files strictly: an unknown key is refused with its path', async () => {
    const strict = join(dir, 'strict');
    cpSync(join(dir, 'suites', 'notary'), strict, { recursive: true });
    writeFileSync(join(strict, 'kyverno-test.yaml'), readFileSync(join(strict, 'kyverno-test.yaml'), 'utf8').replace('    result: skip', '    result: skip\n    reslt: pass'));
    const run = await test(strict);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`Error: ${join(strict, 'kyverno-test.yaml')}: results[2].reslt: unknown field "reslt" (strict decoding, as Kyverno's CLI)\n`);
  });
});
