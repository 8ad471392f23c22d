/**
 * End to end against a hostile registry: the engine (`evaluateAdmission`)
 * with the in-process workers and the seed's check-image-notary policy
 * (failurePolicy Fail, 30 s), pointed at a test server that misbehaves the
 * ways peers' CVEs describe (anchors §3.4): endless signatures (notation
 * CVE-2023-33957/58), a valid signature of another image (CVE-2023-33959),
 * a tag that moves between resolve and fetch, referrer indexes of 1000
 * entries, bodies that never end or drip, stalls, redirect loops, 5xx,
 * garbage. Each admission must be denied — never allowed — well within the
 * policy timeout. A control behaviour (an honest registry) is allowed, so the
 * denials are the registry's doing.
 */
import type { ServerResponse } from 'node:http';
import { signArtifact, buildSignatureManifest } from '@notary-gate/notary';
import { sha256Digest, MediaTypes, type Descriptor, type FetchedManifest, type Repository } from '@notary-gate/oci';
import { parsePolicyDocuments, type Policy } from '@notary-gate/policy';
import { evaluateAdmission, timeoutSeconds, type Verdict } from '@notary-gate/engine';
import { createWorkers, type Workers } from '@notary-gate/workers';
import { reply, startHttpServer, type RecordedRequest, type TestHttpServer } from '../../support/http-server';
import { configMapsFromYaml, podRequest } from '../../support/admission';
import { rewriteSeedPolicies, seedShapedCertificate } from '../../fixtures/seed-images';

const TIMEOUT_MS = 500;

/** Content-addressed store filled by our own signer (the same code notation-compatible signatures come from). */
class MemoryStore implements Repository {
  readonly name = 'memory';
  readonly blobs = new Map<string, { bytes: Buffer; mediaType: string }>();

  async pushBlob(bytes: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = sha256Digest(bytes);
    this.blobs.set(digest, { bytes, mediaType });
    return { mediaType, digest, size: bytes.length };
  }

  async pushManifest(bytes: Buffer, mediaType: string): Promise<Descriptor> {
    return this.pushBlob(bytes, mediaType);
  }

  resolve(): Promise<Descriptor> {
    throw new TypeError('not a registry');
  }
  fetchManifest(): Promise<FetchedManifest> {
    throw new TypeError('not a registry');
  }
  fetchBlob(): Promise<Buffer> {
    throw new TypeError('not a registry');
  }
  referrers(): Promise<Descriptor[]> {
    throw new TypeError('not a registry');
  }
}

const store = new MemoryStore();
const certA = seedShapedCertificate('A');
const certB = seedShapedCertificate('B');

async function image(tag: string): Promise<Descriptor> {
  const config = await store.pushBlob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { tag } } })), 'application/vnd.docker.container.image.v1+json');
  const layer = await store.pushBlob(Buffer.from(`layer of ${tag}\n`), 'application/vnd.docker.image.rootfs.diff.tar.gzip');
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.dockerManifest, config, layers: [layer] }));
  return store.pushManifest(bytes, MediaTypes.dockerManifest);
}

const sign = (subject: Descriptor) => signArtifact({ repository: store, subject, key: certA.key.privateKey, certificateChain: [certA.certificate], format: 'jws' });

interface World {
  /** The image the pod runs, signed by the trusted certificate A. */
  signed: Descriptor;
  signedSignature: Descriptor;
  /** Another image, also signed by A. */
  other: Descriptor;
  otherSignature: Descriptor;
  /** An unsigned image. */
  unsigned: Descriptor;
  /** A signature manifest with subject `signed` whose envelope signs `other` (CVE-2023-33959's shape). */
  misdirected: Descriptor;
  /** A signature manifest with subject `signed` whose envelope is garbage. */
  junk: Descriptor;
  /** A signature manifest with subject `signed` whose envelope's payload was tampered with. */
  tampered: Descriptor;
}

async function buildWorld(): Promise<World> {
  const signed = await image('signed');
  const other = await image('other');
  const unsigned = await image('unsigned');
  const signedSignature = await sign(signed);
  const otherSignature = await sign(other);
  const envelopeOf = (signature: Descriptor): Descriptor => {
    const manifest = JSON.parse(store.blobs.get(signature.digest)!.bytes.toString()) as { layers: Descriptor[] };
    return manifest.layers[0]!;
  };
  const signatureManifest = async (subject: Descriptor, envelope: Descriptor) => {
    const manifest = buildSignatureManifest({ envelope, subject, certificateChain: [certA.certificate], signingTime: new Date() });
    const bytes = Buffer.from(JSON.stringify(manifest));
    const descriptor = await store.pushManifest(bytes, MediaTypes.ociManifest);
    return { ...descriptor, artifactType: MediaTypes.notarySignature };
  };
  const misdirected = await signatureManifest(signed, envelopeOf(otherSignature));
  const junk = await signatureManifest(signed, await store.pushBlob(Buffer.from('{"payload":"e30","protected":"e30","signature":"AA"}'), MediaTypes.jws));
  const original = store.blobs.get(envelopeOf(signedSignature).digest)!.bytes;
  const document = JSON.parse(original.toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...document, payload: Buffer.from(JSON.stringify({ targetArtifact: { ...signed, size: signed.size + 1 } })).toString('base64url') }));
  const tampered = await signatureManifest(signed, await store.pushBlob(forged, MediaTypes.jws));
  return { signed, signedSignature, other, otherSignature, unsigned, misdirected, junk, tampered };
}

// ---------------------------------------------------------------- the hostile server

interface Behaviour {
  /** Tag → digest, possibly changing on each resolution. */
  tag(name: string, resolution: number): string | undefined;
  /** Referrers listed for a subject (the API answers, or the tag schema when `api` is false). */
  referrers(subject: string): Descriptor[];
  api: boolean;
  /** Overrides for some requests; return true when the request was answered. */
  intercept?(request: RecordedRequest, response: ServerResponse, route: Route): boolean;
}

interface Route {
  area: 'manifests' | 'blobs' | 'referrers';
  reference: string;
}

function serve(request: RecordedRequest, response: ServerResponse, behaviour: Behaviour, resolutions: Map<string, number>): void {
  const match = /^\/v2\/kyverno\/[^/]+\/(manifests|blobs|referrers)\/([^?]+)/.exec(request.url);
  if (!match) return reply(response, 404);
  const route: Route = { area: match[1] as Route['area'], reference: match[2]! };
  if (behaviour.intercept?.(request, response, route)) return;
  const notFound = () => reply(response, 404, JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'unknown' }] }), { 'content-type': 'application/json' });
  const send = (bytes: Buffer, mediaType: string, digest: string) =>
    reply(response, 200, request.method === 'HEAD' ? Buffer.alloc(0) : bytes, {
      'content-type': mediaType,
      'docker-content-digest': digest,
      ...(request.method === 'HEAD' ? { 'content-length': String(bytes.length) } : {}),
    });
  if (route.area === 'referrers') {
    if (!behaviour.api) return notFound();
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: behaviour.referrers(route.reference) }));
    return send(index, MediaTypes.ociIndex, sha256Digest(index));
  }
  let digest = route.reference;
  if (route.area === 'manifests' && route.reference.startsWith('sha256-')) {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: behaviour.referrers(route.reference.replace('sha256-', 'sha256:')) }));
    return send(index, MediaTypes.ociIndex, sha256Digest(index));
  }
  if (route.area === 'manifests' && !route.reference.includes(':')) {
    const count = (resolutions.get(route.reference) ?? 0) + 1;
    resolutions.set(route.reference, count);
    const target = behaviour.tag(route.reference, count);
    if (target === undefined) return notFound();
    digest = target;
  }
  const found = store.blobs.get(digest);
  if (!found) return notFound();
  return send(found.bytes, route.area === 'blobs' ? 'application/octet-stream' : found.mediaType, digest);
}

const stream = (response: ServerResponse, chunk: Buffer, everyMs: number): void => {
  response.writeHead(200, { 'content-type': MediaTypes.ociIndex });
  const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write(chunk)), everyMs);
  response.on('close', () => clearInterval(timer));
};

// ---------------------------------------------------------------- the suite

let server: TestHttpServer;
let workers: Workers;
let world: World;
let policies: Policy[];
const behaviours = new Map<string, { behaviour: Behaviour; resolutions: Map<string, number> }>();

beforeAll(async () => {
  world = await buildWorld();
  server = await startHttpServer((request, response) => {
    const repository = request.url.split('/')[3] ?? '';
    const entry = behaviours.get(repository);
    if (!entry) return reply(response, 404);
    serve(request, response, entry.behaviour, entry.resolutions);
  });
  workers = createWorkers({ registry: { insecureRegistries: [server.host], retry: { attempts: 1 }, timeoutMs: TIMEOUT_MS } });
  policies = parsePolicyDocuments(rewriteSeedPolicies(server.host, certA, certB)['check-image-notary.yaml']!, 'check-image-notary.yaml').policies;
}, 60_000);

afterAll(async () => {
  await workers?.close();
  await server?.stop();
});

let nextRepository = 0;

/** Admit a pod running `<host>/kyverno/test-verify-image-N:signed` from a registry behaving as given. */
async function admit(behaviour: Behaviour): Promise<{ verdict: Verdict; elapsedMs: number; requests: RecordedRequest[]; repository: string }> {
  const repository = `test-verify-image-${nextRepository++}`;
  behaviours.set(repository, { behaviour, resolutions: new Map() });
  const before = server.requests().length;
  const started = performance.now();
  const verdict = await evaluateAdmission(podRequest(`${server.host}/kyverno/${repository}:signed`), policies, { jobs: workers.port(), configMaps: configMapsFromYaml() });
  return { verdict, elapsedMs: performance.now() - started, requests: server.requests().slice(before), repository };
}

const listed = (...descriptors: Descriptor[]): Descriptor[] => descriptors.map((descriptor) => ({ mediaType: MediaTypes.ociManifest, digest: descriptor.digest, size: descriptor.size, artifactType: MediaTypes.notarySignature }));

/** A registry that answers honestly except where a behaviour overrides it. */
function honest(overrides: Partial<Behaviour> = {}): Behaviour {
  return {
    api: true,
    tag: (name) => (name === 'signed' ? world.signed.digest : undefined),
    referrers: (subject) => (subject === world.signed.digest ? listed(world.signedSignature) : subject === world.other.digest ? listed(world.otherSignature) : []),
    ...overrides,
  };
}

function expectDenied(result: Awaited<ReturnType<typeof admit>>, message?: RegExp): void {
  expect(result.verdict.allowed).toBe(false);
  expect(result.verdict.patch.filter((op) => op.path.endsWith('/image'))).toEqual([]);
  if (message) expect(result.verdict.message).toMatch(message);
  // Within the policy's webhook timeout, with room to spare.
  expect(result.elapsedMs).toBeLessThan(timeoutSeconds(policies) * 1000 - 1000);
}

describe('control', () => {
  it('an honest registry: allowed, the tag pinned to the verified digest', async () => {
    for (const api of [true, false]) {
      const result = await admit(honest({ api }));
      expect(result.verdict.message).toBeNull();
      expect(result.verdict.allowed).toBe(true);
      expect(result.verdict.patch).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${server.host}/kyverno/${result.repository}:signed@${world.signed.digest}` });
    }
  });
});

describe('hostile registries: denied, never allowed', () => {
  it('no signature at all', async () => {
    expectDenied(await admit(honest({ referrers: () => [] })), /no signature is associated with/);
  });

  it('1000 signature referrers (notation CVE-2023-33957/58): refused at the referrer cap, with a bounded number of requests', async () => {
    const thousand = Array.from({ length: 1000 }, (_, i) => ({ mediaType: MediaTypes.ociManifest, digest: `sha256:${i.toString(16).padStart(64, '0')}`, size: 500, artifactType: MediaTypes.notarySignature }));
    for (const api of [true, false]) {
      const result = await admit(honest({ api, referrers: () => [...thousand, ...listed(world.signedSignature)] }));
      expectDenied(result, /referrers/);
      expect(result.requests.length).toBeLessThan(10);
    }
  });

  it('40 signatures that exist but do not verify: at most 10 are evaluated (maxSignatureAttempts)', async () => {
    // Distinct manifests (a listing is deduplicated by digest), each with subject ours and a garbage envelope.
    const manifests: Descriptor[] = [];
    for (let i = 0; i < 40; i++) {
      const bytes = Buffer.from(JSON.stringify({ ...JSON.parse(store.blobs.get(world.junk.digest)!.bytes.toString()), annotations: { n: String(i) } }));
      manifests.push({ ...(await store.pushManifest(bytes, MediaTypes.ociManifest)), artifactType: MediaTypes.notarySignature });
    }
    const result = await admit(honest({ referrers: () => [...listed(...manifests), ...listed(world.signedSignature)] }));
    expectDenied(result);
    const blobFetches = result.requests.filter((request) => request.url.includes('/blobs/'));
    expect(blobFetches.length).toBeLessThanOrEqual(10);
  });

  it('a valid signature of ANOTHER image served as a referrer (notation CVE-2023-33959): denied', async () => {
    // As listed (its manifest names the other image as subject) and as re-wrapped (subject ours, envelope theirs).
    expectDenied(await admit(honest({ referrers: () => listed(world.otherSignature) })), /no signature is associated with/);
    expectDenied(await admit(honest({ referrers: () => listed(world.misdirected) })), /signature verification failed/);
  });

  it('a tampered envelope and a garbage envelope: denied', async () => {
    expectDenied(await admit(honest({ referrers: () => listed(world.tampered) })), /signature verification failed/);
    expectDenied(await admit(honest({ referrers: () => listed(world.junk) })), /signature verification failed/);
  });

  it('the tag moves between resolve and fetch: the patch pins exactly the verified digest, or the pod is denied', async () => {
    // First resolution an unsigned image, then the signed one: what was resolved is what is verified (and denied).
    const toSigned = await admit(honest({ tag: (name, n) => (name === 'signed' ? (n === 1 ? world.unsigned.digest : world.signed.digest) : undefined) }));
    expectDenied(toSigned, new RegExp(`no signature is associated with "[^"]*@${world.unsigned.digest}"`));
    // First the signed image, then the unsigned one: allowed only pinned to the signed digest it verified.
    const toUnsigned = await admit(honest({ tag: (name, n) => (name === 'signed' ? (n === 1 ? world.signed.digest : world.unsigned.digest) : undefined) }));
    const pins = toUnsigned.verdict.patch.filter((op) => op.path === '/spec/containers/0/image');
    if (toUnsigned.verdict.allowed) expect(pins).toEqual([{ op: 'replace', path: '/spec/containers/0/image', value: `${server.host}/kyverno/${toUnsigned.repository}:signed@${world.signed.digest}` }]);
    else expect(pins).toEqual([]);
    // A HEAD and a GET that disagree about the tag: the HEAD digest is the one verified and pinned.
    const split = await admit(
      honest({
        intercept: (request, response, route) => {
          if (route.area !== 'manifests' || route.reference !== 'signed' || request.method !== 'GET') return false;
          const unsigned = store.blobs.get(world.unsigned.digest)!;
          reply(response, 200, unsigned.bytes, { 'content-type': unsigned.mediaType, 'docker-content-digest': world.unsigned.digest });
          return true;
        },
      }),
    );
    if (split.verdict.allowed) expect(split.verdict.patch).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${server.host}/kyverno/${split.repository}:signed@${world.signed.digest}` });
  });

  it.each([
    ['referrers index that never ends', (request: RecordedRequest, response: ServerResponse, route: Route) => route.area === 'referrers' && (stream(response, Buffer.alloc(16 * 1024, 0x20), 1), true)],
    ['referrers index dripping a byte at a time', (_: RecordedRequest, response: ServerResponse, route: Route) => route.area === 'referrers' && (stream(response, Buffer.from(' '), TIMEOUT_MS / 4), true)],
    ['envelope blob dripping a byte at a time', (_: RecordedRequest, response: ServerResponse, route: Route) => route.area === 'blobs' && (stream(response, Buffer.from(' '), TIMEOUT_MS / 4), true)],
    ['manifest HEAD that never answers', (request: RecordedRequest, _: ServerResponse, route: Route) => route.area === 'manifests' && request.method === 'HEAD'],
    ['blob redirect loop', (request: RecordedRequest, response: ServerResponse, route: Route) => route.area === 'blobs' && (reply(response, 302, '', { location: request.url }), true)],
    ['blob redirected to another host over plain HTTP', (request: RecordedRequest, response: ServerResponse, route: Route) => route.area === 'blobs' && (reply(response, 307, '', { location: `http://127.0.0.2:${server.host.split(':')[1]}${request.url}` }), true)],
    ['503 on every referrers request', (_: RecordedRequest, response: ServerResponse, route: Route) => route.area === 'referrers' && (reply(response, 503, 'down', { 'retry-after': '3600' }), true)],
    ['referrers index that is not JSON', (_: RecordedRequest, response: ServerResponse, route: Route) => route.area === 'referrers' && (reply(response, 200, '{"manifests": [', { 'content-type': MediaTypes.ociIndex }), true)],
    ['referrers index of the wrong shape', (_: RecordedRequest, response: ServerResponse, route: Route) => route.area === 'referrers' && (reply(response, 200, JSON.stringify({ schemaVersion: 2, manifests: [{ digest: 5 }] }), { 'content-type': MediaTypes.ociIndex }), true)],
    ['signature manifest with a huge Content-Length', (request: RecordedRequest, response: ServerResponse, route: Route) => {
      if (route.area !== 'manifests' || route.reference !== world.signedSignature.digest || request.method !== 'GET') return false;
      response.writeHead(200, { 'content-type': MediaTypes.ociManifest, 'content-length': '999999999999' });
      response.write('{');
      return true;
    }],
    ['envelope blob of other bytes', (_: RecordedRequest, response: ServerResponse, route: Route) => route.area === 'blobs' && (reply(response, 200, Buffer.alloc(100, 0x41)), true)],
    ['connection dropped mid-envelope', (_: RecordedRequest, response: ServerResponse, route: Route) => {
      if (route.area !== 'blobs') return false;
      response.writeHead(200, { 'content-length': '5000' });
      response.write('{"payload"');
      setTimeout(() => response.destroy(), 5);
      return true;
    }],
  ] as const)('%s', async (_name, intercept) => {
    const result = await admit(honest({ intercept: intercept as Behaviour['intercept'] }));
    expectDenied(result);
  });
});
