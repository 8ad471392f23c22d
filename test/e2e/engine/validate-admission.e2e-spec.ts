/**
 * The validating phase end to end in-process: validateAdmission verifying
 * `required` images again through the real worker functions (with the shared
 * verdict cache) against a real registry holding the seed's images. A forged
 * `kyverno.io/verify-images-scoped` annotation admits nothing (kyverno#16336),
 * and an image the mutating phase just verified costs no registry request.
 */
import { applyPatch, type AdmissionRequest } from '@notary-gate/admission';
import { MemoryCacheStore } from '@notary-gate/cache';
import { evaluateAdmission, validateAdmission, type Verdict } from '@notary-gate/engine';
import { RegistryClient } from '@notary-gate/oci';
import { parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import { createWorkers, type Workers } from '@notary-gate/workers';
import { buildSeedImages, type SeedImages } from '../../fixtures/seed-images';
import { configMapsFromYaml, podRequest } from '../../support/admission';
import { freePort, startRegistry, type TestRegistry } from '../../support/registry';

let registry: TestRegistry;
let seed: SeedImages;
let workers: Workers;

beforeAll(async () => {
  registry = await startRegistry();
  const client = new RegistryClient({ insecureRegistries: [registry.host] });
  seed = await buildSeedImages(registry.host, client);
  workers = createWorkers({ registry: client, cache: new MemoryCacheStore() });
}, 120_000);

afterAll(async () => {
  await workers?.close();
  await registry?.stop();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
const policy = (file: string): Policy[] => parsePolicyDocuments(seed.policies[file]!, file).policies;
const options = () => ({ jobs: workers.port(), configMaps: configMapsFromYaml(seed.configMapYaml) });
const image = (tag: string) => `${registry.host}/kyverno/test-verify-image:${tag}`;
const pinned = (tag: keyof SeedImages['images']) => `${image(tag)}@${seed.images[tag].digest}`;
const artifact = (tag: keyof SeedImages['images']) => `${seed.repository}@${seed.images[tag].digest}`;

function withAnnotations(request: AdmissionRequest, annotations: Record<string, string>): AdmissionRequest {
  const object = request.object!;
  return { ...request, object: { ...object, metadata: { ...object.metadata, annotations } } };
}

/** What a client writes to pass Kyverno's validating check without the mutating webhook. */
const forgedPass = (tag: keyof SeedImages['images'], policyName: string, rule: string) => ({
  'kyverno.io/verify-images': JSON.stringify({ [artifact(tag)]: 'pass' }),
  'kyverno.io/verify-images-scoped': JSON.stringify({ version: 1, policies: { [`/${policyName}`]: { [rule]: { [artifact(tag)]: 'pass' } } } }),
});

const validate = (request: AdmissionRequest, policies: Policy[]): Promise<Verdict> => validateAdmission(request, policies, options());

describe('validateAdmission against the real workers (seed check-image-notary)', () => {
  it('passes the pod as the mutating phase pinned it, from cached verdicts: no registry request', async () => {
    const request = podRequest(image('signed'));
    const mutation = await evaluateAdmission(request, policy('check-image-notary.yaml'), options());
    expect(mutation.allowed).toBe(true);
    const mutated = { ...request, object: applyPatch(request.object!, mutation.patch) };
    await settle();
    // The mutating phase went to the registry (the access log counts); the validating phase need not.
    expect(registry.requests().length).toBeGreaterThan(0);
    registry.clearRequests();
    const verdict = await validate(mutated, policy('check-image-notary.yaml'));
    expect(verdict).toMatchObject({ allowed: true, message: null, warnings: [] });
    expect(verdict.results).toEqual([{ policy: 'check-image-notary', identity: { kind: 'ClusterPolicy', name: 'check-image-notary' }, rule: 'verify-signature-notary', status: 'pass', message: 'image verified', warn: false }]);
    await settle();
    expect(registry.requests()).toEqual([]);
  });

  it('passes a signed pinned image that carries no annotation: it is verified, not looked up', async () => {
    const verdict = await validate(podRequest(pinned('signed')), policy('check-image-notary.yaml'));
    expect(verdict.allowed).toBe(true);
  });

  it('denies an unsigned pinned image whose annotations forge a pass, with notation\'s reason', async () => {
    const forged = withAnnotations(podRequest(pinned('unsigned')), forgedPass('unsigned', 'check-image-notary', 'verify-signature-notary'));
    const verdict = await validate(forged, policy('check-image-notary.yaml'));
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]).toMatchObject({
      status: 'fail',
      message:
        `unverified image ${artifact('unsigned')}; .attestors[0].entries[0]: failed to verify ${artifact('unsigned')}: ` +
        `no signature is associated with "${artifact('unsigned')}", make sure the image was signed successfully; the annotation recording it as verified was not trusted`,
    });
  });

  it('denies a pinned image signed by a certificate the policy does not trust', async () => {
    const forged = withAnnotations(podRequest(pinned('wrong-signer')), forgedPass('wrong-signer', 'check-image-notary', 'verify-signature-notary'));
    const verdict = await validate(forged, policy('check-image-notary.yaml'));
    expect(verdict.allowed).toBe(false);
    const message = verdict.results[0]!.message;
    expect(message.slice(0, message.indexOf('\n'))).toBe(`unverified image ${artifact('wrong-signer')}; .attestors[0].entries[0]: failed to verify ${artifact('wrong-signer')}: signature verification failed`);
    expect(message).toContain("the signature's certificate chain does not contain any trusted certificate; the annotation recording it as verified was not trusted");
  });

  it('denies an unpinned image: missing digest for <img>', async () => {
    const verdict = await validate(podRequest(image('signed')), policy('check-image-notary.yaml'));
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]!.message).toBe(`missing digest for ${image('signed')}`);
  });
});

describe('validateAdmission against the real workers (seed check-image-sbom-license: attestations, ConfigMap context)', () => {
  it('passes the pinned signed image, whose SBOM satisfies the conditions', async () => {
    expect((await validate(podRequest(pinned('signed')), policy('check-image-sbom-license.yaml'))).allowed).toBe(true);
  });

  it('denies the pinned MIT image despite a forged pass, with the attestation failure', async () => {
    const [sbom] = policy('check-image-sbom-license.yaml');
    const forged = withAnnotations(podRequest(pinned('mit')), forgedPass('mit', sbom!.name, sbom!.rules[0]!.name));
    const verdict = await validate(forged, [sbom!]);
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]!.message).toContain(`unverified image ${artifact('mit')}; image attestations verification failed, verifiedCount: 0, requiredCount: 1`);
    expect(verdict.results[0]!.message).toMatch(/; the annotation recording it as verified was not trusted$/);
  });
});

describe('failurePolicy Ignore means one thing in both phases (a registry that does not answer)', () => {
  it('the mutating phase admits the image unpinned with a warning, and the validating phase admits it too, naming the outage', async () => {
    // A loopback port with nothing listening: connection refused, an inconclusive verification.
    const down = await freePort();
    const yaml = seed.policies['check-image-notary.yaml']!.split(registry.host).join(`127.0.0.1:${down}`).replace('failurePolicy: Fail', 'failurePolicy: Ignore');
    const ignore = parsePolicyDocuments(yaml, 'ignore.yaml').policies;
    const outage = createWorkers({ registry: new RegistryClient({ insecureRegistries: [`127.0.0.1:${down}`], retry: { attempts: 1 } }), cache: new MemoryCacheStore() });
    try {
      const request = podRequest(`127.0.0.1:${down}/kyverno/test-verify-image:signed`);
      const options = { jobs: outage.port(), configMaps: configMapsFromYaml(seed.configMapYaml) };
      const mutation = await evaluateAdmission(request, ignore, options);
      expect(mutation.allowed).toBe(true);
      expect(mutation.patch.find((operation) => operation.path.endsWith('/image'))).toBeUndefined();
      expect(mutation.warnings[0]).toMatch(/^policy check-image-notary\.verify-signature-notary: failed to verify image 127\.0\.0\.1:\d+\/kyverno\/test-verify-image:signed: /);
      const mutated = { ...request, object: applyPatch(request.object!, mutation.patch) };
      const verdict = await validateAdmission(mutated, ignore, options);
      expect(verdict).toMatchObject({ allowed: true, message: null });
      expect(verdict.results[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/^missing digest for 127\.0\.0\.1:\d+\/kyverno\/test-verify-image:signed; /) });
      expect(verdict.warnings).toHaveLength(1);
      // The same outage under failurePolicy Fail: both phases deny.
      const fail = parsePolicyDocuments(yaml.replace('failurePolicy: Ignore', 'failurePolicy: Fail'), 'fail.yaml').policies;
      expect((await evaluateAdmission(request, fail, options)).allowed).toBe(false);
      expect((await validateAdmission(mutated, fail, options)).allowed).toBe(false);
    } finally {
      await outage.close();
    }
  }, 60_000);
});
