/**
 * The validating phase (kyverno-notary-spec §3.5): digests and the recorded
 * verification status, read back from what the mutating phase wrote.
 */
import type { AdmissionRequest } from '@notary-gate/admission';
import { applyPatch } from '@notary-gate/admission';
import type { JobsPort } from '@notary-gate/contracts';
import { parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import { evaluateAdmission } from './evaluate-admission';
import { validateAdmission } from './validate-admission';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const TAGGED = 'registry.test/team/app:1.0';
const PINNED = `${TAGGED}@${DIGEST}`;
const IMAGE_STRING = `registry.test/team/app@${DIGEST}`;

function pod(images: string[], annotations?: Record<string, string>, name = 'test'): AdmissionRequest {
  return {
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    name,
    namespace: 'default',
    operation: 'CREATE',
    object: {
      kind: 'Pod',
      metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
      spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
    },
    oldObject: null,
  };
}

function policies(options: { name?: string; entry?: string; spec?: string; rule?: string } = {}): Policy[] {
  const yaml = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ${options.name ?? 'check-image-notary'}}
spec:
${options.spec ?? ''}  rules:
    - name: verify-signature-notary
      match: {any: [{resources: {kinds: [Pod]}}]}
${options.rule ?? ''}      verifyImages:
        - type: Notary
          imageReferences: ['registry.test/*']
          skipImageReferences: ['registry.test/skipped/*']
          failureAction: ${options.spec?.includes('Audit') ? 'Audit' : 'Enforce'}
${options.entry ?? ''}          attestors:
            - entries:
                - certificates: {cert: 'good'}
`;
  return parsePolicyDocuments(yaml, 'p.yaml').policies;
}

const scoped = (policies: Record<string, Record<string, Record<string, string>>>) => ({
  'kyverno.io/verify-images-scoped': JSON.stringify({ version: 1, policies }),
});
const passed = scoped({ '/check-image-notary': { 'verify-signature-notary': { [IMAGE_STRING]: 'pass' } } });
const validate = (request: AdmissionRequest, set: Policy[] = policies()) => validateAdmission(request, set, { configMaps: { get: async () => null } });

const blocked = (message: string) =>
  `\n\nresource Pod/default/test was blocked due to the following policies \n\ncheck-image-notary:\n  verify-signature-notary: ${message}\n`;

describe('validateAdmission', () => {
  it('passes what the mutating phase pinned and annotated (round trip through evaluateAdmission)', async () => {
    const port: JobsPort = {
      discover: async () => ({ repository: 'registry.test/team/app', descriptor: { mediaType: 'm', digest: DIGEST, size: 1 }, referrers: {} }),
      verify: async () => ({ verified: true, digest: DIGEST, signatureDigest: DIGEST }),
      evaluate: async () => ({ attestations: [] }),
    };
    const request = pod([TAGGED]);
    const mutation = await evaluateAdmission(request, policies(), { jobs: port, configMaps: { get: async () => null } });
    expect(mutation.allowed).toBe(true);
    const mutated = { ...request, object: applyPatch(request.object!, mutation.patch) };
    const verdict = await validate(mutated);
    expect(verdict.allowed).toBe(true);
    expect(verdict.results).toEqual([{ policy: 'check-image-notary', rule: 'verify-signature-notary', status: 'pass', message: 'image verified', warn: false }]);
  });

  it('denies an image without a digest: missing digest for <img>', async () => {
    const verdict = await validate(pod([TAGGED]));
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toBe(blocked(`missing digest for ${TAGGED}`));
  });

  it('denies a pinned image the annotation does not record as verified: unverified image <img>', async () => {
    expect((await validate(pod([PINNED]))).message).toBe(blocked(`unverified image ${IMAGE_STRING}`));
    const failed = scoped({ '/check-image-notary': { 'verify-signature-notary': { [IMAGE_STRING]: 'fail' } } });
    expect((await validate(pod([PINNED], failed))).message).toBe(blocked(`unverified image ${IMAGE_STRING}`));
  });

  it('never accepts a status recorded under another policy or rule', async () => {
    const other = scoped({ '/someone-else': { 'verify-signature-notary': { [IMAGE_STRING]: 'pass' } }, '/check-image-notary': { other: { [IMAGE_STRING]: 'pass' } } });
    expect((await validate(pod([PINNED], other))).allowed).toBe(false);
  });

  it('reads the plain annotation when the scoped one is absent', async () => {
    expect((await validate(pod([PINNED], { 'kyverno.io/verify-images': JSON.stringify({ [IMAGE_STRING]: 'pass' }) }))).allowed).toBe(true);
    expect((await validate(pod([PINNED], { 'kyverno.io/verify-images': JSON.stringify({ [IMAGE_STRING]: 'fail' }) }))).allowed).toBe(false);
  });

  it('reports an unparsable annotation precisely', async () => {
    const verdict = await validate(pod([PINNED], { 'kyverno.io/verify-images-scoped': '{not json' }));
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]!.message).toMatch(/^failed to parse scoped image metadata: /);
  });

  it('checks only what verifyDigest and required ask for', async () => {
    const digestOnly = policies({ entry: '          required: false\n' });
    expect((await validate(pod([PINNED]), digestOnly)).allowed).toBe(true);
    expect((await validate(pod([TAGGED]), digestOnly)).message).toBe(blocked(`missing digest for ${TAGGED}`));
    const neither = policies({ entry: '          required: false\n          verifyDigest: false\n          mutateDigest: false\n' });
    expect(await validate(pod([TAGGED]), neither)).toEqual({ allowed: true, message: null, patch: [], warnings: [], results: [] });
  });

  it('skips images under skipImageReferences and names them', async () => {
    const skippedOnly = await validate(pod(['registry.test/skipped/x:1']));
    expect(skippedOnly.allowed).toBe(true);
    expect(skippedOnly.results[0]).toMatchObject({ status: 'skip', message: 'image skipped, skipped images: registry.test/skipped/x:1' });
    const mixed = await validate(pod([PINNED, 'registry.test/skipped/x:1'], passed));
    expect(mixed.results[0]).toMatchObject({ status: 'pass', message: 'image verified, skipped images: registry.test/skipped/x:1' });
  });

  it('leaves images outside imageReferences and DELETE requests alone', async () => {
    expect((await validate(pod(['elsewhere.test/app:1']))).results).toEqual([]);
    const deletion: AdmissionRequest = { ...pod([TAGGED]), operation: 'DELETE', object: null, oldObject: pod([TAGGED]).object };
    expect((await validate(deletion)).allowed).toBe(true);
  });

  it('Audit: allowed with the failure as a warning', async () => {
    const audit = policies({ spec: '  validationFailureAction: Audit\n', entry: '          mutateDigest: false\n' });
    const verdict = await validate(pod([TAGGED]), audit);
    expect(verdict.allowed).toBe(true);
    expect(verdict.warnings).toEqual([`policy check-image-notary.verify-signature-notary: missing digest for ${TAGGED}`]);
  });

  it('honours preconditions, and reports a context that cannot load as an error', async () => {
    const gated = policies({ rule: "      preconditions:\n        all:\n          - {key: '{{ request.object.metadata.name }}', operator: Equals, value: other}\n" });
    expect((await validate(pod([TAGGED]), gated)).results[0]).toMatchObject({ status: 'skip' });
    const needsContext = policies({ rule: '      context:\n        - name: keys\n          configMap: {name: keys, namespace: kyverno}\n' });
    const verdict = await validate(pod([TAGGED]), needsContext);
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/^failed to load context: /) });
  });
});
