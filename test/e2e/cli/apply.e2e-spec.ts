/**
 * `notary-gate apply` in the Kyverno CLI's dialect, over the seed's images in
 * a real registry: positional policies, -r, -u UserInfo (roles taken
 * literally), -f Values (namespace labels), -e PolicyExceptions, Kyverno's
 * text (header, failure blocks, summary line) and a JSON array.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RegistryClient } from '@notary-gate/oci';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { buildSeedImages, type SeedImages } from '../../fixtures/seed-images';
import { notaryGate } from './cli-harness';

let registry: TestRegistry;
let client: RegistryClient;
let seed: SeedImages;
let dir: string;

const pod = (tag: string, name = 'test', namespace?: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}spec:\n  containers:\n    - name: ${name}\n      image: ${registry.host}/kyverno/test-verify-image:${tag}\n`;

const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ insecureRegistries: [registry.host] });
  seed = await buildSeedImages(registry.host, client);
  dir = mkdtempSync(join(tmpdir(), 'ng-apply-'));
  for (const [name, yaml] of Object.entries(seed.policies)) file(name, yaml);
  file('keys.configmap.yml', seed.configMapYaml);
  file('signed.pod.yml', pod('signed', 'test', 'default'));
  file('unsigned.pod.yml', pod('unsigned', 'test', 'default'));
  file('both.pods.yml', `${pod('signed', 'a')}---\n${pod('unsigned', 'b')}`);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const apply = (...args: string[]) => notaryGate(['apply', '--insecure-registry', registry.host, ...args]);
const notary = () => join(dir, 'check-image-notary.yaml');
const summary = (pass: number, fail: number, skip = 0) => `\npass: ${pass}, fail: ${fail}, warn: 0, error: 0, skip: ${skip} \n`;
/** The seed's notary policy with an edit to its single rule. */
const notaryWith = (name: string, edit: (yaml: string) => string) => file(name, edit(seed.policies['check-image-notary.yaml']!));

describe('notary-gate apply (kyverno dialect)', () => {
  it('allows the signed pod under all three seed policies; -o json is an array with both phases and the digest patch', async () => {
    const run = await apply(notary(), join(dir, 'check-image-sbom-license.yaml'), join(dir, 'check-image-trivy-vex.yaml'), '--configmap', join(dir, 'keys.configmap.yml'), '-r', join(dir, 'signed.pod.yml'), '-o', 'json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const documents = JSON.parse(run.stdout);
    expect(Array.isArray(documents)).toBe(true);
    expect(documents).toHaveLength(1);
    const [result] = documents;
    expect(result).toMatchObject({ resource: { kind: 'Pod', namespace: 'default', name: 'test' }, allowed: true, message: null });
    expect(result.patch).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${registry.host}/kyverno/test-verify-image:signed@${seed.images.signed.digest}` });
    expect(result.results.map((r: { policy: string; phase: string; status: string }) => [r.policy, r.phase, r.status])).toEqual([
      ['check-image-notary', 'mutate', 'pass'],
      ['check-image-attestation', 'mutate', 'pass'],
      ['check-image-attestation', 'mutate', 'pass'],
      ['check-image-notary', 'validate', 'pass'],
      ['check-image-attestation', 'validate', 'pass'],
      ['check-image-attestation', 'validate', 'pass'],
    ]);
  });

  it('prints Kyverno\'s header, failure blocks and summary line, and exits 1 on a failure', async () => {
    const run = await apply(notary(), '-r', join(dir, 'both.pods.yml'));
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('Error: exit as there are policy violations\n');
    const artifact = `${seed.repository}@${seed.images.unsigned.digest}`;
    const unsigned = `${registry.host}/kyverno/test-verify-image:unsigned`;
    expect(run.stdout).toBe(
      '\nApplying 3 policy rule(s) to 2 resource(s)...\n' +
        'policy check-image-notary -> resource default/Pod/b failed:\n' +
        `1 - verify-signature-notary failed to verify image ${unsigned}: .attestors[0].entries[0]: failed to verify ${artifact}: no signature is associated with "${artifact}", make sure the image was signed successfully\n\n` +
        'policy check-image-notary -> resource default/Pod/b failed:\n' +
        `1 - verify-signature-notary missing digest for ${unsigned}\n\n` +
        summary(2, 2),
    );
    // A resource without a namespace is in `default`; JSON is an array for several resources too.
    const json = JSON.parse((await apply(notary(), '--resource', join(dir, 'both.pods.yml'), '-o', 'json')).stdout);
    expect(json.map((r: { allowed: boolean; resource: { namespace: string } }) => [r.resource.namespace, r.allowed])).toEqual([
      ['default', true],
      ['default', false],
    ]);
  });

  it('--policy and directories are accepted as before; Kyverno\'s denial message stays in the JSON document', async () => {
    const run = await apply('--policy', notary(), '-r', join(dir, 'unsigned.pod.yml'), '-o', 'json');
    expect(run.status).toBe(1);
    const [result] = JSON.parse(run.stdout);
    expect(result.message).toMatch(/^\n\nresource Pod\/default\/test was blocked due to the following policies \n\ncheck-image-notary:\n {2}verify-signature-notary: 'failed to verify image/);
  });

  it('-u UserInfo: an exclude on clusterRoles excludes the requester whose roles (taken literally) hold it', async () => {
    const excluding = notaryWith('exclude-admins.yaml', (yaml) => yaml.replace('      verifyImages:', '      exclude:\n        any:\n          - clusterRoles: [cluster-admin]\n      verifyImages:'));
    const admin = file('admin.userinfo.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: UserInfo\nmetadata: {name: admin}\nclusterRoles: [cluster-admin]\nuserInfo:\n  username: root\n');
    const dev = file('dev.userinfo.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: UserInfo\nmetadata: {name: dev}\nroles: ["default:editor"]\nuserInfo:\n  username: alice\n  groups: [dev]\n');
    expect(await apply(excluding, '-r', join(dir, 'unsigned.pod.yml'), '-u', admin)).toMatchObject({ status: 0, stdout: '\nApplying 3 policy rule(s) to 1 resource(s)...\n' + summary(0, 0) });
    expect((await apply(excluding, '-r', join(dir, 'unsigned.pod.yml'), '-u', dev)).status).toBe(1);
    // Without --userinfo there is no user: exclude roles never exclude (Kyverno's CLI).
    expect((await apply(excluding, '-r', join(dir, 'unsigned.pod.yml'))).status).toBe(1);
    // Strict: an unknown key is refused, naming the file and the field.
    const typo = file('typo.userinfo.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: UserInfo\nclusterRole: [cluster-admin]\n');
    expect(await apply(excluding, '-r', join(dir, 'unsigned.pod.yml'), '-u', typo)).toMatchObject({
      status: 2,
      stderr: `Error: ${typo}: clusterRole: unknown field "clusterRole" (strict decoding, as Kyverno's CLI)\n`,
    });
  });

  it('-f Values: namespaceSelector labels per namespace decide a match namespaceSelector', async () => {
    const selective = notaryWith('selective.yaml', (yaml) => yaml.replace('              kinds:\n                - Pod\n', '              kinds:\n                - Pod\n              namespaceSelector:\n                matchLabels: {verify: "true"}\n'));
    file('team.pods.yml', `${pod('unsigned', 'x', 'strict')}---\n${pod('unsigned', 'y', 'lax')}`);
    const values = file('values.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\nnamespaceSelector:\n  - name: strict\n    labels: {verify: "true"}\n  - name: lax\n    labels: {verify: "false"}\n');
    const run = await apply(selective, '-r', join(dir, 'team.pods.yml'), '-f', values, '-o', 'json');
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).map((r: { resource: { name: string }; allowed: boolean }) => [r.resource.name, r.allowed])).toEqual([
      ['x', false],
      ['y', true],
    ]);
    // `namespaces` objects win over namespaceSelector for the same name.
    const override = file('values-ns.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\nnamespaceSelector:\n  - name: strict\n    labels: {verify: "true"}\nnamespaces:\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: strict, labels: {verify: "no"}}\n');
    expect((await apply(selective, '-r', join(dir, 'team.pods.yml'), '-f', override)).status).toBe(0);
  });

  it('-e PolicyException: the rule is skipped with Kyverno\'s message, whatever the exception\'s namespace', async () => {
    const exception = file(
      'exception.yaml',
      'apiVersion: kyverno.io/v2\nkind: PolicyException\nmetadata: {name: allow-test, namespace: delta}\nspec:\n  exceptions:\n    - policyName: check-image-notary\n      ruleNames: [verify-signature-notary]\n  match:\n    any:\n      - resources: {kinds: [Pod], names: [test]}\n',
    );
    const run = await apply(notary(), '-r', join(dir, 'unsigned.pod.yml'), '-e', exception);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('\nApplying 3 policy rule(s) to 1 resource(s) with 1 exception(s)...\n' + summary(0, 0, 2));
    const json = JSON.parse((await apply(notary(), '-r', join(dir, 'unsigned.pod.yml'), '--exception', exception, '-o', 'json')).stdout);
    expect(json[0].results.map((r: { status: string; message: string }) => [r.status, r.message])).toEqual([
      ['skip', 'rule is skipped due to policy exceptionsdelta/allow-test'],
      ['skip', 'rule is skipped due to policy exceptionsdelta/allow-test'],
    ]);
  });

  it('prints policy warnings and rules it does not run on stderr', async () => {
    const mixed = notaryWith('mixed.yaml', (yaml) =>
      yaml.replace('  rules:\n', '  rules:\n    - name: require-labels\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      validate:\n        message: labels\n        pattern: {metadata: {labels: {app: "?*"}}}\n'),
    );
    const run = await apply(mixed, '-r', join(dir, 'signed.pod.yml'));
    expect(run.stderr).toContain('policy check-image-notary: rule require-labels is not a verifyImages rule: not run by notary-gate (Kyverno runs it)\n');
    expect(run.stdout).toContain('Applying 4 policy rule(s) to 1 resource(s)...');
  });

  it('-r - reads the resources from stdin (the CLI as a process)', async () => {
    const child = spawn(process.execPath, ['-r', join(__dirname, 'swc-register.js'), resolve(__dirname, '../../../apps/cli/src/main.ts'), 'apply', notary(), '-r', '-', '--insecure-registry', registry.host], {
      env: { PATH: process.env['PATH'], HOME: dir },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end(`${pod('signed', 'a')}---\n${pod('unsigned', 'b')}`);
    const status = await new Promise<number | null>((done) => child.on('close', done));
    expect(status).toBe(1);
    expect(stdout).toMatch(/^\nApplying 3 policy rule\(s\) to 2 resource\(s\)\.\.\.\npolicy check-image-notary -> resource default\/Pod\/b failed:\n/);
    expect(stdout.endsWith(summary(2, 2))).toBe(true);
  });

  it('refuses a PolicyException among the policies (Kyverno\'s CLI reads exceptions only from --exception)', async () => {
    const bundled = file('bundled.yaml', `${seed.policies['check-image-notary.yaml']!}\n---\napiVersion: kyverno.io/v2\nkind: PolicyException\nmetadata: {name: sneaky, namespace: kyverno}\nspec:\n  exceptions: [{policyName: check-image-notary, ruleNames: ['*']}]\n  match: {any: [{resources: {kinds: [Pod]}}]}\n`);
    expect(await apply(bundled, '-r', join(dir, 'unsigned.pod.yml'))).toMatchObject({
      status: 2,
      stderr: `Error: ${bundled}: PolicyException kyverno/sneaky among the policies: give exceptions with --exception (Kyverno's CLI does not read them from policy files)\n`,
    });
  });

  it('rejects a malformed policy at load with file, path and reason (exit 2, one line)', async () => {
    const bad = file('bad-operator.yaml', seed.policies['check-image-sbom-license.yaml']!.replace('operator: AllIn', 'operator: AllOf'));
    const run = await apply(bad, '-r', join(dir, 'signed.pod.yml'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^Error: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: spec\\.rules\\[0\\]\\.verifyImages\\[0\\]\\.attestations\\[0\\]\\.conditions\\[0\\]\\.all\\[0\\]\\.operator: .*AllOf`));
    rmSync(bad);
  });

  it('rejects bad resources and flags as usage errors', async () => {
    const noKind = file('no-kind.yml', 'apiVersion: v1\nmetadata: {name: x}\n');
    expect(await apply(notary(), '-r', noKind)).toMatchObject({ status: 2, stderr: `Error: ${noKind}: document 1: kind: is required\n` });
    expect((await apply('-r', noKind)).stderr).toBe('Error: at least one policy is required (positional arguments or --policy)\n');
    expect((await apply(join(dir, 'nope.yaml'), '-r', noKind)).status).toBe(2);
    const values = file('bad-values.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\nnamespaceSelectors: []\n');
    expect((await apply(notary(), '-r', join(dir, 'signed.pod.yml'), '-f', values)).stderr).toBe(`Error: ${values}: namespaceSelectors: unknown field "namespaceSelectors" (strict decoding, as Kyverno's CLI)\n`);
    rmSync(noKind);
  });
});
