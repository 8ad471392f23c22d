/**
 * Per-cluster registry credentials (issue 9 §3) against a real htpasswd
 * registry (Debian's docker-registry) and real Redis: a job carrying its
 * cluster's credentials reads the private repository; a job without them is
 * refused even right after (what the credentials saw is cached under a keyed
 * hash of their identity, never under the shared key); two clusters'
 * credentials get two scopes; no credential reaches Redis. And the tier's own
 * docker config may name credential helpers (docker-credential-*).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCacheStore, type ManagedCacheStore } from '@notary-gate/cache';
import { TierKeys, type RegistryCredentials } from '@notary-gate/contracts';
import { MediaTypes, openRepository, type Descriptor } from '@notary-gate/oci';
import { createWorkers } from '@notary-gate/workers';
import { Redis } from 'ioredis';
import { freePort, REGISTRY_BINARY } from '../../../test/support/registry';
import { credentialHelperLookup, readCredentialHelpers } from './credential-helpers';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const EAST = { username: 'east', password: 'east-pw-never-stored' };
const WEST = { username: 'west', password: 'west-pw-never-stored' };

let work: string;
let registry: ChildProcess;
let host: string;
let image: Descriptor;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ng-htpasswd-'));
  const bcrypt = (password: string) =>
    execFileSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', password], { encoding: 'utf8' }).trim();
  writeFileSync(join(work, 'htpasswd'), `${EAST.username}:${bcrypt(EAST.password)}\n${WEST.username}:${bcrypt(WEST.password)}\n`);
  const port = await freePort();
  host = `127.0.0.1:${port}`;
  writeFileSync(
    join(work, 'config.yml'),
    ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(work, 'data')}`, 'auth:', '  htpasswd:', '    realm: notary-gate-test', `    path: ${join(work, 'htpasswd')}`, 'http:', `  addr: ${host}`, ''].join('\n'),
  );
  registry = spawn(REGISTRY_BINARY, ['serve', join(work, 'config.yml')], { stdio: 'ignore' });
  for (let attempt = 0; ; attempt++) {
    const answer = await fetch(`http://${host}/v2/`).catch(() => undefined);
    if (answer?.status === 401) break;
    if (attempt > 100) throw new Error('htpasswd registry did not start');
    await sleep(50);
  }
  const opened = openRepository(`${host}/private/app:v1`, { insecureRegistries: [host], credentials: () => EAST });
  const config = await opened.repository.pushBlob(Buffer.from('{"architecture":"amd64","os":"linux"}'), 'application/vnd.oci.image.config.v1+json');
  const manifest = { schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: { mediaType: config.mediaType, digest: config.digest, size: config.size }, layers: [] };
  image = await opened.repository.pushManifest(Buffer.from(JSON.stringify(manifest)), MediaTypes.ociManifest, 'v1');
}, 30_000);

afterAll(() => {
  registry?.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('registry credentials travelling in jobs', () => {
  const prefix = `test-${randomUUID()}:`;
  let store: ManagedCacheStore;
  let admin: Redis;

  beforeAll(async () => {
    store = await createCacheStore({ redisUrl: REDIS_URL, keyPrefix: prefix, tierKeys: TierKeys.of(randomBytes(32)) });
    admin = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
    await store.close();
  });

  it('reads a private repository with the job credentials only, caching per credential identity and never the credentials', async () => {
    const tierKeys = TierKeys.of(randomBytes(32));
    const workers = createWorkers({ registry: { insecureRegistries: [host], retry: { attempts: 1 } }, cache: store, tierKeys, revocation: 'offline' });
    try {
      const east: RegistryCredentials = { [host]: EAST };
      const west: RegistryCredentials = { [host]: WEST };
      await expect(workers.discover({ image: `${host}/private/app:v1`, registryCredentials: east })).resolves.toMatchObject({ descriptor: { digest: image.digest } });
      // Right after, without credentials: refused by the registry, not answered from the cache.
      await expect(workers.discover({ image: `${host}/private/app:v1` })).rejects.toMatchObject({ code: 'REGISTRY_REFUSED' });
      await expect(workers.discover({ image: `${host}/private/app:v1`, registryCredentials: { [host]: { username: 'east', password: 'wrong' } } })).rejects.toMatchObject({
        code: 'REGISTRY_REFUSED',
      });
      await expect(workers.discover({ image: `${host}/private/app:v1`, registryCredentials: west })).resolves.toMatchObject({ descriptor: { digest: image.digest } });

      const tagKeys = (await admin.keys(`${prefix}ng:v1:tag:*`)).sort();
      expect(tagKeys).toHaveLength(2);
      for (const key of tagKeys) expect(key).toMatch(/:tag:127\.0\.0\.1:\d+\/private\/app:v1\|cred=[0-9a-f]{32}$/);
      for (const key of await admin.keys(`${prefix}*`)) {
        const value = (await admin.getBuffer(key))?.toString('latin1') ?? '';
        for (const secret of [EAST.password, WEST.password]) {
          expect(key).not.toContain(secret);
          expect(value).not.toContain(secret);
        }
      }
    } finally {
      await workers.close();
    }
  });
});

describe("docker credential helpers (credHelpers, credsStore) of the tier's own docker config", () => {
  it('runs docker-credential-<helper> get for the registry, and warns once (no credentials) when a helper is missing', async () => {
    const bin = join(work, 'bin');
    mkdirSync(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-ngtest');
    writeFileSync(
      helper,
      `#!/bin/sh\nread host\nif [ "$host" = "${host}" ]; then printf '{"ServerURL":"%s","Username":"${EAST.username}","Secret":"${EAST.password}"}' "$host"; else echo "credentials not found in native keychain"; exit 1; fi\n`,
    );
    chmodSync(helper, 0o755);
    const dockerDir = mkdtempSync(join(work, 'docker-'));
    const file = join(dockerDir, 'config.json');
    // jest gives the test its own process.env: the helper's PATH is passed explicitly.
    const env = { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` };
    const run = async (helperName: string) => {
      writeFileSync(file, JSON.stringify({ auths: {}, credHelpers: { [host]: helperName } }));
      const warnings: string[] = [];
      const lookup = credentialHelperLookup(readCredentialHelpers(file)!, { env, onWarning: (message) => void warnings.push(message) });
      const workers = createWorkers({ registry: { insecureRegistries: [host], credentials: lookup, retry: { attempts: 1 } }, revocation: 'offline' });
      try {
        const outcome = await workers.discover({ image: `${host}/private/app:v1` }).then(
          (reply) => reply.descriptor.digest,
          (error: { code?: string }) => error.code,
        );
        lookup(host); // asked again: answered from memory, warned once
        return { outcome, warnings };
      } finally {
        await workers.close();
      }
    };
    expect(await run('ngtest')).toEqual({ outcome: image.digest, warnings: [] });
    expect(await run('not-installed')).toEqual({ outcome: 'REGISTRY_REFUSED', warnings: [`docker-credential-not-installed is not installed for ${host}: using no credentials from it`] });
    expect(readCredentialHelpers(join(work, 'none.json'))).toBeUndefined();
  });
});
