import { parseAdmissionReview, admissionResponse } from './admission-review';
import { extractImages, imagesContext } from './pod-images';
import { digestPatch, verifyImagesAnnotationPatches, applyPatch } from './patches';
import { blockedMessage } from './messages';
import { yamlScalar } from './kyverno-yaml';
import { AdmissionError } from './errors';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'test', namespace: 'default' },
  spec: {
    initContainers: [{ name: 'init', image: 'busybox' }],
    containers: [{ name: 'test', image: 'ghcr.io/kyverno/test-verify-image:signed' }],
  },
};
const review = (request: Record<string, unknown>) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request });

describe('AdmissionReview', () => {
  it('decodes a request', () => {
    const request = parseAdmissionReview(review({ uid: 'u1', kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE', namespace: 'default', object: pod }));
    expect(request).toMatchObject({ uid: 'u1', operation: 'CREATE', kind: { kind: 'Pod', group: '' } });
  });

  it.each([
    [null, '(root): an AdmissionReview must be a JSON object'],
    [{ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview' }, 'apiVersion: must be "admission.k8s.io/v1", got "admission.k8s.io/v1beta1"'],
    [review({ kind: { version: 'v1', kind: 'Pod' }, operation: 'CREATE', object: pod }), 'request.uid: is required'],
    [review({ uid: 'u', kind: { version: 'v1', kind: 'Pod' }, operation: 'PATCH', object: pod }), 'request.operation: must be one of CREATE, UPDATE, DELETE, CONNECT, got "PATCH"'],
    [review({ uid: 'u', kind: { version: 'v1', kind: 'Pod' }, operation: 'CREATE' }), 'request.object: is required for CREATE'],
    [review({ uid: 'u', kind: 'Pod', operation: 'CREATE', object: pod }), 'request.kind: is required and must be an object {group, version, kind}'],
  ])('rejects malformed input %#', (body, message) => {
    expect(() => parseAdmissionReview(body)).toThrow(AdmissionError);
    expect(() => parseAdmissionReview(body)).toThrow(message);
  });

  it('answers with a base64 JSONPatch when allowed, status 403 when denied', () => {
    const patch = [{ op: 'replace' as const, path: '/spec/containers/0/image', value: 'x' }];
    const allowed = admissionResponse({ uid: 'u', allowed: true, patch });
    expect(allowed.response.patchType).toBe('JSONPatch');
    expect(JSON.parse(Buffer.from(allowed.response.patch!, 'base64').toString())).toEqual(patch);
    const denied = admissionResponse({ uid: 'u', allowed: false, message: 'no', patch });
    expect(denied.response).toEqual({ uid: 'u', allowed: false, status: { code: 403, message: 'no' } });
  });
});

describe('images of a resource', () => {
  it('lists init, regular and ephemeral containers with JSON pointers', () => {
    const images = extractImages(pod);
    expect(images.map((i) => [i.containerType, i.jsonPointer, i.reference])).toEqual([
      ['initContainers', '/spec/initContainers/0/image', 'docker.io/busybox:latest'],
      ['containers', '/spec/containers/0/image', 'ghcr.io/kyverno/test-verify-image:signed'],
    ]);
    expect(imagesContext(images)['containers']!['test']).toMatchObject({ registry: 'ghcr.io', tag: 'signed', jsonPointer: '/spec/containers/0/image' });
  });

  it('reads pod templates of controllers and CronJobs', () => {
    const deployment = { kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    const cronJob = { kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } } } } };
    expect(extractImages(deployment)[0]!.jsonPointer).toBe('/spec/template/spec/containers/0/image');
    expect(extractImages(cronJob)[0]!.jsonPointer).toBe('/spec/jobTemplate/spec/template/spec/containers/0/image');
    expect(extractImages({ kind: 'ConfigMap' })).toEqual([]);
  });

  it('names the field of a malformed container', () => {
    expect(() => extractImages({ kind: 'Pod', spec: { containers: [{ name: 'c', image: 7 }] } })).toThrow('spec.containers[0].image: must be a string');
  });
});

describe('patches', () => {
  it('pins tag@digest and records the verify-images annotations', () => {
    const [, image] = extractImages(pod);
    const digest = 'sha256:b31bfb4d0213f254d361e0079deaaebefa4f82ba7aa76ef82e90b4935ad5b105';
    const pin = digestPatch(image!, digest);
    expect(pin).toEqual({ op: 'replace', path: '/spec/containers/0/image', value: `ghcr.io/kyverno/test-verify-image:signed@${digest}` });
    const annotations = verifyImagesAnnotationPatches(pod, [
      { policyKey: '/check-image-notary', rule: 'verify-signature-notary', image: `ghcr.io/kyverno/test-verify-image@${digest}`, status: 'pass' },
    ]);
    expect(annotations[0]).toEqual({ op: 'add', path: '/metadata/annotations', value: {} });
    expect(annotations[1]!.value).toBe(`{"ghcr.io/kyverno/test-verify-image@${digest}":"pass"}`);
    const patched = applyPatch(pod, [...annotations, pin]);
    expect(patched.spec.containers[0]!.image).toBe(`ghcr.io/kyverno/test-verify-image:signed@${digest}`);
    expect(JSON.parse((patched.metadata as unknown as { annotations: Record<string, string> }).annotations['kyverno.io/verify-images-scoped']!)).toEqual({
      version: 1,
      policies: { '/check-image-notary': { 'verify-signature-notary': { [`ghcr.io/kyverno/test-verify-image@${digest}`]: 'pass' } } },
    });
  });

  it('writes one status exactly as the merging path does (the one-status shortcut changes nothing)', () => {
    const statuses = [
      { policyKey: 'team-a/p', rule: 'r "quoted" \\ ü', image: 'registry.test/a:1', status: 'pass' as const },
      { policyKey: '/c', rule: 'verify', image: 'docker.io/nginx@sha256:' + '1'.repeat(64), status: 'fail' as const },
    ];
    for (const status of statuses) {
      // The same status twice goes through the merging path (later entries win) and must give the same patch.
      expect(verifyImagesAnnotationPatches(pod, [status])).toEqual(verifyImagesAnnotationPatches(pod, [status, status]));
      expect(verifyImagesAnnotationPatches({ ...pod, metadata: { ...pod.metadata, annotations: { a: 'b' } } }, [status])).toHaveLength(2);
    }
  });

  it('registry is added when the original omitted it', () => {
    const [image] = extractImages({ kind: 'Pod', spec: { containers: [{ name: 'c', image: 'nginx:1' }] } });
    expect(digestPatch(image!, 'sha256:' + '0'.repeat(64)).value).toBe(`docker.io/nginx:1@sha256:${'0'.repeat(64)}`);
  });
});

describe('Kyverno denial message', () => {
  it('reproduces the seed message for an unsigned image (one line, yaml v3 style)', () => {
    const digest = 'sha256:74a98f0e4d750c9052f092a7f7a72de7b20f94f176a490088f7a744c76c53ea5';
    const message =
      `failed to verify image ghcr.io/kyverno/test-verify-image:unsigned: .attestors[0].entries[0]: failed to verify ghcr.io/kyverno/test-verify-image@${digest}: ` +
      `no signature is associated with "ghcr.io/kyverno/test-verify-image@${digest}", make sure the image was signed successfully`;
    const text = blockedMessage({ kind: 'Pod', namespace: 'default', name: 'test' }, { 'check-image-notary': { 'verify-signature-notary': message } });
    expect(text).toBe(`\n\nresource Pod/default/test was blocked due to the following policies \n\ncheck-image-notary:\n  verify-signature-notary: '${message}'\n`);
  });

  it('renders multi-line messages as literal blocks (wrong certificate)', () => {
    const text = blockedMessage({ kind: 'Pod', namespace: 'default', name: 'test' }, { p: { r: 'a: b\nline two' } });
    expect(text.endsWith('p:\n  r: |-\n    a: b\n    line two\n')).toBe(true);
  });

  it.each([
    ['', '""'],
    ['true', '"true"'],
    ['123', '"123"'],
    ["it's fine", "it's fine"],
    ['- x', "'- x'"],
    ['ends:', "'ends:'"],
    ["a: 'b'", "'a: ''b'''"],
    ['plain text', 'plain text'],
  ])('scalar %j → %s', (value, expected) => {
    expect(yamlScalar(value, 2)).toBe(expected);
  });
});
