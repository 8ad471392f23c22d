/**
 * The gateway's cluster facts end to end: the real `@kubernetes/client-node`
 * informers against an in-test server speaking the Kubernetes API (lists,
 * watch streams with ADDED/MODIFIED/DELETED/BOOKMARK, 410 Gone, 403 Status,
 * a stopped server), read through the engine's ClusterFacts port and the
 * policy store: namespace labels, requester roles, PolicyExceptions and
 * their namespace restriction, refused policies (Event, metric, /readyz),
 * and policy identity (a namespaced Policy never shadows a ClusterPolicy).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FactUnavailable } from '@notary-gate/engine';
import { HealthService, JsonLogger, ServiceMetrics } from '@notary-gate/service';
import { ClusterWatches, type ClusterWatchesOptions } from '../../../apps/gateway/src/kubernetes/cluster-watches';
import { KubernetesClusterFacts } from '../../../apps/gateway/src/kubernetes/cluster-facts';
import { PolicyEventRecorder } from '../../../apps/gateway/src/kubernetes/policy-events';
import { ExceptionsInForce } from '../../../apps/gateway/src/policies/policy-exceptions';
import { PolicyStore } from '../../../apps/gateway/src/policies/policy-store';
import { KubeApiServer } from './kube-api-server';

const FAST = { retryMs: 50, maxRetryMs: 200, listTimeoutMs: 2_000 };

/** Polls `check` until it stops throwing (or rethrows its last error after `timeoutMs`). */
async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const namespace = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });

const clusterPolicy = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name },
  spec: {
    rules: [
      {
        name: 'verify',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        verifyImages: [{ type: 'Notary', imageReferences: ['registry.test/*'], failureAction: 'Enforce', attestors: [{ entries: [{ certificates: { cert: 'x' } }] }] }],
      },
    ],
    ...extra,
  },
});

const namespacedPolicy = (namespaceName: string, name: string) => ({ ...clusterPolicy(name), kind: 'Policy', metadata: { name, namespace: namespaceName } });

const exception = (namespaceName: string, name: string) => ({
  apiVersion: 'kyverno.io/v2',
  kind: 'PolicyException',
  metadata: { name, namespace: namespaceName },
  spec: {
    exceptions: [{ policyName: 'check', ruleNames: ['verify'] }],
    match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['sandbox'] } }] },
  },
});

interface World {
  api: KubeApiServer;
  watches: ClusterWatches;
  facts: KubernetesClusterFacts;
  lines: Record<string, unknown>[];
  logger: JsonLogger;
}

const worlds: World[] = [];

async function world(options: Partial<ClusterWatchesOptions> = {}, api?: KubeApiServer): Promise<World> {
  const server = api ?? (await KubeApiServer.start());
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger({ service: 'gateway', level: 'debug', write: (line) => lines.push(JSON.parse(line)) });
  const watches = new ClusterWatches(server.kubeConfig(), { exceptionScope: null, ...FAST, ...options });
  const facts = new KubernetesClusterFacts({ watches, policyExceptions: () => [] });
  const created = { api: server, watches, facts, lines, logger };
  worlds.push(created);
  return created;
}

afterEach(async () => {
  for (const { api, watches } of worlds.splice(0)) {
    await watches.stop();
    await api.stop();
  }
});

describe('namespace labels', () => {
  it('arrive with the list, follow watch events, and an absent namespace is null', async () => {
    const { api, watches, facts } = await world();
    api.apply('/namespaces', namespace('team-a', { env: 'prod' }));
    watches.ensure({ namespaceLabels: true, roles: false });
    expect(await watches.namespaces.whenSynced(5_000)).toBe(true);
    expect(await facts.namespaceLabels('team-a')).toEqual({ 'kubernetes.io/metadata.name': 'team-a', env: 'prod' });
    expect(await facts.namespaceLabels('ghost')).toBeNull();

    api.apply('/namespaces', namespace('team-a', { env: 'dev' }));
    api.apply('/namespaces', namespace('team-b'));
    await eventually(async () => expect(await facts.namespaceLabels('team-a')).toEqual({ 'kubernetes.io/metadata.name': 'team-a', env: 'dev' }));
    await eventually(async () => expect(await facts.namespaceLabels('team-b')).toEqual({ 'kubernetes.io/metadata.name': 'team-b' }));
    api.delete('/namespaces', 'team-b');
    await eventually(async () => expect(await facts.namespaceLabels('team-b')).toBeNull());
  });

  it('always carries kubernetes.io/metadata.name, even when the object lacks it', async () => {
    const { api, watches, facts } = await world();
    api.apply('/namespaces', { metadata: { name: 'bare', labels: { a: 'b' } } });
    watches.ensure({ namespaceLabels: true, roles: false });
    await watches.namespaces.whenSynced(5_000);
    expect(await facts.namespaceLabels('bare')).toEqual({ a: 'b', 'kubernetes.io/metadata.name': 'bare' });
  });

  it('resumes after a BOOKMARK from its resourceVersion, and re-lists when a dropped watch cannot resume (410 Gone)', async () => {
    const { api, watches, facts } = await world();
    api.apply('/namespaces', namespace('keep'));
    api.apply('/namespaces', namespace('doomed'));
    watches.ensure({ namespaceLabels: true, roles: false });
    await watches.namespaces.whenSynced(5_000);
    await eventually(() => expect(api.openWatches('/namespaces')).toBe(1));
    const lists = () => api.requests.filter((entry) => entry.path === '/api/v1/namespaces' && !entry.query.has('watch'));
    const watchesFrom = () => api.requests.filter((entry) => entry.path === '/api/v1/namespaces' && entry.query.get('watch') === 'true').map((entry) => entry.query.get('resourceVersion'));
    expect(lists()).toHaveLength(1);

    // A bookmark moves the resourceVersion on; a plain drop then resumes from it, without a list.
    api.bookmark();
    const bookmarked = api.resourceVersion;
    await new Promise((resolve) => setTimeout(resolve, 200));
    api.dropWatches();
    await eventually(() => expect(watchesFrom()).toHaveLength(2));
    expect(watchesFrom()[1]).toBe(String(bookmarked));
    expect(lists()).toHaveLength(1);

    // Dropped with the history compacted: what changed meanwhile is only seen by re-listing.
    await eventually(() => expect(api.openWatches('/namespaces')).toBe(1));
    api.dropWatches({ compact: true });
    api.delete('/namespaces', 'doomed');
    api.apply('/namespaces', namespace('newcomer', { tier: 'gold' }));
    await eventually(() => expect(lists()).toHaveLength(2));
    await eventually(async () => expect(await facts.namespaceLabels('newcomer')).toEqual({ 'kubernetes.io/metadata.name': 'newcomer', tier: 'gold' }));
    expect(await facts.namespaceLabels('doomed')).toBeNull();
    expect(watches.namespaces.state()).toEqual({ resource: 'namespaces', synced: true });
  });

  it('not synced yet, forbidden (403), the API unreachable: FactUnavailable naming the fact and the cause, then recovery', async () => {
    const { api, watches, facts } = await world();
    api.apply('/namespaces', namespace('team-a'));
    api.forbid('/namespaces');
    // Asked before any cache was started: started now, not decided on an empty cache.
    await expect(facts.namespaceLabels('team-a')).rejects.toThrow(new FactUnavailable('namespace labels unavailable: namespaces not synced yet (the first list has not answered)'));
    await eventually(async () =>
      expect(facts.namespaceLabels('team-a')).rejects.toThrow(
        new FactUnavailable(
          'namespace labels unavailable: list namespaces: 403 Forbidden: namespaces is forbidden: User "system:serviceaccount:notary-gate:notary-gate-gateway" cannot list resource "namespaces" in API group "" at the cluster scope',
        ),
      ),
    );
    await expect(facts.namespaceLabels('team-a')).rejects.toBeInstanceOf(FactUnavailable);

    api.allow('/namespaces');
    await eventually(async () => expect(await facts.namespaceLabels('team-a')).toEqual({ 'kubernetes.io/metadata.name': 'team-a' }));

    await api.pause();
    await eventually(async () => {
      const error = await facts.namespaceLabels('team-a').then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(FactUnavailable);
      expect((error as Error).message).toMatch(/^namespace labels unavailable: (list|watch) namespaces: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    });
    await api.resume();
    await eventually(async () => expect(await facts.namespaceLabels('team-a')).toEqual({ 'kubernetes.io/metadata.name': 'team-a' }), 10_000);
    expect(watches.namespaces.state()).toEqual({ resource: 'namespaces', synced: true });
  });

  it('an API server that does not answer the list: unavailable after the list timeout, then recovery', async () => {
    const { api, watches, facts } = await world({ listTimeoutMs: 300 });
    api.apply('/namespaces', namespace('team-a'));
    api.stall('/namespaces');
    watches.ensure({ namespaceLabels: true, roles: false });
    await expect(facts.namespaceLabels('team-a')).rejects.toThrow(new FactUnavailable('namespace labels unavailable: namespaces not synced yet (the first list has not answered)'));
    await eventually(async () => expect(facts.namespaceLabels('team-a')).rejects.toThrow(new FactUnavailable('namespace labels unavailable: list namespaces: no answer within 300 ms')));
    api.unstall('/namespaces');
    await eventually(async () => expect(await facts.namespaceLabels('team-a')).toEqual({ 'kubernetes.io/metadata.name': 'team-a' }));
  });

  it('without a Kubernetes API, every fact is unavailable and says why', async () => {
    const facts = new KubernetesClusterFacts({ watches: null, policyExceptions: () => [] });
    await expect(facts.namespaceLabels('x')).rejects.toThrow(new FactUnavailable('namespace labels unavailable: the Kubernetes API is not configured (set KUBECONFIG, or run in a cluster)'));
    await expect(facts.requesterRoles({ username: 'u', groups: [] })).rejects.toThrow(/^requester roles unavailable: the Kubernetes API is not configured/);
  });
});

describe('requester roles', () => {
  const bindings = (api: KubeApiServer) => {
    api.apply('rbac.authorization.k8s.io/rolebindings', { metadata: { name: 'alice-edit', namespace: 'team-a' }, subjects: [{ kind: 'User', name: 'alice' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'editor' } });
    api.apply('rbac.authorization.k8s.io/rolebindings', { metadata: { name: 'devs-admin', namespace: 'team-b' }, subjects: [{ kind: 'Group', name: 'devs' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' } });
    // A ServiceAccount subject without a namespace takes the RoleBinding's.
    api.apply('rbac.authorization.k8s.io/rolebindings', { metadata: { name: 'builder', namespace: 'ci' }, subjects: [{ kind: 'ServiceAccount', name: 'builder' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' } });
    api.apply('rbac.authorization.k8s.io/rolebindings', { metadata: { name: 'other', namespace: 'team-c' }, subjects: [{ kind: 'User', name: 'bob' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'viewer' } });
    api.apply('rbac.authorization.k8s.io/clusterrolebindings', { metadata: { name: 'devs-view' }, subjects: [{ kind: 'Group', name: 'devs' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } });
    // …but never in a ClusterRoleBinding.
    api.apply('rbac.authorization.k8s.io/clusterrolebindings', { metadata: { name: 'sa-no-ns' }, subjects: [{ kind: 'ServiceAccount', name: 'builder' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' } });
  };

  it('come from RoleBindings in every namespace and ClusterRoleBindings, by user, group and service account, and follow changes', async () => {
    const { api, watches, facts } = await world();
    bindings(api);
    watches.ensure({ namespaceLabels: false, roles: true });
    await Promise.all([watches.roleBindings.whenSynced(5_000), watches.clusterRoleBindings.whenSynced(5_000)]);
    expect(await facts.requesterRoles({ username: 'alice', groups: ['devs', 'system:authenticated'] })).toEqual({ roles: ['team-a:editor'], clusterRoles: ['admin', 'view'] });
    expect(await facts.requesterRoles({ username: 'system:serviceaccount:ci:builder', groups: [] })).toEqual({ roles: ['ci:deployer'], clusterRoles: [] });
    expect(await facts.requesterRoles({ username: 'carol', groups: [] })).toEqual({ roles: [], clusterRoles: [] });

    // The memo is per cache generation: a new binding is seen at once.
    api.apply('rbac.authorization.k8s.io/clusterrolebindings', { metadata: { name: 'carol-admin' }, subjects: [{ kind: 'User', name: 'carol' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' } });
    await eventually(async () => expect(await facts.requesterRoles({ username: 'carol', groups: [] })).toEqual({ roles: [], clusterRoles: ['cluster-admin'] }));
    api.delete('rbac.authorization.k8s.io/rolebindings', 'alice-edit', 'team-a');
    await eventually(async () => expect((await facts.requesterRoles({ username: 'alice', groups: ['devs'] })).roles).toEqual([]));
  });

  it('RBAC refusing RoleBindings (403) makes the roles unavailable, naming the list that failed', async () => {
    const { api, watches, facts } = await world();
    bindings(api);
    api.forbid('rbac.authorization.k8s.io/rolebindings');
    watches.ensure({ namespaceLabels: false, roles: true });
    await eventually(async () =>
      expect(facts.requesterRoles({ username: 'alice', groups: [] })).rejects.toThrow(
        /^requester roles unavailable: list rolebindings: 403 Forbidden: rolebindings\.rbac\.authorization\.k8s\.io is forbidden: User "system:serviceaccount:notary-gate:notary-gate-gateway" cannot list resource "rolebindings"/,
      ),
    );
    await eventually(() =>
      expect(watches.states()).toEqual(
        expect.arrayContaining([{ resource: 'clusterrolebindings', synced: true }, { resource: 'rolebindings', synced: false, lastError: expect.stringMatching(/^list rolebindings: 403 Forbidden: /) }]),
      ),
    );
  });
});

describe('PolicyExceptions', () => {
  const storeFor = (logger: JsonLogger) => new PolicyStore({ debounceMs: 10, rescanIntervalMs: 0, logger, metrics: new ServiceMetrics({ service: 'gateway', processMetrics: false }) });

  it('are listed and watched only in the namespace exceptions may live in', async () => {
    const { api, watches, logger } = await world({ exceptionScope: { namespace: 'kyverno' } });
    api.apply('kyverno.io/policyexceptions', exception('kyverno', 'allowed'));
    api.apply('kyverno.io/policyexceptions', exception('team-a', 'elsewhere'));
    const exceptions = new ExceptionsInForce({ scope: { namespace: 'kyverno' }, store: storeFor(logger), watches, logger });
    watches.ensure({ namespaceLabels: false, roles: false });
    await watches.policyExceptions!.whenSynced(5_000);
    expect(new Set(api.requests.filter((entry) => entry.path.includes('policyexceptions')).map((entry) => entry.path))).toEqual(new Set(['/apis/kyverno.io/v2/namespaces/kyverno/policyexceptions']));
    expect(exceptions.current().map((entry) => `${entry.namespace}/${entry.name}`)).toEqual(['kyverno/allowed']);

    api.apply('kyverno.io/policyexceptions', exception('kyverno', 'another'));
    api.apply('kyverno.io/policyexceptions', exception('team-a', 'still-elsewhere'));
    await eventually(() => expect(exceptions.current().map((entry) => `${entry.namespace}/${entry.name}`)).toEqual(['kyverno/allowed', 'kyverno/another']));
  });

  it("'*' lists every namespace; kyverno.io/v2beta1 is used where v2 is not served", async () => {
    const api = await KubeApiServer.start();
    api.unserve('kyverno.io/v2');
    const { watches, logger } = await world({ exceptionScope: { namespace: '*' } }, api);
    api.apply('kyverno.io/policyexceptions', { ...exception('kyverno', 'a'), apiVersion: 'kyverno.io/v2beta1' });
    api.apply('kyverno.io/policyexceptions', { ...exception('team-a', 'b'), apiVersion: 'kyverno.io/v2beta1' });
    const exceptions = new ExceptionsInForce({ scope: { namespace: '*' }, store: storeFor(logger), watches, logger });
    watches.ensure({ namespaceLabels: false, roles: false });
    expect(await watches.policyExceptions!.whenSynced(5_000)).toBe(true);
    expect(watches.exceptionApiVersion).toBe('kyverno.io/v2beta1');
    expect(api.requests.filter((entry) => entry.path.includes('policyexceptions')).map((entry) => entry.path)).toEqual(
      expect.arrayContaining(['/apis/kyverno.io/v2/policyexceptions', '/apis/kyverno.io/v2beta1/policyexceptions']),
    );
    expect(exceptions.current().map((entry) => `${entry.apiVersion} ${entry.namespace}/${entry.name}`)).toEqual(['kyverno.io/v2beta1 kyverno/a', 'kyverno.io/v2beta1 team-a/b']);
  });

  it('from the policy directory and the API are merged, both restricted to the allowed namespace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ng-exceptions-'));
    try {
      writeFileSync(join(dir, 'exceptions.yaml'), [exception('kyverno', 'from-file'), exception('team-a', 'file-elsewhere')].map((document) => JSON.stringify(document)).join('\n---\n'));
      const { api, watches, logger, lines } = await world({ exceptionScope: { namespace: 'kyverno' } });
      api.apply('kyverno.io/policyexceptions', exception('kyverno', 'from-api'));
      const store = new PolicyStore({ directory: dir, debounceMs: 10, rescanIntervalMs: 0, logger, metrics: new ServiceMetrics({ service: 'gateway', processMetrics: false }) });
      await store.reload();
      const exceptions = new ExceptionsInForce({ scope: { namespace: 'kyverno' }, store, watches, logger });
      watches.ensure({ namespaceLabels: false, roles: false });
      await watches.policyExceptions!.whenSynced(5_000);
      expect(exceptions.current().map((entry) => `${entry.namespace}/${entry.name}`)).toEqual(['kyverno/from-api', 'kyverno/from-file']);
      expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'PolicyException "team-a/file-elsewhere" is not applied: exceptions may only live in namespace "kyverno" (EXCEPTION_NAMESPACE)' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('off (the default): never listed, none applied', async () => {
    const { api, watches, logger } = await world({ exceptionScope: null });
    api.apply('kyverno.io/policyexceptions', exception('kyverno', 'allowed'));
    const exceptions = new ExceptionsInForce({ scope: null, store: storeFor(logger), watches, logger });
    watches.ensure({ namespaceLabels: true, roles: true });
    expect(watches.policyExceptions).toBeNull();
    expect(exceptions.current()).toEqual([]);
    await watches.namespaces.whenSynced(5_000);
    expect(api.requests.some((entry) => entry.path.includes('policyexceptions'))).toBe(false);
  });

  it('unreadable: FactUnavailable naming the exceptions and the cause', async () => {
    const { api, watches, logger } = await world({ exceptionScope: { namespace: 'kyverno' } });
    api.forbid('kyverno.io/policyexceptions');
    const exceptions = new ExceptionsInForce({ scope: { namespace: 'kyverno' }, store: storeFor(logger), watches, logger });
    const facts = new KubernetesClusterFacts({ watches, policyExceptions: () => exceptions.current() });
    watches.ensure({ namespaceLabels: false, roles: false });
    await eventually(async () => expect(facts.policyExceptions()).rejects.toThrow(/^policy exceptions unavailable: list policyexceptions\.kyverno\.io in namespace kyverno: 403 Forbidden: /));
  });
});

describe('policies from the API', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ng-facts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function storeWorld(options: { directory?: string } = {}) {
    const created = await world();
    const holder: { store?: PolicyStore } = {};
    const watches = new ClusterWatches(created.api.kubeConfig(), { exceptionScope: null, ...FAST, onPoliciesChange: () => holder.store?.apiChanged() });
    await created.watches.stop();
    created.watches = watches;
    worlds[worlds.length - 1]!.watches = watches;
    const metrics = new ServiceMetrics({ service: 'gateway', processMetrics: false });
    const health = new HealthService('gateway');
    const store = new PolicyStore({
      ...(options.directory ? { directory: options.directory } : {}),
      kubernetes: { watches, syncTimeoutMs: 5_000 },
      events: new PolicyEventRecorder(created.api.kubeConfig(), created.logger),
      debounceMs: 10,
      rescanIntervalMs: 0,
      logger: created.logger,
      metrics,
    });
    holder.store = store;
    store.registerReadiness(health);
    return { ...created, store, metrics, health };
  }

  it('a refused ClusterPolicy or Policy: an Event on it, the metric, the reason in /readyz; the rest still apply', async () => {
    const { api, store, metrics, health, lines } = await storeWorld();
    api.apply('kyverno.io/clusterpolicies', clusterPolicy('good'));
    const broken = api.apply('kyverno.io/clusterpolicies', clusterPolicy('broken', { failurePolicy: 'Sometimes' }));
    await store.start();
    try {
      expect(store.current().map((policy) => policy.name)).toEqual(['good']);
      const events = () => api.list('/events');
      await eventually(() => expect(events()).toHaveLength(1));
      const [event] = events();
      expect(event).toMatchObject({
        metadata: { namespace: 'default' },
        involvedObject: { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', name: 'broken', uid: broken.metadata['uid'], resourceVersion: broken.metadata['resourceVersion'] },
        reason: 'PolicyRefused',
        type: 'Warning',
        source: { component: 'notary-gate' },
      });
      expect(event!['message']).toMatch(/^kubernetes:ClusterPolicy\/broken: spec\.failurePolicy: /);
      expect(await metrics.render()).toMatch(/notary_gate_policies\{state="refused",service="gateway"\} 1/);
      expect(await metrics.render()).toMatch(/notary_gate_policies\{state="loaded",service="gateway"\} 1/);
      const ready = await health.readiness();
      expect(ready.status).toBe('ready');
      expect(ready.checks[0]!.detail).toContain(`refused ClusterPolicy "broken": ${event!['message'] as string}`);
      expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'ClusterPolicy "broken" cannot be used; it is not enforced', code: 'ERR_POLICY_REFUSED' }));

      // A namespaced Policy's Event lives in its namespace; a fixed policy leaves the refused count.
      api.apply('kyverno.io/policies', { ...namespacedPolicy('team-a', 'bad'), spec: { ...namespacedPolicy('team-a', 'bad').spec, failurePolicy: 'Sometimes' } });
      await eventually(() => expect(events().map((entry) => `${(entry.metadata as { namespace: string }).namespace} ${(entry['involvedObject'] as { kind: string; name: string }).kind}/${(entry['involvedObject'] as { name: string }).name}`)).toEqual(['default ClusterPolicy/broken', 'team-a Policy/bad']));
      api.apply('kyverno.io/clusterpolicies', clusterPolicy('broken'));
      api.delete('kyverno.io/policies', 'bad', 'team-a');
      await eventually(async () => expect(await metrics.render()).toMatch(/notary_gate_policies\{state="refused",service="gateway"\} 0/));
      expect(store.current().map((policy) => policy.name).sort()).toEqual(['broken', 'good']);
      expect((await health.readiness()).checks[0]!.detail).not.toContain('refused');
      expect(events()).toHaveLength(2); // each refusal recorded once
    } finally {
      store.stop();
    }
  });

  it('a refused policy of the policy directory: an Event on it too; the last good set stays in force', async () => {
    writeFileSync(join(dir, 'a.yaml'), JSON.stringify(clusterPolicy('from-file')));
    const { api, store, metrics, health } = await storeWorld({ directory: dir });
    await store.start();
    try {
      writeFileSync(join(dir, 'a.yaml'), JSON.stringify(clusterPolicy('from-file', { failurePolicy: 'Sometimes' })));
      await store.reload();
      expect(store.current().map((policy) => policy.name)).toEqual(['from-file']);
      await eventually(() => expect(api.list('/events')).toHaveLength(1));
      expect(api.list('/events')[0]).toMatchObject({ involvedObject: { kind: 'ClusterPolicy', name: 'from-file' }, reason: 'PolicyRefused', message: expect.stringMatching(new RegExp(`^${join(dir, 'a.yaml')}: spec\\.failurePolicy: `)) });
      expect(await metrics.render()).toMatch(/notary_gate_policies\{state="refused",service="gateway"\} 1/);
      expect((await health.readiness()).checks[0]!.detail).toContain(`refused ClusterPolicy "from-file": ${join(dir, 'a.yaml')}: spec.failurePolicy: `);
    } finally {
      store.stop();
    }
  });

  it('an empty set after a load that had policies is reported', async () => {
    const { api, store, health, lines } = await storeWorld();
    api.apply('kyverno.io/clusterpolicies', clusterPolicy('only'));
    await store.start();
    try {
      expect(store.current()).toHaveLength(1);
      api.delete('kyverno.io/clusterpolicies', 'only');
      await eventually(() => expect(store.current()).toHaveLength(0));
      expect((await health.readiness()).checks[0]!.detail).toContain('the policy set is empty after a load that had 1 policy');
      expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'the policy set is empty after a load that had 1 policy' }));
    } finally {
      store.stop();
    }
  });

  it('keys policies by kind/namespace/name: a namespaced Policy never replaces or shadows a ClusterPolicy of the same name', async () => {
    writeFileSync(join(dir, 'cluster.yaml'), JSON.stringify(clusterPolicy('check')));
    writeFileSync(join(dir, 'tenant.yaml'), JSON.stringify(namespacedPolicy('tenant', 'check')));
    const { api, store } = await storeWorld({ directory: dir });
    api.apply('kyverno.io/policies', namespacedPolicy('team-a', 'check'));
    api.apply('kyverno.io/clusterpolicies', clusterPolicy('check'));
    await store.start();
    try {
      const keys = store.current().map((policy) => `${policy.kind}/${policy.namespace ?? ''}/${policy.name}`);
      expect(keys.sort()).toEqual(['ClusterPolicy//check', 'Policy/team-a/check', 'Policy/tenant/check']);
      expect(store.current().find((policy) => policy.kind === 'ClusterPolicy')!.source).toBe(join(dir, 'cluster.yaml'));
      // The same identity from the API and the directory is never merged silently.
      expect(store.refused()).toEqual([expect.objectContaining({ kind: 'ClusterPolicy', name: 'check', message: `ClusterPolicy "check" is also defined in ${join(dir, 'cluster.yaml')}; the policy directory's definition is enforced` })]);
    } finally {
      store.stop();
    }
  });

  it('logs policy warnings and rules notary-gate does not run once per load', async () => {
    const { api, store, lines } = await storeWorld();
    const withValidate = clusterPolicy('mixed');
    const rules = withValidate.spec.rules as { verifyImages?: Record<string, unknown>[] }[];
    rules[0]!.verifyImages![0]!['repository'] = 'registry.test/signatures';
    (rules as unknown[]).push({ name: 'require-labels', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: 'x', pattern: { metadata: { labels: { app: '?*' } } } } });
    api.apply('kyverno.io/clusterpolicies', withValidate);
    await store.start();
    try {
      const about = (prefix: string) => lines.filter((line) => typeof line['msg'] === 'string' && (line['msg'] as string).startsWith(prefix));
      const ignored = () => about('ClusterPolicy "mixed": rules not run by notary-gate');
      const warned = () => about('ClusterPolicy "mixed": spec.rules[0].verifyImages[0].repository: ');
      expect(ignored()).toEqual([expect.objectContaining({ level: 'info', msg: `ClusterPolicy "mixed": rules not run by notary-gate (Kyverno's to run): require-labels` })]);
      expect(warned()).toEqual([expect.objectContaining({ level: 'warn', source: 'kubernetes:ClusterPolicy/mixed' })]);
      // Another policy's change reloads the set: what was reported for this version of "mixed" is not repeated.
      api.apply('kyverno.io/clusterpolicies', clusterPolicy('other'));
      await eventually(() => expect(store.current()).toHaveLength(2));
      expect(ignored()).toHaveLength(1);
      expect(warned()).toHaveLength(1);
    } finally {
      store.stop();
    }
  });
});
