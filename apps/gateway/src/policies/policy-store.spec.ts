import { mkdtempSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthService, JsonLogger, ServiceMetrics } from '@notary-gate/service';
import { loadPolicyDirectory } from './policy-directory';
import { PolicyStore } from './policy-store';

const policy = (name: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ${name}}
spec:
  rules:
    - name: r
      match: {any: [{resources: {kinds: [Pod]}}]}
      verifyImages:
        - type: Notary
          imageReferences: ['registry.test/*']
          failureAction: Enforce
          attestors: [{entries: [{certificates: {cert: 'x'}}]}]
`;

const setup = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ng-policies-'));
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger({ service: 'gateway', write: (line) => lines.push(JSON.parse(line)) });
  const store = new PolicyStore({ directory: dir, debounceMs: 10, rescanIntervalMs: 0, logger, metrics: new ServiceMetrics({ service: 'gateway', processMetrics: false }) });
  return { dir, lines, store };
};

describe('loadPolicyDirectory', () => {
  it('reads yaml, yml and json files in name order and skips hidden entries', async () => {
    const { dir } = setup();
    writeFileSync(join(dir, 'b.yaml'), policy('b'));
    writeFileSync(join(dir, 'a.yml'), policy('a'));
    writeFileSync(join(dir, '.hidden.yaml'), policy('hidden'));
    writeFileSync(join(dir, 'notes.txt'), 'not a policy');
    expect((await loadPolicyDirectory(dir)).value.policies.map((loaded) => loaded.name)).toEqual(['a', 'b']);
  });

  it('lets a later file replace an earlier policy of the same name, as kubectl apply would, with a warning', async () => {
    const { dir } = setup();
    writeFileSync(join(dir, 'a.yaml'), policy('same'));
    writeFileSync(join(dir, 'b.yaml'), policy('same').replace("registry.test/*", "other.test/*"));
    const warnings: string[] = [];
    const loaded = await loadPolicyDirectory(dir, (message) => warnings.push(message));
    expect(loaded.value.policies.map((p) => [p.name, p.source])).toEqual([['same', join(dir, 'b.yaml')]]);
    expect(loaded.value.policies[0]!.rules[0]!.verifyImages[0]!.imageReferences).toEqual(['other.test/*']);
    expect(warnings).toEqual([`${join(dir, 'b.yaml')}: ClusterPolicy "same" replaces the one defined in ${join(dir, 'a.yaml')} (as kubectl apply would)`]);
  });
});

describe('PolicyStore', () => {
  it('keeps the last good set when a file breaks, and says so in readiness', async () => {
    const { dir, lines, store } = setup();
    const health = new HealthService('gateway');
    store.registerReadiness(health);
    expect((await health.readiness()).status).toBe('unready');
    writeFileSync(join(dir, 'a.yaml'), policy('a'));
    await store.reload();
    expect(store.current().map((loaded) => loaded.name)).toEqual(['a']);
    expect((await health.readiness()).status).toBe('ready');

    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {}\n');
    await store.reload();
    expect(store.current().map((loaded) => loaded.name)).toEqual(['a']);
    const report = await health.readiness();
    expect(report.status).toBe('ready');
    expect(report.checks[0]!.detail).toContain(`last reload failed: ${join(dir, 'broken.yaml')}: metadata.name: is required`);
    // The refused document is named in readiness too (it states no name: the loader's message says what is wrong).
    expect(report.checks[0]!.detail).toContain(`refused ClusterPolicy "(unnamed)": ${join(dir, 'broken.yaml')}: metadata.name: is required`);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: `policies from ${dir}: reload failed, keeping the last good set`, code: 'ERR_POLICY_INVALID' }));

    unlinkSync(join(dir, 'broken.yaml'));
    writeFileSync(join(dir, 'b.yaml'), policy('b'));
    await store.reload();
    expect(store.current().map((loaded) => loaded.name)).toEqual(['a', 'b']);
    expect((await health.readiness()).checks[0]!.detail).not.toContain('failed');
    expect((await health.readiness()).checks[0]!.detail).not.toContain('refused');
  });

  it('reloads on its own when a file changes (debounced watch)', async () => {
    const { dir, store } = setup();
    writeFileSync(join(dir, 'a.yaml'), policy('a'));
    await store.start();
    try {
      writeFileSync(join(dir, 'b.yaml'), policy('b'));
      const deadline = Date.now() + 5_000;
      while (store.current().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(store.current().map((loaded) => loaded.name)).toEqual(['a', 'b']);
    } finally {
      store.stop();
    }
  });
});
