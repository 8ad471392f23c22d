/** `notary-gate apply`: Kyverno CLI's apply over the seed's images in a real registry. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '@notary-gate/oci';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { buildSeedImages, type SeedImages } from '../../fixtures/seed-images';
import { notaryGate } from './cli-harness';

let registry: TestRegistry;
let client: RegistryClient;
let seed: SeedImages;
let dir: string;

const pod = (tag: string, name = 'test') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  containers:\n    - name: ${name}\n      image: ${registry.host}/kyverno/test-verify-image:${tag}\n`;

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ insecureRegistries: [registry.host] });
  seed = await buildSeedImages(registry.host, client);
  dir = mkdtempSync(join(tmpdir(), 'ng-apply-'));
  for (const [file, yaml] of Object.entries(seed.policies)) writeFileSync(join(dir, file), yaml);
  writeFileSync(join(dir, 'keys.configmap.yml'), seed.configMapYaml);
  writeFileSync(join(dir, 'signed.pod.yml'), pod('signed'));
  writeFileSync(join(dir, 'unsigned.pod.yml'), pod('unsigned'));
  writeFileSync(join(dir, 'both.pods.yml'), `${pod('signed', 'a')}---\n${pod('unsigned', 'b')}`);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const apply = (...args: string[]) => notaryGate(['apply', '--insecure-registry', registry.host, ...args]);

describe('notary-gate apply', () => {
  it('allows the signed pod under all three seed policies and prints the digest patch (-o json)', async () => {
    const run = await apply('--policy', join(dir, 'check-image-notary.yaml'), '--policy', join(dir, 'check-image-sbom-license.yaml'), '--policy', join(dir, 'check-image-trivy-vex.yaml'), '--configmap', join(dir, 'keys.configmap.yml'), '--resource', join(dir, 'signed.pod.yml'), '-o', 'json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.allowed).toBe(true);
    expect(result.message).toBeNull();
    expect(result.patch).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${registry.host}/kyverno/test-verify-image:signed@${seed.images.signed.digest}` });
    expect(result.results.map((r: { policy: string; status: string }) => [r.policy, r.status])).toEqual([
      ['check-image-notary', 'pass'],
      ['check-image-attestation', 'pass'],
      ['check-image-attestation', 'pass'],
    ]);
  });

  it('denies the unsigned pod with Kyverno\'s message and exits 1', async () => {
    const run = await apply('--policy', join(dir, 'check-image-notary.yaml'), '--resource', join(dir, 'unsigned.pod.yml'), '-o', 'json');
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    const artifact = `${seed.repository}@${seed.images.unsigned.digest}`;
    expect(result.allowed).toBe(false);
    expect(result.patch).toEqual([]);
    expect(result.message).toBe(
      `\n\nresource Pod/default/test was blocked due to the following policies \n\ncheck-image-notary:\n  verify-signature-notary: 'failed to verify image ${registry.host}/kyverno/test-verify-image:unsigned: .attestors[0].entries[0]: failed to verify ${artifact}: no signature is associated with "${artifact}", make sure the image was signed successfully'\n`,
    );
    expect(result.results).toEqual([{ policy: 'check-image-notary', rule: 'verify-signature-notary', status: 'fail', message: expect.stringContaining('no signature is associated with') }]);
  });

  it('prints a list for several resources and reads a policy directory (text output)', async () => {
    const json = await apply('--policy', join(dir, 'check-image-notary.yaml'), '--resource', join(dir, 'both.pods.yml'), '-o', 'json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).map((r: { allowed: boolean }) => r.allowed)).toEqual([true, false]);
    const text = await apply('--policy', dir, '--resource', join(dir, 'signed.pod.yml'));
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('resource Pod/default/test (');
    expect(text.stdout).toContain('check-image-notary/verify-signature-notary: pass: verified image signatures for');
    expect(text.stdout).toContain('verdict: allowed with');
  });

  it('rejects a malformed policy at load with file, path and reason (exit 2, one line)', async () => {
    const bad = join(dir, 'bad-operator.yaml');
    writeFileSync(bad, seed.policies['check-image-sbom-license.yaml']!.replace('operator: AllIn', 'operator: AllOf'));
    const run = await apply('--policy', bad, '--resource', join(dir, 'signed.pod.yml'));
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`Error: ${bad}: spec.rules[0].verifyImages[0].attestations[0].conditions[0].all[0].operator: unknown operator "AllOf"\n`);
    rmSync(bad);
  });

  it('rejects bad resources and flags as usage errors', async () => {
    const noKind = join(dir, 'no-kind.yml');
    writeFileSync(noKind, 'apiVersion: v1\nmetadata: {name: x}\n');
    const run = await apply('--policy', join(dir, 'check-image-notary.yaml'), '--resource', noKind);
    expect(run).toMatchObject({ status: 2, stderr: `Error: ${noKind}: document 1: kind: is required\n` });
    expect((await apply('--resource', noKind)).stderr).toBe('Error: at least one --policy is required\n');
    expect((await apply('--policy', join(dir, 'nope.yaml'), '--resource', noKind)).status).toBe(2);
    rmSync(noKind);
  });
});
