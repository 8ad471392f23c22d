import { MemoryCacheStore } from '@notary-gate/cache';
import { request } from 'undici';
import { startOpsServer } from '../http/ops-server';
import { ServiceMetrics } from '../metrics/service-metrics';
import { CHECK_TIMEOUT_MS, HealthService, cacheCheck, messagingCheck } from './health.service';

describe('HealthService', () => {
  it('is ready when every critical check passes, and lists each check', async () => {
    const health = new HealthService('discovery');
    let connected = true;
    health.register(messagingCheck({ isConnected: () => connected }));
    health.register(cacheCheck(new MemoryCacheStore()));
    health.register({ name: 'optional', critical: false, check: () => ({ ok: false, detail: 'meh' }) });
    expect(await health.readiness()).toEqual({
      status: 'ready',
      service: 'discovery',
      checks: [
        { name: 'nats', critical: true, ok: true, detail: 'connected' },
        { name: 'cache', critical: true, ok: true, detail: 'memory reachable' },
        { name: 'optional', critical: false, ok: false, detail: 'meh' },
      ],
    });
    connected = false;
    expect(await health.readiness()).toMatchObject({ status: 'unready', checks: [{ name: 'nats', ok: false, detail: 'not connected' }, {}, {}] });
  });

  it('turns a throwing or hanging check into a failed one', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const health = new HealthService('gateway');
      health.register({ name: 'throws', check: () => { throw new Error('nope'); } });
      health.register({ name: 'hangs', check: () => new Promise(() => undefined) });
      const pending = health.readiness();
      await jest.advanceTimersByTimeAsync(CHECK_TIMEOUT_MS);
      expect((await pending).checks).toEqual([
        { name: 'throws', critical: true, ok: false, detail: 'nope' },
        { name: 'hangs', critical: true, ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` },
      ]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('startOpsServer', () => {
  it('serves /healthz, /readyz and /metrics over plain HTTP', async () => {
    const health = new HealthService('signature-verifier');
    const metrics = new ServiceMetrics({ service: 'signature-verifier' });
    let ready = false;
    health.register({ name: 'nats', check: () => ({ ok: ready }) });
    const server = await startOpsServer({ port: 0, host: '127.0.0.1', health, metrics });
    try {
      const get = async (path: string, method: 'GET' | 'POST' = 'GET') => {
        const response = await request(`${server.url}${path}`, { method });
        return { status: response.statusCode, type: String(response.headers['content-type']), body: await response.body.text() };
      };
      expect(await get('/healthz')).toMatchObject({ status: 200, body: expect.stringContaining('"status":"alive"') });
      const unready = await get('/readyz');
      expect(unready.status).toBe(503);
      expect(JSON.parse(unready.body)).toEqual({ status: 'unready', service: 'signature-verifier', checks: [{ name: 'nats', critical: true, ok: false }] });
      ready = true;
      expect((await get('/readyz')).status).toBe(200);
      const exposition = await get('/metrics');
      expect(exposition.type).toMatch(/^text\/plain/);
      expect(exposition.body).toContain('notary_gate_verifications_total{outcome="verified",service="signature-verifier"} 0');
      expect(exposition.body).toContain('notary_gate_process_cpu_seconds_total');
      expect((await get('/nope')).status).toBe(404);
      expect((await get('/healthz', 'POST')).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
