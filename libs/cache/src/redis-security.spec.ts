/**
 * Redis transport security against a real redis-server started here: TLS
 * only (no plain port), client certificates required, an ACL user limited
 * to its key prefix. The cache works over it with the CA, the client
 * certificate and the user's password; a wrong password or a missing client
 * certificate degrade to "no cache" (never a failure), and the reason
 * reaches the error handler without the password.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateTlsFiles, type TlsFiles } from '../../messaging/src/testing/tls';
import { RedisCacheStore } from './redis-cache-store';

const PASSWORD = 'acl-pw-Qx7-never-printed';

let tls: TlsFiles;
let port: number;
let server: ChildProcess;

beforeAll(async () => {
  tls = await generateTlsFiles();
  port = await freePort();
  server = spawn('redis-server', [
    '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--tls-cert-file', tls.serverCertFile, '--tls-key-file', tls.serverKeyFile, '--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'yes',
    '--user', 'default', 'off',
    '--user', 'notary-workers', 'on', `>${PASSWORD}`, '~ng-test:*', '-@all', '+get', '+set', '+del', '+pexpire', '+eval', '+evalsha', '+ping', '+hello', '+auth', '+client|setname', '+info',
  ], { stdio: 'ignore' });
  const deadline = Date.now() + 5_000;
  for (;;) {
    const probe = store();
    const up = await probe.waitUntilReady(300);
    await probe.close();
    if (up) break;
    if (server.exitCode !== null || Date.now() > deadline) throw new Error('redis-server with TLS did not start');
    await sleep(50);
  }
}, 20_000);

afterAll(async () => {
  server?.kill('SIGKILL');
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

function store(overrides: Partial<ConstructorParameters<typeof RedisCacheStore>[0]> = {}, errors: string[] = []): RedisCacheStore {
  return new RedisCacheStore({
    url: `rediss://127.0.0.1:${port}`,
    keyPrefix: 'ng-test:',
    tls: { ca: readFileSync(tls.caFile, 'utf8'), cert: readFileSync(tls.clientCertFile, 'utf8'), key: readFileSync(tls.clientKeyFile, 'utf8') },
    username: 'notary-workers',
    password: PASSWORD,
    onError: (error) => errors.push(error.message),
    ...overrides,
  });
}

describe('Redis over TLS with client certificates and an ACL user', () => {
  it('caches through the ACL user, within its key prefix', async () => {
    const cache = store();
    try {
      expect(await cache.waitUntilReady(3_000)).toBe(true);
      await cache.set('ng:v1:tag:r/a:1', Buffer.from('hello'), 10_000);
      expect((await cache.get('ng:v1:tag:r/a:1'))?.toString()).toBe('hello');
      expect((await cache.fill('ng:v1:tag:r/a:2', 10_000, async () => ({ value: Buffer.from('filled') })))?.toString()).toBe('filled');
      expect(await cache.ping()).toBe(true);
    } finally {
      await cache.close();
    }
  });

  it('degrades to no cache with a wrong password or without a client certificate, saying why but never the password', async () => {
    for (const overrides of [{ password: 'wrong-password-xyz' }, { tls: { ca: readFileSync(tls.caFile, 'utf8') } }]) {
      const errors: string[] = [];
      const cache = store(overrides, errors);
      try {
        expect(await cache.waitUntilReady(1_500)).toBe(false);
        expect(await cache.get('ng:v1:tag:r/a:1')).toBeNull();
        expect(await cache.ping()).toBe(false);
        expect(errors.length).toBeGreaterThan(0);
        for (const message of errors) {
          expect(message).not.toContain(PASSWORD);
          expect(message).not.toContain('wrong-password-xyz');
        }
      } finally {
        await cache.close();
      }
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
