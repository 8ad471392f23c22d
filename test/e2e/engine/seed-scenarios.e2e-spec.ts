/**
 * Every scenario of the seed, end to end in-process: the engine, the worker
 * functions, a real registry holding the seed's images (built by our signer).
 */
import { RegistryClient } from '@notary-gate/oci';
import { parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import { evaluateAdmission, type Verdict } from '@notary-gate/engine';
import { applyPatch } from '@notary-gate/admission';
import { createWorkers, type Workers } from '@notary-gate/workers';
import { startRegistry, type TestRegistry } from '../../support/registry';
import { buildSeedImages, type SeedImages } from '../../fixtures/seed-images';
import { configMapsFromYaml, deploymentRequest, podRequest } from '../../support/admission';

let registry: TestRegistry;
let client: RegistryClient;
let seed: SeedImages;
let workers: Workers;

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ insecureRegistries: [registry.host] });
  seed = await buildSeedImages(registry.host, client);
  workers = createWorkers({ registry: client });
}, 120_000);

afterAll(async () => {
  await workers?.close();
  await registry?.stop();
});

const policy = (file: string, edit: (yaml: string) => string = (yaml) => yaml): Policy[] =>
  parsePolicyDocuments(edit(seed.policies[file]!), file).policies;

const admit = (request: ReturnType<typeof podRequest>, policies: Policy[]): Promise<Verdict> =>
  evaluateAdmission(request, policies, { jobs: workers.port(), configMaps: configMapsFromYaml(seed.configMapYaml) });

const image = (tag: string) => `${registry.host}/kyverno/test-verify-image:${tag}`;

describe('seed §3: check-image-notary', () => {
  it('allows the signed pod and pins its tag to the verified digest', async () => {
    const verdict = await admit(podRequest(image('signed')), policy('check-image-notary.yaml'));
    expect(verdict.message).toBeNull();
    expect(verdict.allowed).toBe(true);
    const digest = seed.images.signed.digest;
    expect(verdict.patch).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${image('signed')}@${digest}` });
    const mutated = applyPatch(podRequest(image('signed')).object!, verdict.patch) as { metadata: { annotations: Record<string, string> } };
    expect(JSON.parse(mutated.metadata.annotations['kyverno.io/verify-images']!)).toEqual({ [`${seed.repository}@${digest}`]: 'pass' });
    expect(verdict.results).toEqual([
      { policy: 'check-image-notary', identity: { kind: 'ClusterPolicy', name: 'check-image-notary' }, rule: 'verify-signature-notary', status: 'pass', message: `verified image signatures for ${image('signed')}`, image: `${seed.repository}@${digest}`, warn: false },
    ]);
  });

  it('denies the unsigned pod with the seed message, character for character', async () => {
    const verdict = await admit(podRequest(image('unsigned')), policy('check-image-notary.yaml'));
    const digest = seed.images.unsigned.digest;
    const artifact = `${seed.repository}@${digest}`;
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toBe(
      '\n\nresource Pod/default/test was blocked due to the following policies \n\n' +
        'check-image-notary:\n' +
        `  verify-signature-notary: 'failed to verify image ${image('unsigned')}: .attestors[0].entries[0]: failed to verify ${artifact}: ` +
        `no signature is associated with "${artifact}", make sure the image was signed successfully'\n`,
    );
  });

  it('denies an image signed by a certificate the policy does not trust', async () => {
    const verdict = await admit(podRequest(image('wrong-signer')), policy('check-image-notary.yaml'));
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toContain(`  verify-signature-notary: |-\n    failed to verify image ${image('wrong-signer')}: .attestors[0].entries[0]: failed to verify ${seed.repository}@${seed.images['wrong-signer'].digest}: signature verification failed\n    failed to verify signature with digest sha256:`);
    expect(verdict.message).toContain(", the signature's certificate chain does not contain any trusted certificate\n");
  });

  it('Audit mode allows the unsigned pod with a warning and records the failure', async () => {
    const audit = policy('check-image-notary.yaml', (yaml) => yaml.replace('failureAction: Enforce', 'failureAction: Audit\n          mutateDigest: false'));
    const verdict = await admit(podRequest(image('unsigned')), audit);
    expect(verdict.allowed).toBe(true);
    expect(verdict.warnings).toHaveLength(1);
    expect(verdict.warnings[0]).toMatch(/^policy check-image-notary\.verify-signature-notary: failed to verify image .*no signature is associated with/);
    expect(verdict.patch.find((op) => op.path === '/spec/containers/0/image')).toBeUndefined();
    expect(verdict.patch.find((op) => op.path === '/metadata/annotations/kyverno.io~1verify-images')?.value).toBe(`{"${image('unsigned')}":"fail"}`);
  });

  it('covers a Deployment through the autogen rule', async () => {
    const allowed = await admit(deploymentRequest(image('signed')), policy('check-image-notary.yaml'));
    expect(allowed.allowed).toBe(true);
    expect(allowed.patch).toContainEqual({ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${image('signed')}@${seed.images.signed.digest}` });
    const denied = await admit(deploymentRequest(image('unsigned')), policy('check-image-notary.yaml'));
    expect(denied.allowed).toBe(false);
    expect(denied.message).toContain('resource Deployment/default/web was blocked due to the following policies');
    expect(denied.message).toContain('  autogen-verify-signature-notary: ');
  });

  it("takes the certificate from a ConfigMap through a variable, as Kyverno's conformance test does", async () => {
    const fromConfigMap = policy('check-image-notary.yaml', (yaml) =>
      yaml
        .replace(/cert: \|-\n(?:\s+.*\n)*?\s+-----END CERTIFICATE-----/, "cert: '{{ keys.data.certificate }}'")
        .replace('      verifyImages:', '      context:\n        - name: keys\n          configMap:\n            name: keys\n            namespace: kyverno\n      verifyImages:'),
    );
    expect(fromConfigMap[0]!.rules[0]!.verifyImages[0]!.attestors[0]!.entries[0]!.certificates!.cert).toBe('{{ keys.data.certificate }}');
    expect((await admit(podRequest(image('signed')), fromConfigMap)).allowed).toBe(true);
    expect((await admit(podRequest(image('wrong-signer')), fromConfigMap)).allowed).toBe(false);
  });

  it('leaves images outside imageReferences alone', async () => {
    const verdict = await admit(podRequest(`${registry.host}/other/app:1`), policy('check-image-notary.yaml'));
    expect(verdict).toEqual({ allowed: true, message: null, patch: [], warnings: [], results: [] });
  });
});

describe('seed §4: check-image-sbom-license', () => {
  it('passes for a GPL-3.0 SBOM signed with the certificate', async () => {
    const verdict = await admit(podRequest(image('signed')), policy('check-image-sbom-license.yaml'));
    expect(verdict.results.map((r) => [r.status, r.message])).toEqual([['pass', `verified image attestations for ${seed.repository}@${seed.images.signed.digest}`]]);
    expect(verdict.allowed).toBe(true);
  });

  it('fails when a component carries another license', async () => {
    const verdict = await admit(podRequest(image('mit')), policy('check-image-sbom-license.yaml'));
    expect(verdict.allowed).toBe(false);
    const digestForm = `${seed.repository}@${seed.images.mit.digest}`;
    expect(verdict.results[0]!.message).toBe(
      `image attestations verification failed, verifiedCount: 0, requiredCount: 1, error: .attestations[0].attestors[0].entries[0]: attestation checks failed for ${digestForm} and predicate sbom/cyclone-dx: `,
    );
  });

  it('is a rule error when the context ConfigMap is missing', async () => {
    const verdict = await evaluateAdmission(podRequest(image('signed')), policy('check-image-sbom-license.yaml'), {
      jobs: workers.port(),
      configMaps: configMapsFromYaml(),
    });
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]).toMatchObject({
      status: 'error',
      message: 'failed to load context: failed to retrieve config map for context entry keys: configmaps "keys" not found in namespace "kyverno"',
    });
  });
});

describe('seed §5: check-image-trivy-vex', () => {
  it('passes when every trivy vulnerability is in the VEX', async () => {
    const verdict = await admit(podRequest(image('signed')), policy('check-image-trivy-vex.yaml'));
    expect(verdict.results.map((r) => r.status)).toEqual(['pass']);
    expect(verdict.results[0]!.message).toBe('verifyImages validation is passed in verify-attestation-notary rule');
    expect(verdict.allowed).toBe(true);
  });

  it('denies when trivy reports a vulnerability the VEX does not', async () => {
    const verdict = await admit(podRequest(image('vex-gap')), policy('check-image-trivy-vex.yaml'));
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]!.message).toBe('validation in verifyImages failed: All vulnerabilities in trivy and vex should be same');
    expect(verdict.message).toContain("check-image-attestation:\n  verify-attestation-notary: 'validation in verifyImages failed: All vulnerabilities in trivy and vex should be same'\n");
  });
});
