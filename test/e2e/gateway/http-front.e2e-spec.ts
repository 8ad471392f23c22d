/**
 * The hardened HTTP front of the gateway (issue 9 §6, issue 11): real TLS
 * connections against bootstrapGateway with small limits, so that one
 * tenant's slow connections, huge pods or bursts cannot push other
 * admissions past the API server's timeout.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { MessagingModule } from '@notary-gate/messaging';
import { JsonLogger } from '@notary-gate/service';
import { bootstrapGateway, loadGatewayConfig, type GatewayHandle } from '../../../apps/gateway/src';
import { podRequest } from '../../support/admission';
import { fixturePath } from '../../support/fixtures';

const LIMITS = { headersTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxConnections: 40, maxInFlight: 2, maxContainers: 50, maxImages: 10, maxBodyBytes: 1024 * 1024 };
let jobsAsked = 0;
const never = () => (jobsAsked++, new Promise<never>(() => undefined));

let gateway: GatewayHandle;
let agent: Agent;
let work: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ng-front-'));
  // The seed's notary policy with a 3 s webhook timeout (failurePolicy Fail): the stuck tier answers nothing.
  const policy = readFileSync(fixturePath('seed/policies/check-image-notary.yaml'), 'utf8').replace('    timeoutSeconds: 30\n', '    timeoutSeconds: 3\n');
  expect(policy).toContain('timeoutSeconds: 3\n');
  writeFileSync(join(work, 'policy.yaml'), policy);
  gateway = await bootstrapGateway(loadGatewayConfig({ POLICY_DIR: work, PORT: '0', HOST: '127.0.0.1', RESCAN_INTERVAL: '0s' }), {
    messaging: MessagingModule.forRoot({ handlers: { discover: never, verify: never, evaluate: never } }),
    logger: new JsonLogger({ service: 'gateway', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
    limits: LIMITS,
  });
  agent = new Agent({ connect: { ca: gateway.certificate() }, connections: 50 });
});

afterAll(async () => {
  await gateway?.close();
  await agent?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const review = (admission: object) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: admission });

async function mutate(body: unknown): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const started = Date.now();
  const answer = await request(`${gateway.url}/mutate`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: answer.statusCode, body: (await answer.body.json()) as Record<string, unknown>, ms: Date.now() - started };
}

function podWith(containers: number, images: number) {
  const admission = podRequest('ghcr.io/kyverno/test-verify-image:signed', { uid: `uid-${containers}-${images}`, name: 'big' });
  (admission.object as { spec: { containers: unknown[] } }).spec.containers = Array.from({ length: containers }, (_, index) => ({
    name: `c${index}`,
    image: `ghcr.io/kyverno/test-verify-image:v${index % images}`,
  }));
  return admission;
}

/** A TLS connection to the gateway, resolved once the handshake is done. */
function tlsConnection(): Promise<TLSSocket> {
  const { port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), ca: gateway.certificate(), servername: 'localhost' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

const closed = (socket: TLSSocket) => new Promise<number>((resolve) => (socket.destroyed ? resolve(Date.now()) : socket.once('close', () => resolve(Date.now()))));

describe('the admission front', () => {
  it('closes slowloris connections within the header timeout, and keeps answering others meanwhile', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, tlsConnection));
    const started = Date.now();
    const ends = sockets.map((socket) => {
      socket.on('error', () => undefined);
      socket.write('POST /mutate HTTP/1.1\r\nHost: gateway\r\n');
      // One more header byte every 200 ms: never a complete request.
      const drip = setInterval(() => (socket.destroyed ? clearInterval(drip) : socket.write('X')), 200);
      return closed(socket).finally(() => clearInterval(drip));
    });
    const health = await request(`${gateway.url}/healthz`, { dispatcher: agent });
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    const closedAt = await Promise.all(ends);
    // headersTimeout (1 s) plus the server's check interval (≤ 1 s) and some scheduling slack.
    for (const at of closedAt) expect(at - started).toBeLessThan(LIMITS.headersTimeoutMs + 2_500);
  });

  it('denies a pod with too many containers at once, with a clear message and no job', async () => {
    const asked = jobsAsked;
    const { status, body, ms } = await mutate(review(podWith(5_000, 1)));
    expect(status).toBe(200);
    expect(jobsAsked).toBe(asked);
    const response = body['response'] as { uid: string; allowed: boolean; status: { message: string } };
    expect(response).toMatchObject({ uid: 'uid-5000-1', allowed: false });
    expect(response.status.message).toBe('Pod/default/big was denied without verification: it has 5000 containers, more than the 50 one admission may carry');
    expect(ms).toBeLessThan(2_000);
  });

  it('denies a pod naming too many distinct images at once', async () => {
    const { body } = await mutate(review(podWith(40, 20)));
    expect((body['response'] as { status: { message: string } }).status.message).toContain('it names 20 distinct images, more than the 10 one admission may carry');
  });

  it('answers a body over the size cap with 413 and closes the connection', async () => {
    const { status, body } = await mutate(JSON.stringify(review({ ...podWith(1, 1), padding: 'x'.repeat(1100 * 1024) })));
    expect(status).toBe(413);
    expect(body).toMatchObject({ code: 'ERR_REVIEW_TOO_LARGE' });
    expect(String(body['message'])).toContain('1048576 bytes');
  });

  it('still answers a malformed review with 400 and its path, and a body that is not JSON with 400', async () => {
    const missingUid = review({ ...podRequest('ghcr.io/kyverno/test-verify-image:signed'), uid: undefined });
    expect(await mutate(missingUid)).toMatchObject({ status: 400, body: { code: 'ERR_MALFORMED_REVIEW', path: 'request.uid' } });
    const notJson = await mutate('{"apiVersion": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ code: 'ERR_MALFORMED_REVIEW' });
  });

  it('answers at once by failurePolicy past the in-flight cap (Fail: denied, naming the overload)', async () => {
    // Two admissions the stuck tier holds until the 3 s deadline; the third arrives while they are in flight.
    const held = [mutate(review(podRequest('ghcr.io/kyverno/test-verify-image:a', { uid: 'held-1' }))), mutate(review(podRequest('ghcr.io/kyverno/test-verify-image:b', { uid: 'held-2' })))];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const third = await mutate(review(podRequest('ghcr.io/kyverno/test-verify-image:c', { uid: 'third' })));
    expect(third.ms).toBeLessThan(1_000);
    const response = third.body['response'] as { uid: string; allowed: boolean; status: { message: string } };
    expect(response).toMatchObject({ uid: 'third', allowed: false });
    expect(response.status.message).toContain('the gateway is overloaded (2 admissions in flight, at most 2)');
    for (const answer of await Promise.all(held)) expect((answer.body['response'] as { allowed: boolean }).allowed).toBe(false);
    expect(lines.some((line) => line['requestId'] === 'third' && String(line['msg']).includes('overloaded'))).toBe(true);
  });

  it('holds at most maxConnections connections', async () => {
    const held: TLSSocket[] = [];
    let refused = 0;
    try {
      // Besides these, the suite's client may hold a few keep-alive connections of its own.
      for (let attempt = 0; attempt < LIMITS.maxConnections + 5; attempt++) {
        const socket = await tlsConnection().catch(() => undefined);
        if (socket) held.push(socket);
        else refused++;
      }
      expect(held.length).toBeLessThanOrEqual(LIMITS.maxConnections);
      expect(refused).toBeGreaterThanOrEqual(5);
    } finally {
      for (const socket of held) socket.destroy();
    }
  });
});
