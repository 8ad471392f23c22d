/**
 * The validating phase (kyverno-notary-spec §3.5) with a scripted jobs port:
 * digests, `required` decided by verifying again through the tier (never by
 * the client-writable annotations), the order that picks the message, and
 * failurePolicy for outages and the deadline. The same check runs against the
 * real registry and workers in test/e2e/engine/validate-admission.e2e-spec.ts.
 */
import type { AdmissionRequest } from '@notary-gate/admission';
import { applyPatch, blockedMessage } from '@notary-gate/admission';
import { JobErrorCodes, JobFailure, type DiscoverRequest, type JobsPort, type VerifyRequest } from '@notary-gate/contracts';
import { parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import { staticConfigMaps } from './config-maps';
import { evaluateAdmission } from './evaluate-admission';
import { validateAdmission } from './validate-admission';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const UNSIGNED_DIGEST = 'sha256:' + 'ee'.repeat(32);
const TAGGED = 'registry.test/team/app:1.0';
const PINNED = `${TAGGED}@${DIGEST}`;
const IMAGE_STRING = `registry.test/team/app@${DIGEST}`;
const UNSIGNED_PINNED = `registry.test/team/app:1.0@${UNSIGNED_DIGEST}`;
const UNSIGNED_STRING = `registry.test/team/app@${UNSIGNED_DIGEST}`;
const noSignature = (artifact: string) => `no signature is associated with "${artifact}", make sure the image was signed successfully`;

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

function policies(options: { entry?: string; spec?: string; rule?: string; cert?: string } = {}): Policy[] {
  const yaml = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: check-image-notary}
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
                - certificates: {cert: '${options.cert ?? 'good'}'}
`;
  return parsePolicyDocuments(yaml, 'p.yaml').policies;
}

/**
 * Resolves a digest reference to its digest and a tag to DIGEST. Verify answers by trust anchor:
 * "good" verifies every digest but UNSIGNED_DIGEST, "bad" verifies nothing, "down" is an outage,
 * "hang" never answers.
 */
function scriptedPort(calls: { discover: DiscoverRequest[]; verify: VerifyRequest[] } = { discover: [], verify: [] }): JobsPort {
  return {
    discover: async (request) => {
      calls.discover.push(request);
      const digest = request.image.includes('@') ? request.image.slice(request.image.indexOf('@') + 1) : DIGEST;
      return { repository: 'registry.test/team/app', descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 10 }, referrers: {} };
    },
    verify: async (request) => {
      calls.verify.push(request);
      const anchor = request.trustAnchorsPem.trim();
      const digest = request.artifact.slice(request.artifact.indexOf('@') + 1);
      if (anchor === 'down') throw new JobFailure(JobErrorCodes.tierUnavailable, 'no worker answered notary.v1.verify');
      if (anchor === 'hang') return new Promise(() => undefined);
      if (anchor === 'good' && digest !== UNSIGNED_DIGEST) return { verified: true, digest, signatureDigest: 'sha256:' + 'cd'.repeat(32) };
      return { verified: false, digest, code: 'ERR_NO_SIGNATURE', message: noSignature(request.artifact) };
    },
    evaluate: async () => ({ attestations: [] }),
  };
}

const scoped = (statuses: Record<string, Record<string, Record<string, string>>>) => ({
  'kyverno.io/verify-images-scoped': JSON.stringify({ version: 1, policies: statuses }),
});
const recordedPass = (image: string) => scoped({ '/check-image-notary': { 'verify-signature-notary': { [image]: 'pass' } } });

async function validate(request: AdmissionRequest, set: Policy[] = policies(), deadlineMs?: number) {
  const calls = { discover: [] as DiscoverRequest[], verify: [] as VerifyRequest[] };
  const verdict = await validateAdmission(request, set, {
    jobs: scriptedPort(calls),
    configMaps: { get: async () => null },
    ...(deadlineMs !== undefined ? { deadline: Date.now() + deadlineMs } : {}),
  });
  return { verdict, calls };
}

const blocked = (message: string) => blockedMessage({ kind: 'Pod', namespace: 'default', name: 'test' }, { 'check-image-notary': { 'verify-signature-notary': message } });
const unsignedMessage = (suffix = '') =>
  `unverified image ${UNSIGNED_STRING}; .attestors[0].entries[0]: failed to verify ${UNSIGNED_STRING}: ${noSignature(UNSIGNED_STRING)}${suffix}`;

describe('validateAdmission: required images are verified again, never taken from the annotation', () => {
  it('passes what the mutating phase pinned and annotated, verifying the pinned digest through the tier', async () => {
    const request = pod([TAGGED]);
    const mutation = await evaluateAdmission(request, policies(), { jobs: scriptedPort(), configMaps: { get: async () => null } });
    expect(mutation.allowed).toBe(true);
    const { verdict, calls } = await validate({ ...request, object: applyPatch(request.object!, mutation.patch) });
    expect(verdict.allowed).toBe(true);
    expect(verdict.results).toEqual([{ policy: 'check-image-notary', identity: { kind: 'ClusterPolicy', name: 'check-image-notary' }, rule: 'verify-signature-notary', status: 'pass', message: 'image verified', warn: false }]);
    expect(calls.discover.map((job) => job.image)).toEqual([IMAGE_STRING]);
    expect(calls.verify.map((job) => job.artifact)).toEqual([IMAGE_STRING]);
    expect(calls.verify[0]).toMatchObject({ trustAnchorsPem: 'good\n', maxSignatureAttempts: 10 });
  });

  it('passes a signed pinned image that carries no annotation at all (the mutating webhook was skipped)', async () => {
    const { verdict } = await validate(pod([PINNED]));
    expect(verdict).toMatchObject({ allowed: true, message: null, warnings: [] });
  });

  it('denies a forged scoped annotation claiming pass for an unsigned pinned image (kyverno#16336)', async () => {
    const { verdict, calls } = await validate(pod([UNSIGNED_PINNED], recordedPass(UNSIGNED_STRING)));
    expect(verdict.allowed).toBe(false);
    expect(calls.verify).toHaveLength(1);
    expect(verdict.results[0]).toMatchObject({ status: 'fail', message: unsignedMessage('; the annotation recording it as verified was not trusted') });
    expect(verdict.message).toBe(blocked(unsignedMessage('; the annotation recording it as verified was not trusted')));
    expect(verdict.message).toContain(`verify-signature-notary: 'unverified image ${UNSIGNED_STRING}; `);
  });

  it('denies a forged plain annotation the same way, and an unsigned image with no annotation without the note', async () => {
    const plain = { 'kyverno.io/verify-images': JSON.stringify({ [UNSIGNED_STRING]: 'pass' }) };
    expect((await validate(pod([UNSIGNED_PINNED], plain))).verdict.results[0]!.message).toBe(unsignedMessage('; the annotation recording it as verified was not trusted'));
    expect((await validate(pod([UNSIGNED_PINNED]))).verdict.results[0]!.message).toBe(unsignedMessage());
  });

  it('denies an image signed by someone the attestor does not trust', async () => {
    const { verdict } = await validate(pod([PINNED], recordedPass(IMAGE_STRING)), policies({ cert: 'bad' }));
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]!.message).toBe(
      `unverified image ${IMAGE_STRING}; .attestors[0].entries[0]: failed to verify ${IMAGE_STRING}: ${noSignature(IMAGE_STRING)}; the annotation recording it as verified was not trusted`,
    );
  });

  it('verifies with the entry as its variables resolve (attestor certificate from a ConfigMap)', async () => {
    const fromConfigMap = policies({ rule: '      context:\n        - name: keys\n          configMap: {name: keys, namespace: kyverno}\n', cert: '{{ keys.data.certificate }}' });
    const configMaps = staticConfigMaps([{ kind: 'ConfigMap', metadata: { name: 'keys', namespace: 'kyverno' }, data: { certificate: 'good' } }]);
    const verdict = await validateAdmission(pod([PINNED]), fromConfigMap, { jobs: scriptedPort(), configMaps });
    expect(verdict.allowed).toBe(true);
  });

  it('still fails on an annotation that cannot be parsed (as Kyverno), without asking the tier', async () => {
    const { verdict, calls } = await validate(pod([PINNED], { 'kyverno.io/verify-images-scoped': '{not json' }));
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]!.message).toMatch(/^failed to parse scoped image metadata: /);
    expect(calls.verify).toHaveLength(0);
  });
});

describe('validateAdmission: digests, order, scope', () => {
  it('denies an image without a digest: missing digest for <img>, asking the tier nothing', async () => {
    const { verdict, calls } = await validate(pod([TAGGED]));
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toBe(`\n\nresource Pod/default/test was blocked due to the following policies \n\ncheck-image-notary:\n  verify-signature-notary: missing digest for ${TAGGED}\n`);
    expect(calls.verify).toHaveLength(0);
  });

  it('the first image that fails decides the message; nothing after a missing digest is verified', async () => {
    const unsignedFirst = await validate(pod([UNSIGNED_PINNED, TAGGED]));
    expect(unsignedFirst.verdict.results[0]!.message).toBe(unsignedMessage());
    const tagFirst = await validate(pod([TAGGED, UNSIGNED_PINNED]));
    expect(tagFirst.verdict.results[0]!.message).toBe(`missing digest for ${TAGGED}`);
    expect(tagFirst.calls.verify).toHaveLength(0);
    const signedThenTag = await validate(pod([PINNED, TAGGED]));
    expect(signedThenTag.verdict.results[0]!.message).toBe(`missing digest for ${TAGGED}`);
    expect(signedThenTag.calls.verify).toHaveLength(1);
  });

  it('checks only what verifyDigest and required ask for', async () => {
    const digestOnly = policies({ entry: '          required: false\n' });
    const unsigned = await validate(pod([UNSIGNED_PINNED]), digestOnly);
    expect(unsigned.verdict.allowed).toBe(true);
    expect(unsigned.calls.verify).toHaveLength(0);
    expect((await validate(pod([TAGGED]), digestOnly)).verdict.message).toContain(`missing digest for ${TAGGED}`);
    // required without verifyDigest: a tag is verified as it resolves now.
    const requiredOnly = await validate(pod([TAGGED]), policies({ entry: '          verifyDigest: false\n' }));
    expect(requiredOnly.verdict.allowed).toBe(true);
    expect(requiredOnly.calls.discover.map((job) => job.image)).toEqual([TAGGED]);
    const neither = policies({ entry: '          required: false\n          verifyDigest: false\n          mutateDigest: false\n' });
    expect((await validate(pod([TAGGED]), neither)).verdict).toEqual({ allowed: true, message: null, patch: [], warnings: [], results: [] });
  });

  it('skips images under skipImageReferences and names them', async () => {
    const skippedOnly = await validate(pod(['registry.test/skipped/x:1']));
    expect(skippedOnly.verdict.allowed).toBe(true);
    expect(skippedOnly.verdict.results[0]).toMatchObject({ status: 'skip', message: 'image skipped, skipped images: registry.test/skipped/x:1' });
    expect(skippedOnly.calls.verify).toHaveLength(0);
    const mixed = await validate(pod([PINNED, 'registry.test/skipped/x:1']));
    expect(mixed.verdict.results[0]).toMatchObject({ status: 'pass', message: 'image verified, skipped images: registry.test/skipped/x:1' });
  });

  it('leaves images outside imageReferences and DELETE requests alone', async () => {
    expect((await validate(pod(['elsewhere.test/app:1']))).verdict.results).toEqual([]);
    const deletion: AdmissionRequest = { ...pod([TAGGED]), operation: 'DELETE', object: null, oldObject: pod([TAGGED]).object };
    const { verdict, calls } = await validate(deletion);
    expect(verdict.allowed).toBe(true);
    expect(calls.discover).toHaveLength(0);
  });

  it('Audit: allowed with the failure as a warning', async () => {
    const audit = policies({ spec: '  validationFailureAction: Audit\n', entry: '          mutateDigest: false\n' });
    expect((await validate(pod([TAGGED]), audit)).verdict.warnings).toEqual([`policy check-image-notary.verify-signature-notary: missing digest for ${TAGGED}`]);
    const unverified = await validate(pod([UNSIGNED_PINNED]), audit);
    expect(unverified.verdict.allowed).toBe(true);
    expect(unverified.verdict.warnings).toEqual([`policy check-image-notary.verify-signature-notary: ${unsignedMessage()}`]);
  });

  it('honours preconditions, and reports a context that cannot load as an error', async () => {
    const gated = policies({ rule: "      preconditions:\n        all:\n          - {key: '{{ request.object.metadata.name }}', operator: Equals, value: other}\n" });
    const skipped = await validate(pod([TAGGED]), gated);
    expect(skipped.verdict.results[0]).toMatchObject({ status: 'skip', message: expect.stringMatching(/^preconditions not met/) });
    expect(skipped.calls.verify).toHaveLength(0);
    const needsContext = policies({ rule: '      context:\n        - name: keys\n          configMap: {name: keys, namespace: kyverno}\n' });
    const { verdict } = await validate(pod([TAGGED]), needsContext);
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/^failed to load context: /) });
  });
});

describe('validateAdmission: a tier that cannot decide follows failurePolicy', () => {
  const ignore = '  webhookConfiguration: {failurePolicy: Ignore, timeoutSeconds: 2}\n';

  it('an unreachable tier is a rule error: Fail denies naming the outage, the annotation notwithstanding', async () => {
    const { verdict } = await validate(pod([PINNED], recordedPass(IMAGE_STRING)), policies({ cert: 'down' }));
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]).toMatchObject({
      status: 'error',
      message: `unverified image ${IMAGE_STRING}; .attestors[0].entries[0]: no worker answered notary.v1.verify; the annotation recording it as verified was not trusted`,
    });
  });

  it('an unreachable tier under Ignore: admitted with the error as a warning', async () => {
    const { verdict } = await validate(pod([PINNED]), policies({ cert: 'down', spec: ignore }));
    expect(verdict.allowed).toBe(true);
    expect(verdict.warnings).toEqual([`policy check-image-notary.verify-signature-notary: unverified image ${IMAGE_STRING}; .attestors[0].entries[0]: no worker answered notary.v1.verify`]);
  });

  it('Ignore means one thing: an image the mutating phase admitted unpinned during an outage is admitted by /validate too, naming why', async () => {
    const request = pod([TAGGED]);
    const set = policies({ cert: 'down', spec: ignore });
    const mutation = await evaluateAdmission(request, set, { jobs: scriptedPort(), configMaps: { get: async () => null } });
    expect(mutation).toMatchObject({ allowed: true });
    const mutated = { ...request, object: applyPatch(request.object!, mutation.patch) };
    expect((mutated.object as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image).toBe(TAGGED);
    const { verdict, calls } = await validate(mutated, set);
    expect(verdict).toMatchObject({ allowed: true, message: null, patch: [] });
    expect(verdict.results[0]).toMatchObject({ status: 'error', message: `missing digest for ${TAGGED}; .attestors[0].entries[0]: no worker answered notary.v1.verify` });
    expect(verdict.warnings).toEqual([`policy check-image-notary.verify-signature-notary: missing digest for ${TAGGED}; .attestors[0].entries[0]: no worker answered notary.v1.verify`]);
    expect(calls.verify).toHaveLength(1);
  });

  it('Ignore: an unpinned image the tier can decide is still missing its digest (Kyverno), and Fail never asks the tier', async () => {
    const verified = await validate(pod([TAGGED]), policies({ spec: ignore }));
    expect(verified.verdict.allowed).toBe(false);
    expect(verified.verdict.results[0]).toMatchObject({ status: 'fail', message: `missing digest for ${TAGGED}` });
    const outageUnderFail = await validate(pod([TAGGED]), policies({ cert: 'down' }));
    expect(outageUnderFail.verdict.message).toBe(blocked(`missing digest for ${TAGGED}`));
    expect(outageUnderFail.calls.verify).toHaveLength(0);
  });

  it('a tier that never answers: Fail denies within the deadline, naming the timeout', async () => {
    const started = Date.now();
    const { verdict } = await validate(pod([PINNED], recordedPass(IMAGE_STRING)), policies({ cert: 'hang', spec: '  webhookConfiguration: {timeoutSeconds: 2}\n' }), 300);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(verdict).toMatchObject({ allowed: false, message: 'notary-gate: verification did not complete within the webhook timeout of 2s for Pod/default/test (failurePolicy Fail)' });
  });

  it('a tier that never answers: Ignore admits with a warning naming the timeout', async () => {
    const { verdict } = await validate(pod([PINNED]), policies({ cert: 'hang', spec: ignore }), 200);
    expect(verdict).toMatchObject({ allowed: true, patch: [] });
    expect(verdict.warnings).toEqual([
      'notary-gate: verification did not complete within the webhook timeout of 2s for Pod/default/test; admitted unverified (failurePolicy Ignore)',
    ]);
  });
});
