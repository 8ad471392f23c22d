/**
 * The registry client against a hostile registry (anchors §3.4: Kyverno's
 * CVE-2023-42813…42816 DoS and notation's CVE-2023-33957/58/59 came from
 * malicious registry replies). A test server answers manifest, blob, tag and
 * referrers requests with randomised malformed replies: wrong Content-Type,
 * invalid JSON, JSON of the wrong shape, lying digests and lengths, bodies
 * that never end or drip, stalls, redirect loops and redirects to other
 * hosts, hostile auth challenges, referrer indexes with 10 000 entries,
 * entries for other subjects, cycles and endless pagination.
 *
 * Every call must end in bounded time with a result that passes the content
 * checks or an OciError with a stable code — never another exception, never
 * an unhandled rejection; the caps (maxReferrers, maxManifestBytes, blob
 * limits) hold; a referrer whose manifest names another subject is never
 * returned. Deterministic: fixed seed and count; each case runs in its own
 * repository (`/v2/fz<index>/…`) so cases can run side by side.
 */
import type { ServerResponse } from 'node:http';
import { reply, startHttpServer, type RecordedRequest, type TestHttpServer } from '../../../test/support/http-server';
import { Rng, fuzzSeed, randomJson, runFuzzConcurrently } from '../../../test/support/fuzz';
import { digestMatches, referrersTag, sha256Digest } from './digest';
import { OciError, type OciErrorCode } from './errors';
import { RegistryClient } from './registry-client';
import type { RegistryRepository } from './registry-repository';
import { EMPTY_CONFIG, MediaTypes, type Descriptor } from './types';

const SIGNATURE = MediaTypes.notarySignature;
/** Low on purpose: the idle timeout bounds stalls, and (×5) the whole exchange bounds a drip. */
const TIMEOUT_MS = 150;
const LIMITS = { maxReferrers: 20, maxManifestBytes: 64 * 1024 };
const BLOB_CAP = 4096;
/** Far above what any bounded case needs (timeouts × attempts × requests), far below a hang. */
const WATCHDOG_MS = 8_000;

const OCI_CODES: ReadonlySet<OciErrorCode> = new Set<OciErrorCode>([
  'ERR_INVALID_REFERENCE',
  'ERR_INVALID_DIGEST',
  'ERR_NOT_FOUND',
  'ERR_UNAUTHORIZED',
  'ERR_DENIED',
  'ERR_DIGEST_MISMATCH',
  'ERR_SIZE_MISMATCH',
  'ERR_TOO_LARGE',
  'ERR_TOO_MANY_REFERRERS',
  'ERR_SUBJECT_MISMATCH',
  'ERR_BAD_RESPONSE',
  'ERR_INSECURE_REFUSED',
  'ERR_UNREACHABLE',
  'ERR_TIMEOUT',
  'ERR_RATE_LIMITED',
  'ERR_SERVER_ERROR',
]);

// ---------------------------------------------------------------- honest content

interface Content {
  bytes: Buffer;
  descriptor: Descriptor;
}

function manifestOf(fields: Record<string, unknown>): Content {
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: EMPTY_CONFIG, layers: [], ...fields }));
  return { bytes, descriptor: { mediaType: MediaTypes.ociManifest, digest: sha256Digest(bytes), size: bytes.length } };
}

const blobBytes = Buffer.from('{"signature":"envelope bytes"}');
const blob: Content = { bytes: blobBytes, descriptor: { mediaType: MediaTypes.jws, digest: sha256Digest(blobBytes), size: blobBytes.length } };
const subject = manifestOf({ layers: [blob.descriptor], annotations: { name: 'subject' } });
const other = manifestOf({ annotations: { name: 'another image' } });
const ref = (content: Content): Descriptor => ({ ...content.descriptor });
const signatures = [1, 2, 3].map((n) => manifestOf({ artifactType: SIGNATURE, subject: ref(subject), layers: [blob.descriptor], annotations: { n: String(n) } }));
const sbom = manifestOf({ artifactType: 'application/spdx+json', subject: ref(subject) });
/** A valid signature — of another image (notation CVE-2023-33959's shape). */
const foreignSignature = manifestOf({ artifactType: SIGNATURE, subject: ref(other), layers: [blob.descriptor] });
/** A referrer that names itself as subject cannot exist (its digest covers its own subject); a liar's version. */
const selfish = manifestOf({ artifactType: SIGNATURE, subject: { mediaType: MediaTypes.ociManifest, digest: `sha256:${'e'.repeat(64)}`, size: 3 } });
const manifests = [subject, other, ...signatures, sbom, foreignSignature, selfish];
const honestReferrers = [...signatures, sbom].map((content) => ({ ...content.descriptor, artifactType: JSON.parse(content.bytes.toString()).artifactType as string }));

function indexBytes(entries: Descriptor[]): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: entries }));
}

// ---------------------------------------------------------------- hostile behaviours

type Kind = 'manifest' | 'blob' | 'referrers' | 'tagIndex' | 'token';
const KINDS: readonly Kind[] = ['manifest', 'blob', 'referrers', 'tagIndex'];

type Mode =
  | 'contentType'
  | 'badJson'
  | 'wrongShape'
  | 'hugeLength'
  | 'extraBody'
  | 'endless'
  | 'drip'
  | 'stall'
  | 'redirectLoop'
  | 'redirectOther'
  | 'status'
  | 'lyingDigest'
  | 'wrongContent'
  | 'destroy'
  | 'manyReferrers'
  | 'otherSubjects'
  | 'cycle'
  | 'authLoop';
const MODES: readonly Mode[] = [
  'contentType',
  'badJson',
  'wrongShape',
  'hugeLength',
  'extraBody',
  'endless',
  'drip',
  'stall',
  'redirectLoop',
  'redirectOther',
  'status',
  'lyingDigest',
  'wrongContent',
  'destroy',
  'manyReferrers',
  'otherSubjects',
  'cycle',
  'authLoop',
];

interface Behaviour {
  /** Which requests get the hostile reply (the others are answered honestly). */
  targets: ReadonlySet<Kind>;
  mode: Mode;
  /** Whether the registry has the referrers API (else: 404, then the sha256-<hex> tag). */
  referrersApi: boolean;
  /** A per-case generator for the details of the hostile replies. */
  rng: Rng;
}

function classify(path: string): { kind: Kind; reference: string } | undefined {
  const match = /^\/v2\/fz\d+\/(manifests|blobs|referrers)\/([^?]+)/.exec(path);
  if (!match) return /^\/token/.test(path) ? { kind: 'token', reference: '' } : undefined;
  const [, area, reference] = match as unknown as [string, string, string];
  if (area === 'blobs') return { kind: 'blob', reference };
  if (area === 'referrers') return { kind: 'referrers', reference };
  return { kind: reference.startsWith('sha256-') ? 'tagIndex' : 'manifest', reference };
}

function honest(request: RecordedRequest, response: ServerResponse, kind: Kind, reference: string, behaviour: Behaviour): void {
  const send = (content: Buffer, type: string, digest?: string) =>
    reply(response, 200, request.method === 'HEAD' ? Buffer.alloc(0) : content, {
      'content-type': type,
      ...(digest ? { 'docker-content-digest': digest } : {}),
      ...(request.method === 'HEAD' ? { 'content-length': String(content.length) } : {}),
    });
  const notFound = () => reply(response, 404, JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }), { 'content-type': 'application/json' });
  if (kind === 'blob') return reference === blob.descriptor.digest ? send(blob.bytes, 'application/octet-stream', blob.descriptor.digest) : notFound();
  if (kind === 'referrers') {
    if (!behaviour.referrersApi) return notFound();
    return reference === subject.descriptor.digest ? send(indexBytes(honestReferrers), MediaTypes.ociIndex) : send(indexBytes([]), MediaTypes.ociIndex);
  }
  if (kind === 'tagIndex') {
    const index = indexBytes(reference === referrersTag(subject.descriptor.digest) ? honestReferrers : []);
    return send(index, MediaTypes.ociIndex, sha256Digest(index));
  }
  if (kind === 'token') return reply(response, 200, JSON.stringify({ token: 'fuzz' }), { 'content-type': 'application/json' });
  const found = reference === 'v1' ? subject : manifests.find((content) => content.descriptor.digest === reference);
  return found ? send(found.bytes, MediaTypes.ociManifest, found.descriptor.digest) : notFound();
}

/** Writes until the client goes away: a body that never ends, fast or one byte at a time. */
function stream(response: ServerResponse, chunk: Buffer, intervalMs: number): void {
  const timer = setInterval(() => {
    if (response.destroyed || response.writableEnded) return clearInterval(timer);
    response.write(chunk);
  }, intervalMs);
  response.on('close', () => clearInterval(timer));
}

function hostile(request: RecordedRequest, response: ServerResponse, kind: Kind, reference: string, behaviour: Behaviour, host: string): void {
  const { rng } = behaviour;
  const repository = request.url.split('/')[2]!;
  switch (behaviour.mode) {
    case 'contentType':
      response.setHeader('content-type', rng.pick(['text/html', 'application/json', '', 'application/vnd.oci.image.index.v1+json; charset=utf-8', MediaTypes.dockerManifest]));
      return honestWithHeaders(request, response, kind, reference, behaviour);
    case 'badJson':
      return reply(response, 200, rng.pick(['{', '{"schemaVersion":2,', 'null', '\u0000\u0001', '<html>', '{"manifests":[}']), { 'content-type': typeFor(kind) });
    case 'wrongShape': {
      const shapes = [
        { schemaVersion: 2, manifests: 'nope' },
        { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ digest: 'sha256:zz', size: -1 }] },
        { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [null, 5, { mediaType: 'x', digest: subject.descriptor.digest, size: 1e300 }] },
        { schemaVersion: 1, config: {}, layers: {} },
        { schemaVersion: 2, config: EMPTY_CONFIG, layers: [], subject: { digest: 5 } },
        { schemaVersion: 2, config: EMPTY_CONFIG, layers: [], annotations: { a: 1 } },
        randomJson(rng),
      ];
      return reply(response, 200, JSON.stringify(rng.pick(shapes)), { 'content-type': typeFor(kind) });
    }
    case 'hugeLength': {
      response.writeHead(200, { 'content-type': typeFor(kind), 'content-length': rng.pick(['1000000000000', '99999999999999999999', String(LIMITS.maxManifestBytes + 1)]) });
      response.write(subject.bytes);
      setTimeout(() => response.destroy(), rng.pick([0, 20]));
      return;
    }
    case 'extraBody': {
      const body = Buffer.concat([subject.bytes, Buffer.alloc(rng.range(1, 5000), 0x20)]);
      response.socket?.write(`HTTP/1.1 200 OK\r\ncontent-type: ${typeFor(kind)}\r\ncontent-length: ${subject.bytes.length}\r\n\r\n`);
      response.socket?.write(body);
      setTimeout(() => response.socket?.destroy(), 10);
      return;
    }
    case 'endless':
      response.writeHead(200, { 'content-type': typeFor(kind) });
      return stream(response, Buffer.alloc(16 * 1024, 0x5b), 1);
    case 'drip':
      response.writeHead(200, { 'content-type': typeFor(kind) });
      // A byte well inside the idle timeout: only a deadline on the whole exchange ends this.
      return stream(response, Buffer.from('['), Math.floor(TIMEOUT_MS / 3));
    case 'stall':
      return; // no status line, ever
    case 'redirectLoop':
      return reply(response, rng.pick([301, 302, 307, 308]), '', { location: rng.bool() ? request.url : `${request.url}${request.url.includes('?') ? '&' : '?'}loop=1` });
    case 'redirectOther':
      return reply(response, 302, '', {
        location: rng.pick([`http://127.0.0.2:${host.split(':')[1]}${request.url}`, 'https://127.0.0.1:1/v2/x', 'ftp://example.com/x', 'http://[::1', `//evil.invalid${request.url}`]),
      });
    case 'status': {
      const status = rng.pick([201, 204, 206, 300, 301, 400, 401, 403, 405, 409, 418, 429, 500, 502, 503, 504, 599]);
      return reply(response, status, rng.bool() ? JSON.stringify({ errors: [{ code: 'X', message: 'm'.repeat(rng.pick([1, 100_000])) }] }) : 'x'.repeat(rng.pick([0, 40_000])), {
        ...(rng.bool() ? { 'retry-after': rng.pick(['0', '1', '999999', 'Wed, 21 Oct 2099 07:28:00 GMT', 'soon']) } : {}),
        ...(status === 401 ? { 'www-authenticate': rng.pick(['Basic', 'Bearer', 'Bearer realm="', 'Negotiate abc', '']) } : {}),
      });
    }
    case 'lyingDigest': {
      const claimed = rng.pick([other.descriptor.digest, 'sha256:short', 'md5:abc', `sha512:${'a'.repeat(128)}`, '']);
      response.setHeader('docker-content-digest', claimed);
      return honestWithHeaders(request, response, kind, reference, behaviour);
    }
    case 'wrongContent': {
      const content = rng.pick([other, foreignSignature, ...signatures]);
      return reply(response, 200, request.method === 'HEAD' ? '' : content.bytes, {
        'content-type': typeFor(kind),
        'docker-content-digest': rng.bool() ? content.descriptor.digest : reference.startsWith('sha256:') ? reference : content.descriptor.digest,
        ...(request.method === 'HEAD' ? { 'content-length': String(content.bytes.length) } : {}),
      });
    }
    case 'destroy':
      response.writeHead(200, { 'content-type': typeFor(kind), 'content-length': '4000' });
      response.write('{"schemaVersion":2');
      setTimeout(() => response.destroy(), rng.pick([0, 5]));
      return;
    case 'manyReferrers': {
      const count = rng.pick([21, 1000, 10_000]);
      const entries = Array.from({ length: count }, (_, i) => ({
        mediaType: MediaTypes.ociManifest,
        digest: `sha256:${i.toString(16).padStart(64, '0')}`,
        size: 300,
        artifactType: SIGNATURE,
      }));
      const bytes = indexBytes(entries);
      return reply(response, 200, bytes, { 'content-type': MediaTypes.ociIndex, 'docker-content-digest': sha256Digest(bytes) });
    }
    case 'otherSubjects': {
      // Entries whose manifests name another subject, or none (oras-go#1396's shape), mixed with the honest ones.
      const entries = [foreignSignature, other, selfish, ...(rng.bool() ? signatures.slice(0, 1) : [])].map((content) => ({ ...content.descriptor, artifactType: SIGNATURE }));
      const bytes = indexBytes(rng.bool() ? entries : entries.reverse());
      return reply(response, 200, bytes, { 'content-type': MediaTypes.ociIndex, 'docker-content-digest': sha256Digest(bytes) });
    }
    case 'cycle': {
      // The subject listed as its own referrer, the same entry many times, and pagination that loops back.
      const entries = [{ ...subject.descriptor, artifactType: SIGNATURE }, ...Array.from({ length: 30 }, () => ({ ...signatures[0]!.descriptor, artifactType: SIGNATURE }))];
      const bytes = indexBytes(entries);
      return reply(response, 200, bytes, {
        'content-type': MediaTypes.ociIndex,
        'docker-content-digest': sha256Digest(bytes),
        link: rng.pick([`<${request.url}>; rel="next"`, `</v2/${repository}/referrers/${subject.descriptor.digest}?n=${rng.int(1e9)}>; rel="next"`, `<http://127.0.0.2:1/x>; rel="next"`, '<>; rel="next"', 'garbage']),
      });
    }
    case 'authLoop':
      return reply(response, 401, '', {
        'www-authenticate': rng.pick([
          `Bearer realm="http://${host}/token",service="fz",scope="repository:${repository}:pull"`,
          `Bearer realm="http://${host}/v2/${repository}/manifests/v1"`,
          `Bearer realm="http://127.0.0.2:1/token"`,
          'Bearer realm="javascript:alert(1)"',
          `Basic realm="x"`,
        ]),
      });
  }
}

function typeFor(kind: Kind): string {
  return kind === 'blob' ? 'application/octet-stream' : kind === 'referrers' || kind === 'tagIndex' ? MediaTypes.ociIndex : MediaTypes.ociManifest;
}

/** The honest reply, keeping headers the hostile mode already set. */
function honestWithHeaders(request: RecordedRequest, response: ServerResponse, kind: Kind, reference: string, behaviour: Behaviour): void {
  const preset = response.getHeaders();
  const writeHead = response.writeHead.bind(response);
  response.writeHead = ((status: number, headers?: Record<string, string>) => writeHead(status, { ...headers, ...(preset as Record<string, string>) })) as typeof response.writeHead;
  honest(request, response, kind, reference, behaviour);
}

// ---------------------------------------------------------------- operations and what a result must satisfy

type Operation =
  | { op: 'resolve'; target: string }
  | { op: 'fetchManifest'; target: string | Descriptor }
  | { op: 'fetchBlob'; descriptor: Descriptor }
  | { op: 'fetchReferrers'; artifactType?: string };

function randomOperation(rng: Rng): Operation {
  switch (rng.int(6)) {
    case 0:
      return { op: 'resolve', target: rng.bool() ? 'v1' : subject.descriptor.digest };
    case 1:
      return { op: 'fetchManifest', target: rng.pick<string | Descriptor>(['v1', subject.descriptor.digest, ref(subject), ref(signatures[0]!)]) };
    case 2:
      return { op: 'fetchBlob', descriptor: ref(blob) };
    default:
      return rng.bool(0.7) ? { op: 'fetchReferrers', artifactType: SIGNATURE } : { op: 'fetchReferrers' };
  }
}

async function perform(repository: RegistryRepository, operation: Operation): Promise<void> {
  switch (operation.op) {
    case 'resolve': {
      const descriptor = await repository.resolve(operation.target);
      expect(descriptor.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      if (operation.target.startsWith('sha256:')) expect(descriptor.digest).toBe(operation.target);
      expect(descriptor.size).toBeLessThanOrEqual(LIMITS.maxManifestBytes);
      return;
    }
    case 'fetchManifest': {
      const fetched = await repository.fetchManifest(operation.target);
      expect(fetched.bytes.length).toBeLessThanOrEqual(LIMITS.maxManifestBytes);
      expect(digestMatches(fetched.bytes, fetched.descriptor.digest)).toBe(true);
      const asked = typeof operation.target === 'string' ? operation.target : operation.target.digest;
      if (asked.startsWith('sha256:')) expect(fetched.descriptor.digest).toBe(asked);
      if (typeof operation.target !== 'string') expect(fetched.bytes.length).toBe(operation.target.size);
      return;
    }
    case 'fetchBlob': {
      const bytes = await repository.fetchBlob(operation.descriptor, BLOB_CAP);
      expect(bytes.length).toBe(operation.descriptor.size);
      expect(digestMatches(bytes, operation.descriptor.digest)).toBe(true);
      return;
    }
    case 'fetchReferrers': {
      const listing = await repository.fetchReferrers(subject.descriptor.digest, operation.artifactType === undefined ? {} : { artifactType: operation.artifactType });
      expect(listing.referrers.length + listing.skipped.length).toBeLessThanOrEqual(LIMITS.maxReferrers);
      for (const referrer of listing.referrers) {
        // The one rule that matters: a returned referrer's own manifest names this subject.
        expect(referrer.manifest.manifest.subject?.digest).toBe(subject.descriptor.digest);
        expect(digestMatches(referrer.manifest.bytes, referrer.descriptor.digest)).toBe(true);
        if (operation.artifactType !== undefined) expect(referrer.descriptor.artifactType).toBe(operation.artifactType);
      }
      for (const skipped of listing.skipped) expect(OCI_CODES.has(skipped.error.code)).toBe(true);
      return;
    }
  }
}

async function expectResultOrOciError(run: () => Promise<void>): Promise<OciErrorCode | 'ok'> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    if (!(error instanceof OciError)) throw new Error(`rejected with ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} instead of an OciError`);
    if (!OCI_CODES.has(error.code)) throw new Error(`OciError with unknown code ${error.code}`);
    expect(error.message.length).toBeGreaterThan(0);
    return error.code;
  }
}

// ---------------------------------------------------------------- the suite

describe('registry client against a hostile registry', () => {
  let server: TestHttpServer;
  let client: RegistryClient;
  const behaviours = new Map<string, Behaviour>();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startHttpServer((request, response) => {
      const repository = request.url.split('/')[2] ?? '';
      const behaviour = behaviours.get(repository) ?? [...behaviours.values()][0];
      const route = classify(request.url);
      if (!behaviour || !route) return reply(response, 404);
      if (behaviour.targets.has(route.kind) || (route.kind === 'token' && behaviour.mode === 'authLoop')) {
        return hostile(request, response, route.kind, route.reference, behaviour, server.host);
      }
      return honest(request, response, route.kind, route.reference, behaviour);
    });
    client = new RegistryClient({
      insecureRegistries: [server.host],
      timeoutMs: TIMEOUT_MS,
      limits: LIMITS,
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      referrerConcurrency: 4,
    });
  });

  afterAll(async () => {
    await client.close();
    await server.stop();
    process.off('unhandledRejection', onUnhandled);
  });

  const open = (repository: string, behaviour: Behaviour): RegistryRepository => {
    behaviours.set(repository, behaviour);
    return client.repository(`${server.host}/${repository}`);
  };

  it('named hostile behaviours end with the expected stable code', async () => {
    const rng = new Rng(fuzzSeed(0x0c1a0001));
    const scenario = async (name: string, mode: Mode, targets: Kind[], operation: Operation, expected: Array<OciErrorCode | 'ok'>, referrersApi = true) => {
      const repository = open(`fz9${name.length}${rng.int(1e6)}`, { mode, targets: new Set(targets), referrersApi, rng });
      const started = performance.now();
      const outcome = await expectResultOrOciError(() => perform(repository, operation));
      const elapsed = performance.now() - started;
      if (!expected.includes(outcome)) throw new Error(`${name}: got ${outcome}, expected one of ${expected.join(', ')}`);
      return elapsed;
    };
    // Endless bodies stop at the cap; a drip and a stall end by the timeouts.
    await scenario('endless manifest', 'endless', ['manifest'], { op: 'fetchManifest', target: subject.descriptor.digest }, ['ERR_TOO_LARGE']);
    await scenario('endless blob', 'endless', ['blob'], { op: 'fetchBlob', descriptor: ref(blob) }, ['ERR_SIZE_MISMATCH']);
    await scenario('endless referrers index', 'endless', ['referrers'], { op: 'fetchReferrers', artifactType: SIGNATURE }, ['ERR_TOO_LARGE']);
    // Bounds: two attempts; undici checks its idle timeouts on a coarse (~1 s) clock.
    const drip = await scenario('drip', 'drip', ['manifest'], { op: 'fetchManifest', target: 'v1' }, ['ERR_TIMEOUT']);
    expect(drip).toBeLessThan(2 * 5 * TIMEOUT_MS + 1_500);
    const stall = await scenario('stall', 'stall', ['blob'], { op: 'fetchBlob', descriptor: ref(blob) }, ['ERR_TIMEOUT']);
    expect(stall).toBeLessThan(2 * (TIMEOUT_MS + 1_000) + 1_000);
    // Caps and lies.
    await scenario('huge Content-Length', 'hugeLength', ['manifest'], { op: 'fetchManifest', target: 'v1' }, ['ERR_TOO_LARGE']);
    await scenario('10 000 referrers', 'manyReferrers', ['referrers'], { op: 'fetchReferrers', artifactType: SIGNATURE }, ['ERR_TOO_MANY_REFERRERS', 'ERR_TOO_LARGE']);
    await scenario('21 referrers by tag schema', 'manyReferrers', ['tagIndex'], { op: 'fetchReferrers' }, ['ERR_TOO_MANY_REFERRERS', 'ERR_TOO_LARGE'], false);
    await scenario('redirect loop', 'redirectLoop', ['manifest'], { op: 'fetchManifest', target: subject.descriptor.digest }, ['ERR_BAD_RESPONSE']);
    await scenario('wrong content for a digest', 'wrongContent', ['manifest'], { op: 'fetchManifest', target: subject.descriptor.digest }, ['ERR_DIGEST_MISMATCH']);
    await scenario('wrong blob', 'wrongContent', ['blob'], { op: 'fetchBlob', descriptor: ref(blob) }, ['ERR_SIZE_MISMATCH', 'ERR_DIGEST_MISMATCH']);
  });

  it('regression: a body dripping inside the idle timeout is cut off by the request deadline, as a timeout', async () => {
    // Before the deadline existed this read one byte per 50 ms until maxManifestBytes: hours.
    const patient = new RegistryClient({ insecureRegistries: [server.host], timeoutMs: 10_000, requestTimeoutMs: 400, retry: { attempts: 1 } });
    try {
      const repository = (behaviours.set('fz7001', { mode: 'drip', targets: new Set<Kind>(['manifest']), referrersApi: true, rng: new Rng(7) }), patient.repository(`${server.host}/fz7001`));
      const started = performance.now();
      const error = await repository.fetchManifest('v1').then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(OciError);
      expect((error as OciError).code).toBe('ERR_TIMEOUT');
      expect((error as OciError).message).toMatch(/timed out \(ERR_REQUEST_DEADLINE\)/);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await patient.close();
    }
  });

  it('referrers naming another subject are never returned (API and tag schema)', async () => {
    for (const referrersApi of [true, false]) {
      const rng = new Rng(referrersApi ? 1 : 2);
      const repository = open(`fz8${referrersApi ? 1 : 0}`, { mode: 'otherSubjects', targets: new Set<Kind>(['referrers', 'tagIndex']), referrersApi, rng });
      const listing = await repository.fetchReferrers(subject.descriptor.digest, { artifactType: SIGNATURE });
      expect(listing.referrers.every((referrer) => referrer.manifest.manifest.subject?.digest === subject.descriptor.digest)).toBe(true);
      expect(listing.referrers.map((referrer) => referrer.descriptor.digest)).not.toContain(foreignSignature.descriptor.digest);
      expect(listing.skipped.map((skipped) => skipped.error.code)).toContain('ERR_SUBJECT_MISMATCH');
    }
  });

  it('randomised hostile replies to manifest, blob, tag and referrers requests: 400 cases, each bounded, a checked result or an OciError', async () => {
    const seen = new Map<string, number>();
    const report = await runFuzzConcurrently('hostile registry', {
      seed: fuzzSeed(0x0c1a0002),
      cases: 400,
      concurrency: 16,
      watchdogMs: WATCHDOG_MS,
      generate: (rng, index) => {
        const mode = rng.pick(MODES);
        const targets = new Set<Kind>(rng.bool(0.3) ? KINDS : [rng.pick(KINDS)]);
        const operation = randomOperation(rng);
        const referrersApi = rng.bool(0.6);
        return {
          mutation: `${mode} on ${[...targets].join('+')}; ${JSON.stringify(operation)}; referrers API ${referrersApi}`,
          input: { repository: `fz${index}`, behaviour: { mode, targets, referrersApi, rng }, operation },
        };
      },
      check: async ({ repository, behaviour, operation }) => {
        const outcome = await expectResultOrOciError(() => perform(open(repository, behaviour), operation));
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
      },
      show: ({ repository, behaviour, operation }) => `${repository} ${behaviour.mode} ${JSON.stringify(operation)}`,
    });
    expect(report.cases).toBe(400);
    // The cases reached deep enough to meet most failure kinds, and some honest successes.
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['ok', 'ERR_BAD_RESPONSE', 'ERR_TIMEOUT', 'ERR_TOO_LARGE', 'ERR_DIGEST_MISMATCH', 'ERR_SIZE_MISMATCH', 'ERR_UNREACHABLE']));
    expect(unhandled).toEqual([]);
  });
});
