/**
 * Registry client behaviours the real docker-registry cannot show, against a
 * small Node HTTP server: the referrers API, lying and oversized content,
 * 429 / 503 retries, token and basic auth, and the HTTPS-only rule.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { reply, startHttpServer, type RecordedRequest, type TestHttpServer } from '../../../test/support/http-server';
import { loadDockerConfig } from './auth/docker-config';
import { sha256Digest } from './digest';
import { OciError } from './errors';
import { RegistryClient, type RegistryClientOptions } from './registry-client';
import { EMPTY_CONFIG, MediaTypes, type Descriptor } from './types';

const SIGNATURE = MediaTypes.notarySignature;
const SBOM = 'application/spdx+json';

function manifest(fields: Record<string, unknown>): { bytes: Buffer; descriptor: Descriptor } {
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: EMPTY_CONFIG, layers: [], ...fields }));
  return { bytes, descriptor: { mediaType: MediaTypes.ociManifest, digest: sha256Digest(bytes), size: bytes.length } };
}

const subject = manifest({ annotations: { name: 'subject' } });
const subjectRef = { mediaType: subject.descriptor.mediaType, digest: subject.descriptor.digest, size: subject.descriptor.size };
const signature1 = manifest({ artifactType: SIGNATURE, subject: subjectRef, annotations: { n: '1' } });
const signature2 = manifest({ artifactType: SIGNATURE, subject: subjectRef, annotations: { n: '2' } });
const sbom = manifest({ artifactType: SBOM, subject: subjectRef });
const otherSubject = manifest({ annotations: { name: 'other' } });
const liar = manifest({
  artifactType: SIGNATURE,
  subject: { mediaType: otherSubject.descriptor.mediaType, digest: otherSubject.descriptor.digest, size: otherSubject.descriptor.size },
});
const allManifests = [subject, signature1, signature2, sbom, liar];

function serveManifest(request: RecordedRequest, response: ServerResponse): boolean {
  const match = /^\/v2\/app\/manifests\/([^?]+)$/.exec(request.url);
  if (!match) return false;
  const found = allManifests.find((m) => m.descriptor.digest === match[1]);
  if (!found) {
    reply(response, 404, JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }), { 'content-type': 'application/json' });
    return true;
  }
  reply(response, 200, found.bytes, { 'content-type': MediaTypes.ociManifest, 'docker-content-digest': found.descriptor.digest });
  return true;
}

function entry(m: { descriptor: Descriptor }, artifactType?: string): Descriptor {
  return { ...m.descriptor, ...(artifactType === undefined ? {} : { artifactType }) };
}

/** The OciError a promise rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<OciError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OciError);
    return error as OciError;
  }
  throw new Error('expected a rejection');
}

function indexBody(manifests: Descriptor[]): string {
  return JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests });
}

describe('RegistryClient against a test HTTP server', () => {
  let server: TestHttpServer;
  let client: RegistryClient;
  let delays: number[];

  const newClient = (options: RegistryClientOptions = {}): RegistryClient =>
    new RegistryClient({
      insecureRegistries: [server.host],
      retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 },
      sleep: async (ms) => void delays.push(ms),
      random: () => 0,
      ...options,
    });

  beforeEach(async () => {
    delays = [];
    server = await startHttpServer((_request, response) => reply(response, 404));
    client = newClient();
  });

  afterEach(async () => {
    await client.close();
    await server.stop();
  });

  const repo = (): ReturnType<RegistryClient['repository']> => client.repository(`${server.host}/app`);

  describe('referrers API', () => {
    it('follows Link pagination and filters by artifactType itself', async () => {
      server.setHandler((request, response) => {
        if (request.url.startsWith(`/v2/app/referrers/${subject.descriptor.digest}`)) {
          const second = request.url.includes('last=');
          const headers: Record<string, string> = { 'content-type': MediaTypes.ociIndex };
          if (!second) headers['link'] = `</v2/app/referrers/${subject.descriptor.digest}?artifactType=x&last=abc>; rel="next"`;
          return reply(response, 200, second ? indexBody([entry(signature2, SIGNATURE)]) : indexBody([entry(signature1, SIGNATURE), entry(sbom, SBOM)]), headers);
        }
        if (serveManifest(request, response)) return;
        reply(response, 404);
      });
      const listing = await repo().fetchReferrers(subject.descriptor.digest, { artifactType: SIGNATURE });
      expect(listing.referrers.map((r) => r.descriptor.digest)).toEqual([signature1.descriptor.digest, signature2.descriptor.digest]);
      expect(listing.referrers[0]!.descriptor).toEqual({ ...signature1.descriptor, artifactType: SIGNATURE, annotations: { n: '1' } });
      expect(listing.referrers[0]!.manifest.bytes.equals(signature1.bytes)).toBe(true);
      expect(listing.skipped).toEqual([]);
      const referrerCalls = server.requests().filter((r) => r.url.includes('/referrers/'));
      expect(referrerCalls).toHaveLength(2);
      expect(referrerCalls[0]!.url).toBe(`/v2/app/referrers/${subject.descriptor.digest}?artifactType=${encodeURIComponent(SIGNATURE)}`);
      expect(referrerCalls[0]!.headers['accept']).toBe(MediaTypes.ociIndex);
      // The sbom was filtered out before fetching; no tag-schema lookup happened.
      expect(server.requests().some((r) => r.url.endsWith(sbom.descriptor.digest))).toBe(false);
      expect(server.requests().some((r) => r.url.includes('sha256-'))).toBe(false);
    });

    it('trusts OCI-Filters-Applied for entries without artifactType, still checking each manifest', async () => {
      const untyped = [entry(signature1), entry(signature2)];
      let filtersHeader = true;
      server.setHandler((request, response) => {
        if (request.url.includes('/referrers/')) {
          return reply(response, 200, indexBody(untyped), {
            'content-type': MediaTypes.ociIndex,
            ...(filtersHeader ? { 'oci-filters-applied': 'artifactType' } : {}),
          });
        }
        if (serveManifest(request, response)) return;
        reply(response, 404);
      });
      expect(await repo().referrers(subject.descriptor.digest, { artifactType: SIGNATURE })).toHaveLength(2);
      filtersHeader = false;
      expect(await repo().referrers(subject.descriptor.digest, { artifactType: SIGNATURE })).toHaveLength(0);
    });

    it('drops a listed referrer whose manifest has another subject', async () => {
      server.setHandler((request, response) => {
        if (request.url.includes('/referrers/')) {
          return reply(response, 200, indexBody([entry(signature1, SIGNATURE), entry(liar, SIGNATURE)]), { 'content-type': MediaTypes.ociIndex });
        }
        if (serveManifest(request, response)) return;
        reply(response, 404);
      });
      const listing = await repo().fetchReferrers(subject.descriptor.digest);
      expect(listing.referrers.map((r) => r.descriptor.digest)).toEqual([signature1.descriptor.digest]);
      expect(listing.skipped).toHaveLength(1);
      expect(listing.skipped[0]!.error.code).toBe('ERR_SUBJECT_MISMATCH');
      expect(listing.skipped[0]!.error.message).toContain(otherSubject.descriptor.digest);
    });

    it('refuses more than maxReferrers instead of truncating', async () => {
      const many = Array.from({ length: 4 }, (_, i) => ({ mediaType: MediaTypes.ociManifest, digest: sha256Digest(Buffer.from(String(i))), size: 10, artifactType: SIGNATURE }));
      server.setHandler((request, response) => {
        if (request.url.includes('/referrers/')) return reply(response, 200, indexBody(many), { 'content-type': MediaTypes.ociIndex });
        reply(response, 404);
      });
      await client.close();
      client = newClient({ limits: { maxReferrers: 3 } });
      await expect(repo().referrers(subject.descriptor.digest)).rejects.toMatchObject({ code: 'ERR_TOO_MANY_REFERRERS' });
    });

    it('falls back to the sha256-<hex> tag on a plain 404 and caches that the API is missing', async () => {
      const tag = `sha256-${subject.descriptor.digest.slice(7)}`;
      server.setHandler((request, response) => {
        if (request.url.includes('/referrers/')) return reply(response, 404, '404 page not found', { 'content-type': 'text/plain' });
        if (request.url === `/v2/app/manifests/${tag}`) {
          return reply(response, 200, indexBody([entry(signature1, SIGNATURE), entry(sbom, SBOM)]), { 'content-type': MediaTypes.ociIndex });
        }
        if (serveManifest(request, response)) return;
        reply(response, 404);
      });
      const repository = repo();
      expect((await repository.referrers(subject.descriptor.digest, { artifactType: SIGNATURE })).map((d) => d.digest)).toEqual([signature1.descriptor.digest]);
      expect((await repository.referrers(subject.descriptor.digest)).map((d) => d.artifactType)).toEqual([SIGNATURE, SBOM]);
      expect(server.requests().filter((r) => r.url.includes('/referrers/'))).toHaveLength(1);
    });

    it('reports a missing repository (NAME_UNKNOWN) instead of falling back', async () => {
      server.setHandler((_request, response) =>
        reply(response, 404, JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }), { 'content-type': 'application/json' }),
      );
      await expect(repo().referrers(subject.descriptor.digest)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND', status: 404 });
    });
  });

  describe('content checks', () => {
    it('refuses a manifest whose bytes do not hash to the digest asked for', async () => {
      server.setHandler((_request, response) => reply(response, 200, signature2.bytes, { 'content-type': MediaTypes.ociManifest }));
      const error = await failure(repo().fetchManifest(signature1.descriptor.digest));
      expect(error.code).toBe('ERR_DIGEST_MISMATCH');
      expect(error.inconclusive).toBe(false);
      expect(error.message).toContain(`${server.host}/app@${signature1.descriptor.digest}`);
      expect(error.message).toContain(signature2.descriptor.digest);
      expect(error.registry).toBe(server.host);
    });

    it('refuses a blob whose bytes do not hash to its digest', async () => {
      server.setHandler((_request, response) => reply(response, 200, 'evil!', { 'content-type': 'application/octet-stream' }));
      const descriptor = { mediaType: 'application/jose+json', digest: sha256Digest(Buffer.from('good!')), size: 5 };
      await expect(repo().fetchBlob(descriptor, 100)).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
    });

    it('refuses a tag whose Docker-Content-Digest disagrees with the bytes', async () => {
      server.setHandler((_request, response) =>
        reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest, 'docker-content-digest': signature2.descriptor.digest }),
      );
      await expect(repo().fetchManifest('v1')).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
    });

    it('computes the digest of a manifest fetched by tag', async () => {
      server.setHandler((_request, response) => reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest }));
      const fetched = await repo().fetchManifest('v1');
      expect(fetched.descriptor).toEqual(signature1.descriptor);
    });

    it('refuses an oversized manifest, with or without Content-Length, and one larger than its descriptor', async () => {
      await client.close();
      client = newClient({ limits: { maxManifestBytes: 1024 } });
      const big = manifest({ annotations: { pad: 'x'.repeat(2000) } });
      server.setHandler((request, response) => {
        if (request.url.endsWith('chunked')) {
          response.writeHead(200, { 'content-type': MediaTypes.ociManifest });
          for (let i = 0; i < 8; i++) response.write(big.bytes.subarray(i * 300, (i + 1) * 300));
          response.end();
          return;
        }
        reply(response, 200, big.bytes, { 'content-type': MediaTypes.ociManifest });
      });
      await expect(repo().fetchManifest('v1')).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' });
      await expect(repo().fetchManifest('chunked')).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' });
      await expect(repo().fetchManifest(big.descriptor)).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' });
      await expect(repo().fetchManifest({ ...signature1.descriptor, size: signature1.descriptor.size - 1 })).rejects.toMatchObject({ code: 'ERR_SIZE_MISMATCH' });
      await expect(repo().fetchBlob({ mediaType: 'x', digest: big.descriptor.digest, size: 5000 }, 4096)).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' });
    });

    it('checks embedded descriptor data without a request', async () => {
      expect((await repo().fetchBlob(EMPTY_CONFIG, 10)).toString()).toBe('{}');
      await expect(repo().fetchBlob({ ...EMPTY_CONFIG, data: Buffer.from('[]').toString('base64') }, 10)).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
      expect(server.requests()).toHaveLength(0);
    });

    it('refuses malformed manifest JSON as a bad response', async () => {
      server.setHandler((_request, response) => reply(response, 200, '{"schemaVersion":2,"layers":"nope"}', { 'content-type': MediaTypes.ociManifest }));
      await expect(repo().fetchManifest('v1')).rejects.toMatchObject({ code: 'ERR_BAD_RESPONSE' });
    });
  });

  describe('resolve', () => {
    it('uses HEAD and Docker-Content-Digest, with the four manifest types accepted', async () => {
      server.setHandler((_request, response) =>
        reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest, 'docker-content-digest': signature1.descriptor.digest }),
      );
      expect(await repo().resolve('v1')).toEqual(signature1.descriptor);
      const [head] = server.requests();
      expect(head!.method).toBe('HEAD');
      for (const type of [MediaTypes.ociManifest, MediaTypes.ociIndex, MediaTypes.dockerManifest, MediaTypes.dockerManifestList]) {
        expect(head!.headers['accept']).toContain(type);
      }
    });

    it('keeps the connection alive across HEADs (undici would close it after each)', async () => {
      server.setHandler((_request, response) =>
        reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest, 'docker-content-digest': signature1.descriptor.digest }),
      );
      for (let i = 0; i < 3; i++) expect(await repo().resolve('v1')).toEqual(signature1.descriptor);
      expect(server.requests().map((r) => [r.method, r.headers['connection']])).toEqual([
        ['HEAD', 'keep-alive'],
        ['HEAD', 'keep-alive'],
        ['HEAD', 'keep-alive'],
      ]);
    });

    it('falls back to GET and hashing on 405 or a HEAD without digest', async () => {
      let headStatus = 405;
      server.setHandler((request, response) => {
        if (request.method === 'HEAD') return reply(response, headStatus, '', headStatus === 200 ? { 'content-type': MediaTypes.ociManifest } : {});
        reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest });
      });
      expect(await repo().resolve('v1')).toEqual(signature1.descriptor);
      headStatus = 200;
      expect(await repo().resolve('v1')).toEqual(signature1.descriptor);
      expect(server.requests().map((r) => r.method)).toEqual(['HEAD', 'GET', 'HEAD', 'GET']);
    });

    it('refuses a HEAD digest other than the digest asked for', async () => {
      server.setHandler((_request, response) =>
        reply(response, 200, '', { 'content-type': MediaTypes.ociManifest, 'docker-content-digest': signature2.descriptor.digest, 'content-length': '10' }),
      );
      await expect(repo().resolve(signature1.descriptor.digest)).rejects.toMatchObject({ code: 'ERR_DIGEST_MISMATCH' });
    });

    it('refuses an invalid tag or digest before any request', async () => {
      await expect(repo().resolve('-bad')).rejects.toMatchObject({ code: 'ERR_INVALID_REFERENCE' });
      await expect(repo().resolve('sha256:1234')).rejects.toMatchObject({ code: 'ERR_INVALID_REFERENCE' });
      expect(server.requests()).toHaveLength(0);
    });
  });

  describe('retries', () => {
    it('waits as Retry-After says on 429, then succeeds', async () => {
      let calls = 0;
      server.setHandler((_request, response) => {
        calls++;
        if (calls === 1) return reply(response, 429, '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', { 'retry-after': '2' });
        reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest });
      });
      const fetched = await repo().fetchManifest(signature1.descriptor.digest);
      expect(fetched.descriptor.digest).toBe(signature1.descriptor.digest);
      expect(calls).toBe(2);
      expect(delays).toEqual([2000]);
    });

    it('caps Retry-After (HTTP date) at maxDelayMs', async () => {
      let calls = 0;
      server.setHandler((_request, response) => {
        calls++;
        if (calls === 1) return reply(response, 503, '', { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() });
        reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest });
      });
      await repo().fetchManifest(signature1.descriptor.digest);
      expect(delays).toEqual([5_000]);
    });

    it('gives up on 503 after the configured attempts with an inconclusive error', async () => {
      server.setHandler((_request, response) => reply(response, 503, 'down for maintenance'));
      const error = await failure(repo().fetchManifest('v1'));
      expect(error).toBeInstanceOf(OciError);
      expect(error.code).toBe('ERR_SERVER_ERROR');
      expect(error.status).toBe(503);
      expect(error.inconclusive).toBe(true);
      expect(error.message).toContain(`${server.host}/app:v1`);
      expect(server.requests()).toHaveLength(3);
      expect(delays).toEqual([100, 200]); // base 200 ms doubled, jitter factor 0.5 with random() = 0
    });

    it('reports an unreachable registry as inconclusive after retrying', async () => {
      const host = server.host;
      await server.stop();
      server = await startHttpServer((_request, response) => reply(response, 404));
      await client.close();
      client = newClient({ insecureRegistries: [host] });
      const error = await failure(client.repository(`${host}/app`).fetchManifest('v1'));
      expect(error.code).toBe('ERR_UNREACHABLE');
      expect(error.inconclusive).toBe(true);
      expect(delays).toHaveLength(2);
    });

    it('does not retry a 404 (definitive)', async () => {
      const error = await failure(repo().fetchManifest('v1'));
      expect(error.code).toBe('ERR_NOT_FOUND');
      expect(error.inconclusive).toBe(false);
      expect(server.requests()).toHaveLength(1);
    });
  });

  describe('authentication', () => {
    let configDir: string;
    beforeEach(() => {
      configDir = mkdtempSync(join(tmpdir(), 'ng-docker-config-'));
    });
    afterEach(() => rmSync(configDir, { recursive: true, force: true }));

    const writeConfig = (auths: Record<string, unknown>): string => {
      const path = join(configDir, 'config.json');
      writeFileSync(path, JSON.stringify({ auths }));
      return path;
    };

    const bearerServer = (): void => {
      server.setHandler((request, response) => {
        if (request.url.startsWith('/token')) {
          const url = new URL(request.url, 'http://x');
          const expected = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
          if (request.headers['authorization'] !== expected) return reply(response, 401, '{"details":"bad credentials"}');
          if (url.searchParams.get('service') !== 'test-registry' || !url.searchParams.getAll('scope').includes('repository:app:pull')) return reply(response, 400);
          return reply(response, 200, JSON.stringify({ token: 'tok-123', expires_in: 300 }), { 'content-type': 'application/json' });
        }
        if (request.headers['authorization'] !== 'Bearer tok-123') {
          return reply(response, 401, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', {
            'www-authenticate': `Bearer realm="http://${server.host}/token",service="test-registry",scope="repository:app:pull"`,
          });
        }
        reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest });
      });
    };

    it('runs the bearer challenge flow with basic credentials from a docker config, caching the token', async () => {
      bearerServer();
      const credentials = await loadDockerConfig(writeConfig({ [server.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } }));
      await client.close();
      client = newClient({ credentials });
      await repo().fetchManifest('v1');
      await repo().fetchManifest('v2');
      const paths = server.requests().map((r) => `${r.method} ${r.url.split('?')[0]} ${r.headers['authorization'] === undefined ? '-' : 'auth'}`);
      expect(paths).toEqual(['GET /v2/app/manifests/v1 -', 'GET /token auth', 'GET /v2/app/manifests/v1 auth', 'GET /v2/app/manifests/v2 auth']);
    });

    it('says unauthorized without leaking the password when the token service refuses', async () => {
      bearerServer();
      const credentials = await loadDockerConfig(writeConfig({ [`http://${server.host}`]: { username: 'alice', password: 'wrong-pass' } }));
      await client.close();
      client = newClient({ credentials });
      const error = await failure(repo().fetchManifest('v1'));
      expect(error.code).toBe('ERR_UNAUTHORIZED');
      expect(error.message).not.toContain('wrong-pass');
      expect(error.message).toContain('refused the configured credentials');
    });

    it('renews an expired token (clock injected)', async () => {
      bearerServer();
      let now = 1_000_000;
      await client.close();
      client = newClient({ credentials: () => ({ username: 'alice', password: 's3cret' }), now: () => now });
      await repo().fetchManifest('v1');
      now += 299_000; // expires_in 300 s, renewed 5 s early
      await repo().fetchManifest('v1');
      expect(server.requests().filter((r) => r.url.startsWith('/token'))).toHaveLength(2);
    });

    it('exchanges an identity token at the realm (OAuth2 refresh-token grant)', async () => {
      server.setHandler((request, response) => {
        if (request.url.startsWith('/token')) {
          const form = new URLSearchParams(request.body.toString());
          const ok = request.method === 'POST' && form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-me' && form.get('scope') === 'repository:app:pull';
          return ok ? reply(response, 200, JSON.stringify({ access_token: 'tok-123' })) : reply(response, 401);
        }
        if (request.headers['authorization'] !== 'Bearer tok-123') {
          return reply(response, 401, '', { 'www-authenticate': `Bearer realm="http://${server.host}/token",service="test-registry"` });
        }
        reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest });
      });
      await client.close();
      client = newClient({ credentials: () => ({ identityToken: 'refresh-me' }) });
      expect((await repo().fetchManifest('v1')).descriptor.digest).toBe(signature1.descriptor.digest);
    });

    it('refuses to send credentials to a plain-HTTP token realm on a host not named insecure', async () => {
      const port = server.host.split(':')[1]!;
      server.setHandler((_request, response) =>
        reply(response, 401, '', { 'www-authenticate': `Bearer realm="http://localhost:${port}/token",service="s"` }),
      );
      await client.close();
      client = newClient({ credentials: () => ({ username: 'alice', password: 's3cret' }) });
      const error = await failure(repo().fetchManifest('v1'));
      expect(error.code).toBe('ERR_INSECURE_REFUSED');
      expect(server.requests().some((r) => r.url.startsWith('/token'))).toBe(false);
    });

    it('answers a Basic challenge and then sends Basic upfront', async () => {
      const expected = `Basic ${Buffer.from('bob:pw').toString('base64')}`;
      server.setHandler((request, response) => {
        if (request.headers['authorization'] !== expected) return reply(response, 401, '', { 'www-authenticate': 'Basic realm="test"' });
        reply(response, 200, signature1.bytes, { 'content-type': MediaTypes.ociManifest });
      });
      await client.close();
      client = newClient({ credentials: (registry) => (registry === server.host ? { username: 'bob', password: 'pw' } : undefined) });
      await repo().fetchManifest('v1');
      await repo().fetchManifest('v2');
      expect(server.requests().map((r) => r.headers['authorization'] === undefined)).toEqual([true, false, false]);
    });

    it('is unauthorized when a Basic challenge comes and there are no credentials', async () => {
      server.setHandler((_request, response) => reply(response, 401, '', { 'www-authenticate': 'Basic realm="test"' }));
      await expect(repo().fetchManifest('v1')).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED', status: 401 });
    });
  });

  describe('transport security', () => {
    it('refuses plain HTTP to a registry not named insecure, and says so', async () => {
      await client.close();
      client = newClient({ insecureRegistries: [] });
      const error = await failure(repo().fetchManifest('v1'));
      expect(error.code).toBe('ERR_INSECURE_REFUSED');
      expect(error.message).toContain('insecureRegistries');
      expect(error.message).toContain(server.host);
      expect(delays).toEqual([]); // not retried
    });

    it('follows a blob redirect to another origin without sending credentials there', async () => {
      const port = server.host.split(':')[1]!;
      const blob = Buffer.from('layer bytes');
      const digest = sha256Digest(blob);
      server.setHandler((request, response) => {
        if (request.url.startsWith('/storage/')) return reply(response, 200, blob);
        if (request.headers['authorization'] === undefined) return reply(response, 401, '', { 'www-authenticate': 'Basic realm="x"' });
        reply(response, 307, '', { location: `http://localhost:${port}/storage/${digest}?sig=1` });
      });
      await client.close();
      client = newClient({ insecureRegistries: [server.host, 'localhost'], credentials: () => ({ username: 'u', password: 'p' }) });
      expect((await repo().fetchBlob({ mediaType: 'x', digest, size: blob.length }, 100)).equals(blob)).toBe(true);
      const storage = server.requests().find((r) => r.url.startsWith('/storage/'))!;
      expect(storage.headers['authorization']).toBeUndefined();
      expect(storage.headers['host']).toBe(`localhost:${port}`);
    });
  });
});
