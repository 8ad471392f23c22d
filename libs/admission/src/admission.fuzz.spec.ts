/**
 * Robustness of AdmissionReview decoding and image extraction against
 * malformed reviews (the API server is trusted, but anything can sit in a
 * resource the user wrote, and a broken or hostile client can POST anything to
 * the webhook). Valid reviews are mutated: values at random paths replaced by
 * other JSON types, keys dropped, huge arrays and deep nesting added. For
 * every case `parseAdmissionReview` + `extractImages` either return — with
 * images whose JSON pointers really lead to the image strings — or throw an
 * AdmissionError that names a path; never another exception, never slowly.
 * Deterministic: fixed seed and count (test/support/fuzz.ts to replay).
 */
import { fuzzSeed, jsonPaths, jsonWith, randomJson, replaceOrDrop, runFuzz, type Json, type Rng } from '../../../test/support/fuzz';
import { parseAdmissionReview, type AdmissionRequest } from './admission-review';
import { AdmissionError } from './errors';
import { extractImages } from './pod-images';

/** A case may hold thousands of containers: linear work, but not pathological work. */
const MAX_CASE_MS = 100;

const containers = (prefix: string): Json => [
  { name: `${prefix}-a`, image: 'ghcr.io/kyverno/test-verify-image:signed' },
  { name: `${prefix}-b`, image: 'nginx@sha256:' + 'a'.repeat(64), ports: [{ containerPort: 80 }] },
];
const podSpec = (): Json => ({ initContainers: [{ name: 'init', image: 'busybox:1.36' }], containers: containers('c'), ephemeralContainers: [{ name: 'debug', image: 'localhost:5000/tools/debug:v1' }] });
const review = (kind: { group: string; version: string; kind: string }, object: Json, operation = 'CREATE', oldObject: Json = null): Json => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
    kind,
    resource: { group: kind.group, version: kind.version, resource: `${kind.kind.toLowerCase()}s` },
    name: 'web',
    namespace: 'default',
    operation,
    userInfo: { username: 'admin', groups: ['system:masters'] },
    object,
    oldObject,
    dryRun: false,
  },
});

const SEEDS: Json[] = [
  review({ group: '', version: 'v1', kind: 'Pod' }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: podSpec() }),
  review(
    { group: 'apps', version: 'v1', kind: 'Deployment' },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: podSpec() } } },
  ),
  review(
    { group: 'batch', version: 'v1', kind: 'CronJob' },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: podSpec() } } } } },
  ),
  review({ group: '', version: 'v1', kind: 'Pod' }, null, 'DELETE', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: podSpec() }),
  review({ group: '', version: 'v1', kind: 'ConfigMap' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys' }, data: { a: 'b' } }),
];

/** Follows a JSON pointer (`/spec/containers/0/image`). */
function atPointer(value: unknown, pointer: string): unknown {
  let current = value;
  for (const segment of pointer.split('/').slice(1)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function mutate(seed: Json, rng: Rng): { mutation: string; input: Json } {
  let value = seed;
  const steps: string[] = [];
  const count = rng.range(1, 3);
  for (let i = 0; i < count; i++) {
    const paths = jsonPaths(value);
    const path = rng.pick(paths);
    const where = path.join('.') || '(root)';
    switch (rng.int(6)) {
      case 0:
      case 1:
      case 2: {
        const edited = replaceOrDrop(value, path, rng);
        value = edited.value;
        steps.push(edited.step);
        break;
      }
      case 3: {
        // A huge array: of containers (valid or not), or of anything.
        const size = rng.pick([1000, 5000]);
        const item: Json = rng.bool() ? { name: 'x', image: rng.pick(['nginx', '', 'UPPER/case', 'a'.repeat(300)]) } : randomJson(rng, 3);
        value = jsonWith(value, path, Array.from({ length: size }, () => item)) ?? null;
        steps.push(`${where} := array of ${size}`);
        break;
      }
      case 4: {
        // Deep nesting (as a decoded JSON body would hold it).
        let nested: Json = 'ghcr.io/x:1';
        const depth = rng.pick([100, 1000]);
        for (let d = 0; d < depth; d++) nested = rng.bool() ? [nested] : { spec: nested };
        value = jsonWith(value, path, nested) ?? null;
        steps.push(`${where} := nested ${depth} deep`);
        i = count; // the last step: later ones would walk (and clone) the deep value
        break;
      }
      default: {
        // Image strings that are hostile for a reference parser.
        const image = rng.pick(['', ' ', '@', ':', '/', 'a:b:c', 'host:99999999999/x', `x@sha256:${'g'.repeat(64)}`, 'a/'.repeat(2000) + 'b', `${'a'.repeat(10_000)}:${'t'.repeat(200)}`, 'é/ü:1', 'nginx:latest\n', '[::1]:5000/x']);
        const containersPaths = paths.filter((p) => p[p.length - 1] === 'image');
        const target = containersPaths.length > 0 ? rng.pick(containersPaths) : path;
        value = jsonWith(value, target, image) ?? null;
        steps.push(`${target.join('.')} := image ${JSON.stringify(image.slice(0, 30))}`);
      }
    }
  }
  return { mutation: steps.join('; '), input: value };
}

/** Bodies that decoded (for the coverage count). */
const lastParsed = new WeakSet<object>();

function checkCase(body: unknown): void {
  let request: AdmissionRequest;
  try {
    request = parseAdmissionReview(body);
    if (body !== null && typeof body === 'object') lastParsed.add(body);
  } catch (error) {
    expectAdmissionError(error);
    return;
  }
  for (const object of [request.object, request.oldObject]) {
    if (object === null) continue;
    try {
      const images = extractImages(object);
      for (const image of images) {
        // What the engine patches is exactly what it read.
        if (atPointer(object, image.jsonPointer) !== image.original) throw new Error(`${image.jsonPointer} does not lead to ${JSON.stringify(image.original)}`);
        if (image.reference.length === 0) throw new Error(`empty reference for ${image.jsonPointer}`);
      }
    } catch (error) {
      expectAdmissionError(error);
    }
  }
}

function expectAdmissionError(error: unknown): void {
  if (!(error instanceof AdmissionError)) throw new Error(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} instead of an AdmissionError`);
  expect(['ERR_MALFORMED_REVIEW', 'ERR_INVALID_IMAGE']).toContain(error.code);
  expect(error.path.length).toBeGreaterThan(0);
  expect(error.message.startsWith(`${error.path}: `)).toBe(true);
}

describe('AdmissionReview fuzzing', () => {
  it('the seeds are valid reviews with images', () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const request = parseAdmissionReview(seed);
      expect(extractImages((request.object ?? request.oldObject)!)).toHaveLength(4);
    }
  });

  it('mutated reviews: a decoded request and consistent images, or an AdmissionError with a path: 2000 cases', async () => {
    const outcomes = { parsed: 0, refused: 0 };
    const report = await runFuzz('admission review', {
      seed: fuzzSeed(0xad300001),
      cases: 2000,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng, index) => mutate(SEEDS[index % SEEDS.length]!, rng),
      check: (body) => {
        checkCase(body);
        if (body !== null && typeof body === 'object' && lastParsed.has(body)) outcomes.parsed++;
        else outcomes.refused++;
      },
      show: (body) => JSON.stringify(body).slice(0, 4000),
    });
    expect(report.cases).toBe(2000);
    // Both branches were exercised in earnest.
    expect(outcomes.parsed).toBeGreaterThan(200);
    expect(outcomes.refused).toBeGreaterThan(200);
  });

  it('regression: a huge or long offending value is described, not echoed', () => {
    const huge = Array.from({ length: 10_000 }, () => ({ spec: [{ spec: 'x' }] }));
    expect(() => parseAdmissionReview({ apiVersion: 'admission.k8s.io/v1', kind: huge })).toThrow('kind: must be "AdmissionReview", got a list of 10000 items');
    const request = (SEEDS[0] as { request: Record<string, Json> }).request;
    expect(() => parseAdmissionReview({ ...(SEEDS[0] as object), request: { ...request, uid: { a: 1 } } })).toThrow('request.uid: must be a non-empty string, got an object');
    const long = 'u'.repeat(5000);
    expect(() => parseAdmissionReview({ ...(SEEDS[0] as object), request: { ...request, kind: { version: 'v1', kind: 'Pod', group: 7 }, uid: long } })).toThrow(
      'request.kind.group: must be a string, got 7',
    );
    expect(() => parseAdmissionReview({ apiVersion: long })).toThrow(`apiVersion: must be "admission.k8s.io/v1", got "${'u'.repeat(99)}…" (5002 characters)`);
  });

  it('JSON values that are not reviews at all', async () => {
    await runFuzz('not a review', {
      seed: fuzzSeed(0xad300002),
      cases: 300,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng) => ({ mutation: 'random JSON', input: randomJson(rng) }),
      check: (body) => checkCase(body),
    });
  });
});
