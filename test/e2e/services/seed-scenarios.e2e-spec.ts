/**
 * Issue "Done when", first and last items: every scenario of the seed through
 * the services — real AdmissionReviews over HTTPS to the gateway, jobs over
 * real NATS to the three workers (Nest apps on the NATS transport, caching in
 * real Redis), images in the real registry — and the same scenarios through
 * the embedded `notary-gate serve` (in-process transport, memory cache, no
 * NATS, no Redis).
 */
import type { ServeHandle } from '../../../apps/cli/src/commands/serve';
import { ServiceMetrics } from '@notary-gate/service';
import type { WorkerHost } from '@notary-gate/worker-host';
import { describeSeedScenarios, policySets, type PolicySet } from './support/seed-scenarios';
import { useSeedWorld, type SeedWorld } from './support/seed-world';
import { closeAll, isolation, LogSink, metricValue, startGateway, startWorkerTier } from './support/services';

let world: SeedWorld;

useSeedWorld((started) => (world = started));

/** One gateway per policy set (two seed policies share a name), all in front of the same workers. */
async function startGateways(start: (set: PolicySet, policyDir: string, configMaps: boolean) => Promise<ServeHandle & { url: string }>) {
  const gateways = {} as Record<PolicySet, ServeHandle & { url: string }>;
  const sets = Object.entries(policySets(world)) as [PolicySet, ReturnType<typeof policySets>[PolicySet]][];
  await Promise.all(sets.map(async ([set, spec]) => (gateways[set] = await start(set, world.policyDirWith(spec.files), spec.configMaps ?? true))));
  return gateways;
}

describe('distributed: gateway → NATS → discovery, signature-verifier, attestation-evaluator (Redis cache)', () => {
  const names = isolation();
  const sink = new LogSink();
  let workers: WorkerHost[] = [];
  let gateways: Record<PolicySet, ServeHandle & { url: string }>;

  beforeAll(async () => {
    workers = await startWorkerTier(world, names, sink);
    gateways = await startGateways((_set, policyDir, configMaps) => startGateway(world, names, sink, { policyDir, configMapDir: configMaps ? undefined : null }));
  }, 30_000);

  afterAll(async () => {
    await closeAll(...Object.values(gateways ?? {}), ...workers);
  });

  describeSeedScenarios(
    () => world,
    (set) => gateways[set].url,
  );

  it('did the work on the workers, over NATS, with request ids in their JSON logs', async () => {
    const [discovery, verifier, evaluator] = workers;
    expect(await metricValue(discovery!.metrics, 'notary_gate_job_handler_duration_seconds_count', { subject: 'notary.v1.discover' })).toBeGreaterThan(0);
    expect(await metricValue(verifier!.metrics, 'notary_gate_verifications_total', { outcome: 'verified' })).toBeGreaterThan(0);
    expect(await metricValue(verifier!.metrics, 'notary_gate_verifications_total', { outcome: 'failed' })).toBeGreaterThan(0);
    expect(await metricValue(evaluator!.metrics, 'notary_gate_job_handler_duration_seconds_count', { subject: 'notary.v1.evaluate' })).toBeGreaterThan(0);
    expect(await metricValue(discovery!.metrics, 'notary_gate_cache_requests_total', { kind: 'tag' })).toBeGreaterThan(0);
    expect(await metricValue(discovery!.metrics, 'notary_gate_registry_requests_total', { registry: world.registry.host })).toBeGreaterThan(0);
    // The gateway itself verified nothing: it has no registry traffic.
    expect(await metricValue(gateways.notary.gateway!.app.get(ServiceMetrics), 'notary_gate_registry_requests_total')).toBe(0);
    expect(await metricValue(gateways.notary.gateway!.app.get(ServiceMetrics), 'notary_gate_admissions_total', { webhook: 'mutate', result: 'denied' })).toBeGreaterThan(0);
    expect(sink.lines).toContainEqual(expect.objectContaining({ service: 'gateway', msg: 'mutate: denied', requestId: 'uid-test' }));
  });
});

describe('embedded: notary-gate serve with no NATS and no Redis', () => {
  const names = isolation();
  const sink = new LogSink();
  let gateways: Record<PolicySet, ServeHandle & { url: string }>;

  beforeAll(async () => {
    gateways = await startGateways((_set, policyDir, configMaps) => startGateway(world, names, sink, { policyDir, configMapDir: configMaps ? undefined : null, embedded: true }));
  }, 30_000);

  afterAll(async () => {
    await closeAll(...Object.values(gateways ?? {}));
  });

  it('runs every role in one process, in-process, with the memory cache', () => {
    for (const served of Object.values(gateways)) {
      expect(served.role).toBe('all');
      expect(served.workers).toEqual([]);
    }
    expect(sink.lines).toContainEqual(expect.objectContaining({ service: 'embedded', msg: 'notary-gate serve: embedded mode (in-process transport)', cache: 'memory' }));
  });

  describeSeedScenarios(
    () => world,
    (set) => gateways[set].url,
  );
});
