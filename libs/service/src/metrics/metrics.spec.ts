import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JobErrorCodes, JobFailure, type JobsPort } from '@notary-gate/contracts';
import { MemoryCacheStore } from '@notary-gate/cache';
import { request } from 'undici';
import { instrumentJobsPort } from './instrument-jobs';
import { countingRegistryDispatcher } from './registry-metrics';
import { ServiceMetrics } from './service-metrics';

/** The value of one series, whatever order prom-client prints its labels in (`name{a="1",b="2"}`). */
const line = (text: string, series: string): string | undefined => {
  const parse = (entry: string) => {
    const match = /^([a-z_]+)(?:\{(.*)\})?(?: (\S+))?$/.exec(entry.trim());
    if (!match) return undefined;
    const labels = (match[2] ?? '').split(',').filter(Boolean).sort().join(',');
    return { key: `${match[1]}{${labels}}`, value: match[3] };
  };
  const wanted = parse(series)!.key;
  const found = text.split('\n').map(parse).find((entry) => entry?.key === wanted);
  return found ? `${series} ${found.value}` : undefined;
};

describe('ServiceMetrics', () => {
  it('exposes the documented families with the service label', async () => {
    const metrics = new ServiceMetrics({ service: 'gateway', processMetrics: false });
    metrics.admission('mutate', 'allowed');
    metrics.admission('mutate', 'allowed');
    metrics.admission('mutate', 'denied');
    metrics.startStage('mutate')();
    const text = await metrics.render();
    expect(metrics.contentType).toMatch(/^text\/plain/);
    expect(line(text, 'notary_gate_admissions_total{webhook="mutate",result="allowed",service="gateway"}')).toMatch(/ 2$/);
    expect(line(text, 'notary_gate_admissions_total{webhook="mutate",result="denied",service="gateway"}')).toMatch(/ 1$/);
    expect(line(text, 'notary_gate_admissions_total{webhook="validate",result="error",service="gateway"}')).toMatch(/ 0$/);
    expect(line(text, 'notary_gate_stage_duration_seconds_count{stage="mutate",service="gateway"}')).toMatch(/ 1$/);
    expect(text).toContain('# TYPE notary_gate_verifications_total counter');
    expect(text).toContain('# TYPE notary_gate_registry_requests_total counter');
  });

  it("puts a gateway's cluster (CLUSTER_NAME) on every series, and nothing when it has none", async () => {
    const named = new ServiceMetrics({ service: 'gateway', cluster: 'cluster-a', processMetrics: false });
    named.admission('mutate', 'denied');
    expect(line(await named.render(), 'notary_gate_admissions_total{webhook="mutate",result="denied",service="gateway",cluster="cluster-a"}')).toMatch(/ 1$/);
    const unnamed = new ServiceMetrics({ service: 'gateway', processMetrics: false });
    expect(await unnamed.render()).not.toContain('cluster=');
  });

  it('binds the cache metrics port and counts hits and misses of a real store', async () => {
    const metrics = new ServiceMetrics({ service: 'discovery', processMetrics: false });
    const store = new MemoryCacheStore({ metrics: metrics.cacheMetrics() });
    const key = 'ng:v1:tag:reg/repo:tag';
    await store.fill(key, 60_000, async () => ({ value: Buffer.from('x') }));
    await store.fill(key, 60_000, async () => ({ value: Buffer.from('y') }));
    metrics.cacheMetrics().error('verdict', 'get');
    const text = await metrics.render();
    expect(text).toMatch(/notary_gate_cache_requests_total\{kind="\w+",result="hit",service="discovery"\} 1/);
    expect(text).toMatch(/notary_gate_cache_requests_total\{kind="\w+",result="miss",service="discovery"\} 1/);
    expect(text).toMatch(/notary_gate_cache_fills_total\{kind="\w+",service="discovery"\} 1/);
    expect(text).toContain('notary_gate_cache_errors_total{kind="verdict",operation="get",service="discovery"} 1');
    await store.close();
  });

  it('times jobs through the port and counts verifications by outcome', async () => {
    const metrics = new ServiceMetrics({ service: 'gateway', processMetrics: false });
    let next: 'verified' | 'failed' | 'timeout' | 'refused' = 'verified';
    const port: JobsPort = {
      discover: async () => ({ repository: 'r', descriptor: { mediaType: 'm', digest: 'sha256:x', size: 1 }, referrers: {} }),
      verify: async () => {
        if (next === 'timeout') throw new JobFailure(JobErrorCodes.timeout, 'late');
        if (next === 'refused') throw new JobFailure(JobErrorCodes.registryRefused, 'digest mismatch');
        return next === 'verified' ? { verified: true, digest: 'd', signatureDigest: 's' } : { verified: false, digest: 'd', message: 'no', code: 'ERR_NO_SIGNATURE' };
      },
      evaluate: async () => ({ attestations: [] }),
    };
    const instrumented = instrumentJobsPort(port, metrics);
    const options = { deadline: Date.now() + 1000, requestId: 'r' };
    const request = { artifact: 'a@sha256:x', trustAnchorsPem: '', maxSignatureAttempts: 10 };
    await instrumented.discover({ image: 'a:b' }, options);
    await instrumented.verify(request, options);
    next = 'failed';
    await instrumented.verify(request, options);
    next = 'timeout';
    await expect(instrumented.verify(request, options)).rejects.toMatchObject({ code: 'TIMEOUT' });
    next = 'refused';
    await expect(instrumented.verify(request, options)).rejects.toMatchObject({ code: 'REGISTRY_REFUSED' });
    const text = await metrics.render();
    expect(line(text, 'notary_gate_verifications_total{outcome="verified",service="gateway"}')).toMatch(/ 1$/);
    expect(line(text, 'notary_gate_verifications_total{outcome="failed",service="gateway"}')).toMatch(/ 2$/);
    expect(line(text, 'notary_gate_verifications_total{outcome="inconclusive",service="gateway"}')).toMatch(/ 1$/);
    expect(line(text, 'notary_gate_job_duration_seconds_count{subject="notary.v1.verify",outcome="ok",service="gateway"}')).toMatch(/ 2$/);
    expect(line(text, 'notary_gate_job_duration_seconds_count{subject="notary.v1.verify",outcome="TIMEOUT",service="gateway"}')).toMatch(/ 1$/);
    expect(line(text, 'notary_gate_job_duration_seconds_count{subject="notary.v1.discover",outcome="ok",service="gateway"}')).toMatch(/ 1$/);
  });

  it('counts registry requests by status through a counting dispatcher', async () => {
    const server = createServer((incoming, response) => {
      response.statusCode = incoming.url === '/v2/' ? 200 : 404;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const metrics = new ServiceMetrics({ service: 'discovery', processMetrics: false });
    const dispatcher = countingRegistryDispatcher(metrics);
    try {
      for (const path of ['/v2/', '/v2/', '/v2/missing/manifests/x']) {
        const response = await request(`http://${host}${path}`, { dispatcher, method: path === '/v2/' ? 'GET' : 'HEAD' });
        await response.body.dump();
      }
      await expect(request('http://127.0.0.1:1/v2/', { dispatcher })).rejects.toThrow();
      const text = await metrics.render();
      expect(line(text, `notary_gate_registry_requests_total{registry="${host}",method="GET",status="200",service="discovery"}`)).toMatch(/ 2$/);
      expect(line(text, `notary_gate_registry_requests_total{registry="${host}",method="HEAD",status="404",service="discovery"}`)).toMatch(/ 1$/);
      expect(line(text, 'notary_gate_registry_requests_total{registry="127.0.0.1:1",method="GET",status="error",service="discovery"}')).toMatch(/ 1$/);
    } finally {
      await dispatcher.close();
      server.close();
    }
  });
});
