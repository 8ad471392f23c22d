/**
 * Certificate rotation: the gateway serves the PEM files it was given and,
 * when they are replaced, new TLS connections see the new certificate — no
 * restart. A half-written pair (new certificate, old key) is refused and the
 * current certificate kept.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { MessagingModule } from '@notary-gate/messaging';
import { JsonLogger } from '@notary-gate/service';
import { bootstrapGateway, loadGatewayConfig, selfSignedCertificate, type GatewayHandle, type TlsMaterial } from '../../../apps/gateway/src';

let dir: string;
let gateway: GatewayHandle;
let first: TlsMaterial;
let second: TlsMaterial;
const lines: Record<string, unknown>[] = [];

/** The SHA-256 fingerprint a new TLS connection sees, trusting both certificates. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: [first.cert, second.cert], servername: 'localhost' }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.once('error', reject);
  });
}

async function eventually(probe: () => Promise<string>, expected: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}

/** Replaces a file atomically (write + rename), as tools and Secret mounts do. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ng-tls-'));
  // Distinct subjects: OpenSSL finds a trust anchor by subject name.
  [first, second] = await Promise.all([selfSignedCertificate({ dnsNames: ['first.test'] }), selfSignedCertificate({ dnsNames: ['second.test'] })]);
  writeFileSync(join(dir, 'tls.crt'), first.cert);
  writeFileSync(join(dir, 'tls.key'), first.key);
  writeFileSync(join(dir, 'policy.yaml'), '');
  const config = loadGatewayConfig({
    TLS_CERT_FILE: join(dir, 'tls.crt'),
    TLS_KEY_FILE: join(dir, 'tls.key'),
    POLICY_DIR: dir,
    PORT: '0',
    HOST: '127.0.0.1',
    RELOAD_DEBOUNCE: '50ms',
    RESCAN_INTERVAL: '0s',
  });
  const never = () => new Promise<never>(() => undefined);
  gateway = await bootstrapGateway(config, {
    messaging: MessagingModule.forRoot({ handlers: { discover: never, verify: never, evaluate: never } }),
    logger: new JsonLogger({ service: 'gateway', write: (line) => lines.push(JSON.parse(line)) }),
  });
});

afterAll(async () => {
  await gateway?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('serves the certificate from the files and logs its fingerprint', async () => {
  expect(await servedFingerprint(gateway.port)).toBe(first.fingerprint);
  expect(gateway.fingerprint()).toBe(first.fingerprint);
  expect(lines).toContainEqual(expect.objectContaining({ msg: 'TLS certificate loaded', fingerprint: first.fingerprint }));
});

it('keeps the current certificate while the pair does not match', async () => {
  replace(join(dir, 'tls.crt'), second.cert);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await servedFingerprint(gateway.port)).toBe(first.fingerprint);
  expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'TLS reload failed, keeping the current certificate', fingerprint: first.fingerprint }));
});

it('switches new connections to the replaced certificate once the key matches', async () => {
  replace(join(dir, 'tls.key'), second.key);
  expect(await eventually(() => servedFingerprint(gateway.port), second.fingerprint)).toBe(second.fingerprint);
  expect(gateway.fingerprint()).toBe(second.fingerprint);
  expect(lines).toContainEqual(expect.objectContaining({ msg: 'TLS certificate reloaded', fingerprint: second.fingerprint, previous: first.fingerprint }));
});

it('generates a self-signed certificate for localhost, 127.0.0.1 and the service names when no files are given', async () => {
  const generated = await selfSignedCertificate({ dnsNames: ['notary-gate.notary-gate.svc'] });
  const { X509Certificate } = await import('node:crypto');
  const certificate = new X509Certificate(generated.cert);
  expect(certificate.subjectAltName).toBe('DNS:localhost, DNS:notary-gate.notary-gate.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  expect(certificate.checkPrivateKey((await import('node:crypto')).createPrivateKey(generated.key))).toBe(true);
  expect(certificate.ca).toBe(false);
  expect(generated.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});
