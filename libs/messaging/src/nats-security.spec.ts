/**
 * NATS transport security against a real nats-server (started here, with
 * generated certificates): mutual TLS with the operator's CA, user +
 * password file, credentials in the URL, token file; wrong credentials and
 * certificates give one clear line naming the server and the cause, with no
 * secret in it, and a service keeps retrying with the cause in its health.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subjects, type VerifyReply } from '@notary-gate/contracts';
import { NatsJobsPort } from './nats-jobs-port';
import { NatsLink } from './nats-link';
import { natsConnectOptions, NatsSecurityError, redactUrl, type NatsSecurity } from './nats-security';
import { startNatsServer, type NatsServer } from './testing/nats-server';
import { generateTlsFiles, type TlsFiles } from './testing/tls';
import { isolation, startWorker, TIER_KEYS, within } from './test-support';

const PASSWORD = 'pw-Zq8!never-printed';
const TOKEN = 'tok-9f3e-never-printed';
const digest = `sha256:${'c'.repeat(64)}`;
const reply: VerifyReply = { verified: true, digest, signatureDigest: digest };
const request = { artifact: `registry.test/app@${digest}`, trustAnchorsPem: 'PEM', maxSignatureAttempts: 10 };

let tls: TlsFiles;
let users: NatsServer;
let tokens: NatsServer;
let passwordFile: string;
let wrongPasswordFile: string;
let tokenFile: string;

beforeAll(async () => {
  tls = await generateTlsFiles();
  passwordFile = join(tls.dir, 'password');
  wrongPasswordFile = join(tls.dir, 'wrong-password');
  tokenFile = join(tls.dir, 'token');
  writeFileSync(passwordFile, `${PASSWORD}\n`);
  writeFileSync(wrongPasswordFile, 'not-the-password\n');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  const tlsBlock = `tls { cert_file: "${tls.serverCertFile}", key_file: "${tls.serverKeyFile}", ca_file: "${tls.caFile}", verify: true, timeout: 2 }`;
  users = await startNatsServer(`${tlsBlock}\nauthorization { users = [ { user: "gateway", password: "${PASSWORD}" }, { user: "worker", password: "${PASSWORD}" } ] }`);
  tokens = await startNatsServer(`${tlsBlock}\nauthorization { token: "${TOKEN}" }`);
}, 30_000);

afterAll(async () => {
  await users?.stop();
  await tokens?.stop();
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

const mtls = (): NatsSecurity => ({ tlsCaFile: tls.caFile, tlsCertFile: tls.clientCertFile, tlsKeyFile: tls.clientKeyFile });

async function roundTrip(url: string, clientSecurity: NatsSecurity, workerSecurity: NatsSecurity, workerUrl = url): Promise<void> {
  const names = isolation();
  const worker = await startWorker({ ...names, subjects: [Subjects.verify], handlers: { verify: async () => reply }, url: workerUrl, security: workerSecurity });
  const link = await NatsLink.connect({ url, name: 'security-spec', security: clientSecurity });
  try {
    await expect(new NatsJobsPort(link, { subjectPrefix: names.subjectPrefix, tierKeys: TIER_KEYS }).verify(request, within(3_000))).resolves.toEqual(reply);
  } finally {
    await link.close();
    await worker.stop();
  }
}

async function failureOf(url: string, security: NatsSecurity): Promise<string> {
  try {
    const link = await NatsLink.connect({ url, security });
    await link.close();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the connection to fail');
}

describe('NATS over mutual TLS with authentication', () => {
  it('runs jobs with user + password file, and with the credentials in the URL', async () => {
    await roundTrip(users.url, { ...mtls(), user: 'gateway', passwordFile }, { ...mtls(), user: 'worker', passwordFile });
    const inUrl = `nats://gateway:${encodeURIComponent(PASSWORD)}@127.0.0.1:${users.port}`;
    await roundTrip(inUrl, mtls(), mtls());
  });

  it('runs jobs with a token file, and a token in the URL', async () => {
    await roundTrip(tokens.url, { ...mtls(), tokenFile }, { ...mtls(), tokenFile });
    await roundTrip(`nats://${TOKEN}@127.0.0.1:${tokens.port}`, mtls(), { ...mtls(), tokenFile }, tokens.url);
  });

  it('refuses wrong credentials and certificates in one line naming the server and the cause, never the secret', async () => {
    const wrong = await failureOf(users.url, { ...mtls(), user: 'gateway', passwordFile: wrongPasswordFile });
    expect(wrong).toBe(`cannot connect to NATS at ${users.url}: authorization violation: the server refused the credentials (user/password, token, NKey or creds)`);
    const noCert = await failureOf(users.url, { tlsCaFile: tls.caFile, user: 'gateway', passwordFile });
    expect(noCert).toMatch(new RegExp(`^cannot connect to NATS at ${users.url.replace(/[.]/g, '\\.')}: `));
    const untrusted = await failureOf(users.url, { ...mtls(), tlsCaFile: tls.otherCaFile, user: 'gateway', passwordFile });
    expect(untrusted).toMatch(/certificate/i);
    const urlSecret = await failureOf(`nats://gateway:wrong-in-url@127.0.0.1:${users.port}`, mtls());
    for (const message of [wrong, noCert, untrusted, urlSecret]) {
      expect(message).not.toContain(PASSWORD);
      expect(message).not.toContain('wrong-in-url');
      expect(message.split('\n')).toHaveLength(1);
    }
  });

  it('keeps retrying in a service, with the cause as its unavailable reason', async () => {
    const link = NatsLink.start({ url: `nats://gateway:bad@127.0.0.1:${users.port}`, security: mtls() });
    try {
      await link.settled();
      expect(link.isConnected()).toBe(false);
      expect(link.unavailableReason()).toBe(`cannot connect to NATS at nats://127.0.0.1:${users.port}: authorization violation: the server refused the credentials (user/password, token, NKey or creds)`);
    } finally {
      await link.close();
    }
  });
});

describe('natsConnectOptions', () => {
  it('refuses two authentication methods, half a client certificate, and unreadable or malformed secret files', () => {
    const error = (fn: () => unknown): string => {
      try {
        fn();
      } catch (caught) {
        expect(caught).toBeInstanceOf(NatsSecurityError);
        return (caught as Error).message;
      }
      throw new Error('expected NatsSecurityError');
    };
    expect(error(() => natsConnectOptions(`nats://u:p@h:4222`, { tokenFile }))).toBe('NATS authentication is given 2 ways (credentials in NATS_URL, NATS_TOKEN_FILE): give one');
    expect(error(() => natsConnectOptions('nats://h:4222', { tlsCertFile: tls.clientCertFile }))).toBe('NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE are given together');
    expect(error(() => natsConnectOptions('nats://h:4222', { tokenFile: '/nonexistent/token' }))).toBe('NATS_TOKEN_FILE (/nonexistent/token) cannot be read: ENOENT');
    expect(error(() => natsConnectOptions('nats://h:4222', { nkeySeedFile: tokenFile }))).toBe('NATS_NKEY_SEED_FILE does not hold an NKey seed (a line starting with S)');
    expect(error(() => natsConnectOptions('nats://h:4222', { credsFile: tokenFile }))).toBe('NATS_CREDS_FILE is not a NATS .creds file (user JWT and NKey seed)');
  });

  it('strips userinfo from the servers and from what it prints', () => {
    expect(natsConnectOptions('nats://a:b@h1:4222, tls://tok@h2:4443').servers).toEqual(['nats://h1:4222', 'tls://h2:4443']);
    expect(redactUrl('nats://a:b@h1:4222,nats://tok@h2:4222')).toBe('nats://h1:4222,nats://h2:4222');
  });
});
