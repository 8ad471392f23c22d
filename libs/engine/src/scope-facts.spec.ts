/**
 * Scope and identity, cluster facts and the undecided admission, the failure
 * action walk, PolicyExceptions, imageExtractors and useCache — through
 * evaluateAdmission (/mutate) and validateAdmission (/validate) with a
 * scripted jobs port and an in-memory ClusterFacts port.
 */
import type { AdmissionRequest } from '@notary-gate/admission';
import type { DiscoverRequest, JobsPort, VerifyRequest } from '@notary-gate/contracts';
import { parsePolicyDocuments, type Policy, type PolicyException, type RequesterRoles, type RequestUser } from '@notary-gate/policy';
import { evaluateAdmission } from './evaluate-admission';
import { FactUnavailable, type ClusterFacts } from './types';
import { validateAdmission } from './validate-admission';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const IMAGE = 'registry.test/team/app:1.0';
const PINNED = `registry.test/team/app:1.0@${DIGEST}`;

function pod(namespace = 'team-a', image = IMAGE, userInfo: AdmissionRequest['userInfo'] = { username: 'alice', groups: ['dev'] }): AdmissionRequest {
  return {
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    name: 'test',
    namespace,
    operation: 'CREATE',
    userInfo,
    object: { kind: 'Pod', metadata: { name: 'test', namespace }, spec: { containers: [{ name: 'c', image }] } },
    oldObject: null,
  };
}

interface PolicyOptions {
  kind?: 'ClusterPolicy' | 'Policy';
  name?: string;
  namespace?: string;
  cert?: string;
  action?: 'Audit' | 'Enforce';
  match?: string;
  exclude?: string;
  spec?: string;
  entry?: string;
  rule?: string;
}

/** A verifyImages policy; `cert: good` verifies, anything else fails. */
function policy(options: PolicyOptions = {}): Policy {
  const action = options.action ?? 'Enforce';
  const yaml = `apiVersion: kyverno.io/v1
kind: ${options.kind ?? 'ClusterPolicy'}
metadata: {name: ${options.name ?? 'check-image'}${options.namespace ? `, namespace: ${options.namespace}` : ''}}
spec:
${options.spec ?? ''}  rules:
    - name: verify
      match: ${options.match ?? '{any: [{resources: {kinds: [Pod]}}]}'}
${options.exclude ? `      exclude: ${options.exclude}\n` : ''}${options.rule ?? ''}      verifyImages:
        - type: Notary
          imageReferences: ['registry.test/*']
${action === 'Audit' ? '          mutateDigest: false\n' : ''}          failureAction: ${action}
${options.entry ?? ''}          attestors:
            - entries:
                - certificates: {cert: '${options.cert ?? 'good'}'}
`;
  return parsePolicyDocuments(yaml, 'p.yaml').policies[0]!;
}

function scriptedPort(calls: { discover: DiscoverRequest[]; verify: VerifyRequest[] } = { discover: [], verify: [] }): JobsPort {
  return {
    discover: async (request) => {
      calls.discover.push(request);
      return { repository: 'registry.test/team/app', descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 10 }, referrers: {} };
    },
    verify: async (request) => {
      calls.verify.push(request);
      if (request.trustAnchorsPem.trim() === 'good') return { verified: true, digest: DIGEST, signatureDigest: 'sha256:' + 'cd'.repeat(32) };
      return { verified: false, digest: DIGEST, code: 'ERR_NO_SIGNATURE', message: `no signature for ${request.artifact}` };
    },
    evaluate: async () => ({ attestations: [] }),
  };
}

/** ClusterFacts over fixed data, counting the calls; `down` makes every read unavailable. */
class FixedFacts implements ClusterFacts {
  calls = { namespaceLabels: 0, requesterRoles: 0, policyExceptions: 0 };
  constructor(
    private readonly data: { namespaces?: Record<string, Record<string, string>>; roles?: Record<string, RequesterRoles>; exceptions?: PolicyException[]; down?: string } = {},
  ) {}
  async namespaceLabels(namespace: string) {
    this.calls.namespaceLabels++;
    if (this.data.down) throw new FactUnavailable(this.data.down);
    const labels = this.data.namespaces?.[namespace];
    return labels ? { 'kubernetes.io/metadata.name': namespace, ...labels } : null;
  }
  async requesterRoles(user: RequestUser) {
    this.calls.requesterRoles++;
    if (this.data.down) throw new FactUnavailable(this.data.down);
    return this.data.roles?.[user.username] ?? { roles: [], clusterRoles: [] };
  }
  async policyExceptions() {
    this.calls.policyExceptions++;
    if (this.data.down && this.data.exceptions) throw new FactUnavailable(this.data.down);
    return this.data.exceptions ?? [];
  }
}

const noConfigMaps = { get: async () => null };
const mutate = (request: AdmissionRequest, policies: Policy[], clusterFacts?: ClusterFacts, jobs = scriptedPort()) =>
  evaluateAdmission(request, policies, { jobs, configMaps: noConfigMaps, ...(clusterFacts ? { clusterFacts } : {}) });
const validate = (request: AdmissionRequest, policies: Policy[], clusterFacts?: ClusterFacts) =>
  validateAdmission(request, policies, { jobs: scriptedPort(), configMaps: noConfigMaps, ...(clusterFacts ? { clusterFacts } : {}) });

describe('scope and identity (issue 8 §2)', () => {
  const clusterDeny = policy({ cert: 'bad' });
  const tenantAudit = policy({ kind: 'Policy', namespace: 'team-a', action: 'Audit', cert: 'good' });

  it('a tenant Policy named like a ClusterPolicy, with Audit, does not turn the ClusterPolicy\'s deny into a warning (/mutate)', async () => {
    const alone = await mutate(pod(), [clusterDeny]);
    const together = await mutate(pod(), [clusterDeny, tenantAudit]);
    expect(alone.allowed).toBe(false);
    expect(together.allowed).toBe(false);
    expect(together.message).toContain('check-image:\n  verify:');
    expect(together.results.map((result) => [result.identity, result.status])).toEqual([
      [{ kind: 'ClusterPolicy', name: 'check-image' }, 'fail'],
      [{ kind: 'Policy', namespace: 'team-a', name: 'check-image' }, 'pass'],
    ]);
  });

  it('the same in /validate: a tenant Audit policy cannot relax the ClusterPolicy', async () => {
    const required = (options: PolicyOptions) => policy({ ...options, entry: '          verifyDigest: true\n' });
    const verdict = await validate(pod('team-a', IMAGE), [required({}), required({ kind: 'Policy', namespace: 'team-a', action: 'Audit' })]);
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toContain(`check-image:\n  verify: missing digest for ${IMAGE}`);
  });

  it('two failing policies of one name both appear in the denial: the Policy as ns/name (stricter than Kyverno)', async () => {
    const verdict = await mutate(pod(), [clusterDeny, policy({ kind: 'Policy', namespace: 'team-a', cert: 'worse' })]);
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toMatch(/\ncheck-image:\n {2}verify: .*no signature for/);
    expect(verdict.message).toMatch(/\nteam-a\/check-image:\n {2}verify: .*no signature for/);
  });

  it('a namespaced Policy applies only in its own namespace, never to cluster-scoped resources', async () => {
    const tenantDeny = policy({ kind: 'Policy', namespace: 'team-a', cert: 'bad' });
    expect((await mutate(pod('team-a'), [tenantDeny])).allowed).toBe(false);
    expect(await mutate(pod('team-b'), [tenantDeny])).toMatchObject({ allowed: true, results: [] });
    expect((await validate(pod('team-b'), [policy({ kind: 'Policy', namespace: 'team-a', entry: '          verifyDigest: true\n' })])).allowed).toBe(true);
  });

  it('the scoped annotation keys a Policy by namespace/name and a ClusterPolicy by /name', async () => {
    const verdict = await mutate(pod(), [policy(), policy({ kind: 'Policy', namespace: 'team-a', name: 'tenant' })]);
    const scoped = verdict.patch.find((operation) => operation.path === '/metadata/annotations/kyverno.io~1verify-images-scoped');
    expect(Object.keys(JSON.parse(scoped!.value as string).policies)).toEqual(['/check-image', 'team-a/tenant']);
  });
});

describe('cluster facts: asked only when needed, undecided when missing (issue 8 §1)', () => {
  const selectorPolicy = () => policy({ match: '{any: [{resources: {kinds: [Pod], namespaceSelector: {matchLabels: {verify: "yes"}}}}]}', cert: 'bad' });

  it('namespace labels decide a namespaceSelector; no policy needing them → the port is not asked', async () => {
    const facts = new FixedFacts({ namespaces: { 'team-a': { verify: 'yes' }, 'team-b': {} } });
    expect((await mutate(pod('team-a'), [selectorPolicy()], facts)).allowed).toBe(false);
    expect((await mutate(pod('team-b'), [selectorPolicy()], facts)).allowed).toBe(true);
    expect(facts.calls.namespaceLabels).toBe(2);
    const unused = new FixedFacts();
    await mutate(pod(), [policy()], unused);
    expect(unused.calls).toEqual({ namespaceLabels: 0, requesterRoles: 0, policyExceptions: 1 });
  });

  it('labels that cannot be read make the admission follow failurePolicy, naming the missing fact', async () => {
    const down = await mutate(pod(), [selectorPolicy()], new FixedFacts({ down: 'the API server is unreachable' }));
    expect(down).toMatchObject({ allowed: false, patch: [] });
    expect(down.message).toBe(
      'notary-gate: cannot decide whether policy check-image applies: namespace labels of "team-a": the API server is unreachable (Pod/team-a/test) (failurePolicy Fail)',
    );
    const missing = await validate(pod('ghost'), [policy({ match: '{any: [{resources: {kinds: [Pod], namespaceSelector: {matchLabels: {verify: "yes"}}}}]}', entry: '          verifyDigest: true\n' })], new FixedFacts());
    expect(missing.allowed).toBe(false);
    expect(missing.message).toContain('namespace labels of "ghost": namespace "ghost" not found');
    const noPort = await mutate(pod(), [selectorPolicy()]);
    expect(noPort.message).toContain('no source of cluster facts is configured');
  });

  it('failurePolicy Ignore admits with a warning naming the missing fact', async () => {
    const ignoring = policy({ match: '{any: [{resources: {kinds: [Pod], namespaceSelector: {matchLabels: {verify: "yes"}}}}]}', cert: 'bad', spec: '  failurePolicy: Ignore\n' });
    const verdict = await mutate(pod(), [ignoring], new FixedFacts({ down: 'timeout' }));
    expect(verdict.allowed).toBe(true);
    expect(verdict.warnings).toEqual([
      'notary-gate: cannot decide whether policy check-image applies: namespace labels of "team-a": timeout (Pod/team-a/test); admitted unverified (failurePolicy Ignore)',
    ]);
  });

  it('exclude clusterRoles: the requester\'s computed roles decide, unknown roles are undecided', async () => {
    const excluding = policy({ exclude: '{any: [{clusterRoles: [cluster-admin]}]}', cert: 'bad' });
    const facts = new FixedFacts({ roles: { root: { roles: [], clusterRoles: ['cluster-admin'] } } });
    expect((await mutate(pod('team-a', IMAGE, { username: 'root', groups: [] }), [excluding], facts)).allowed).toBe(true);
    expect((await mutate(pod('team-a', IMAGE, { username: 'alice', groups: [] }), [excluding], facts)).allowed).toBe(false);
    expect(facts.calls.requesterRoles).toBe(2);
    const undecided = await mutate(pod(), [excluding], new FixedFacts({ down: 'rolebindings: forbidden' }));
    expect(undecided.message).toContain('roles of "alice": rolebindings: forbidden');
    // Without admission user info (the CLI without --userinfo) roles never exclude.
    expect((await mutate(pod('team-a', IMAGE, undefined), [excluding], facts)).allowed).toBe(false);
  });

  it('subjects: a ServiceAccount is matched as system:serviceaccount:<ns>:<name>', async () => {
    const forRobot = policy({ match: '{any: [{resources: {kinds: [Pod]}, subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]}]}', cert: 'bad' });
    expect((await mutate(pod('team-a', IMAGE, { username: 'system:serviceaccount:ci:deployer', groups: [] }), [forRobot])).allowed).toBe(false);
    expect((await mutate(pod('team-a', IMAGE, { username: 'alice', groups: [] }), [forRobot])).allowed).toBe(true);
  });
});

describe('the failure action, per policy, as Kyverno 1.13–1.15 resolve it', () => {
  const overridden = (extra = '') =>
    policy({
      cert: 'bad',
      action: 'Audit',
      spec: `  validationFailureAction: Audit\n  validationFailureActionOverrides:\n    - action: Enforce\n      namespaces: ['team-*']\n${extra}`,
    });

  it('the first verifyImages entry\'s failureAction decides for the whole policy', async () => {
    // verifyImages[0].failureAction Audit wins over the override.
    const verdict = await mutate(pod(), [overridden()]);
    expect(verdict.allowed).toBe(true);
    expect(verdict.warnings[0]).toMatch(/^policy check-image\.verify: failed to verify image/);
  });

  it('an override with a namespaceSelector applies only where the labels match; unreadable labels are undecided', async () => {
    const yaml = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: check-image}
spec:
  validationFailureAction: Audit
  validationFailureActionOverrides:
    - action: Enforce
      namespaceSelector: {matchLabels: {strict: "true"}}
  rules:
    - name: verify
      match: {any: [{resources: {kinds: [Pod]}}]}
      verifyImages:
        - type: Notary
          imageReferences: ['registry.test/*']
          mutateDigest: false
          attestors: [{entries: [{certificates: {cert: bad}}]}]
`;
    const parsed = parsePolicyDocuments(yaml, 'p.yaml').policies;
    expect(parsed[0]!.validationFailureActionOverrides[0]!.namespaceSelector).toEqual({ matchLabels: { strict: 'true' } });
    const facts = new FixedFacts({ namespaces: { 'team-a': { strict: 'true' }, 'team-b': {} } });
    expect((await mutate(pod('team-a'), parsed, facts)).allowed).toBe(false);
    expect((await mutate(pod('team-b'), parsed, facts)).allowed).toBe(true);
    const undecided = await mutate(pod('team-a'), parsed, new FixedFacts({ down: 'watch not synced' }));
    expect(undecided.allowed).toBe(false);
    expect(undecided.message).toContain('cannot decide the failure action of policy check-image: namespace labels of "team-a": watch not synced');
  });
});

describe('PolicyExceptions', () => {
  const exception = (overrides: Partial<PolicyException> = {}): PolicyException => ({
    apiVersion: 'kyverno.io/v2',
    name: 'allow-app',
    namespace: 'delta',
    source: 'e.yaml',
    match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['team-a'] } }] },
    exceptions: [{ policyName: 'check-image', ruleNames: ['verify', 'autogen-verify'] }],
    ...overrides,
  });

  it('a matching exception skips the rule with Kyverno\'s exact message (no space), in both phases', async () => {
    const facts = new FixedFacts({ exceptions: [exception(), exception({ name: 'also', namespace: 'alpha' })] });
    const verdict = await mutate(pod(), [policy({ cert: 'bad' })], facts);
    expect(verdict.allowed).toBe(true);
    expect(verdict.results).toEqual([
      expect.objectContaining({ status: 'skip', message: 'rule is skipped due to policy exceptionsalpha/also, delta/allow-app' }),
    ]);
    const validated = await validate(pod(), [policy({ entry: '          verifyDigest: true\n' })], facts);
    expect(validated.allowed).toBe(true);
    expect(validated.results[0]).toMatchObject({ status: 'skip', message: 'rule is skipped due to policy exceptionsalpha/also, delta/allow-app' });
  });

  it('exceptions name a Policy as ns/name and a ClusterPolicy by name only; other namespaces and rules are untouched', async () => {
    const facts = new FixedFacts({ exceptions: [exception({ exceptions: [{ policyName: 'team-a/check-image', ruleNames: ['*'] }] })] });
    const verdict = await mutate(pod(), [policy({ cert: 'bad' }), policy({ kind: 'Policy', namespace: 'team-a', cert: 'bad' })], facts);
    expect(verdict.results.map((result) => [result.identity.kind, result.status])).toEqual([
      ['ClusterPolicy', 'fail'],
      ['Policy', 'skip'],
    ]);
    expect((await mutate(pod('team-b'), [policy({ cert: 'bad' })], new FixedFacts({ exceptions: [exception()] }))).allowed).toBe(false);
  });

  it('conditions use the rule context; an evaluation error means no exception applies', async () => {
    const when = (value: string) => exception({ conditions: { all: [{ key: '{{ request.object.metadata.name }}', operator: 'Equals', value }] } });
    expect((await mutate(pod(), [policy({ cert: 'bad' })], new FixedFacts({ exceptions: [when('test')] }))).allowed).toBe(true);
    expect((await mutate(pod(), [policy({ cert: 'bad' })], new FixedFacts({ exceptions: [when('other')] }))).allowed).toBe(false);
    const broken = exception({ name: 'broken', conditions: { all: [{ key: '{{ request.nothing.here }}', operator: 'Equals', value: 'x' }] } });
    expect((await mutate(pod(), [policy({ cert: 'bad' })], new FixedFacts({ exceptions: [exception(), broken] }))).allowed).toBe(false);
  });

  it('exceptions that cannot be read leave the admission undecided', async () => {
    const verdict = await mutate(pod(), [policy({ cert: 'bad' })], new FixedFacts({ exceptions: [], down: 'policyexceptions: forbidden' }));
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toContain('cannot decide whether policy check-image applies: policy exceptions: policyexceptions: forbidden');
  });
});

describe('useCache: false', () => {
  it('asks the tier for a fresh verification of that entry only', async () => {
    const calls = { discover: [] as DiscoverRequest[], verify: [] as VerifyRequest[] };
    await mutate(pod(), [policy({ entry: '          useCache: false\n' }), policy({ name: 'cached' })], undefined, scriptedPort(calls));
    expect(calls.verify.map((request) => request.noCache ?? false).sort()).toEqual([false, true]);
  });
});

describe('imageExtractors', () => {
  const task = (image: string, extra: Record<string, unknown> = {}): AdmissionRequest => ({
    uid: 'u',
    kind: { group: 'tekton.dev', version: 'v1', kind: 'Task' },
    name: 'build',
    namespace: 'team-a',
    operation: 'CREATE',
    userInfo: { username: 'alice', groups: [] },
    object: { apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: { name: 'build', namespace: 'team-a' }, spec: { steps: [{ name: 'compile', image }, { name: 'noimage' }], ...extra } },
    oldObject: null,
  });
  const taskPolicy = (extractors: string, cert = 'good') =>
    policy({ match: '{any: [{resources: {kinds: [tekton.dev/v1/Task]}}]}', cert, rule: `      imageExtractors:\n        Task:\n${extractors}` });

  it('finds images in a custom resource and pins them at their JSON pointer', async () => {
    const policies = [taskPolicy("          - {path: '/spec/steps/*/image', key: name}\n")];
    expect(policies[0]!.rules[0]!.imageExtractors).toEqual({ Task: [{ path: '/spec/steps/*/image', key: 'name' }] });
    const verdict = await mutate(task(IMAGE), policies);
    expect(verdict.allowed).toBe(true);
    expect(verdict.patch).toContainEqual({ op: 'replace', path: '/spec/steps/0/image', value: PINNED });
    const denied = await mutate(task(IMAGE), policies.map((candidate) => ({ ...candidate, rules: candidate.rules.map((rule) => ({ ...rule, verifyImages: rule.verifyImages.map((entry) => ({ ...entry, attestors: [{ entries: [{ certificates: { cert: 'bad' } }] }] })) })) })));
    expect(denied.allowed).toBe(false);
  });

  it('an extractor error is a rule error in Kyverno\'s words', async () => {
    const policies = [taskPolicy("          - {path: '/spec/steps/*/image', key: missing}\n")];
    const verdict = await mutate(task(IMAGE), policies);
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]).toMatchObject({ status: 'error', message: 'failed to instantiate handler: invalid key' });
    policies[0]!.rules[0]!.imageExtractors = { Task: [] };
    expect((await mutate(task(IMAGE), policies)).results[0]!.message).toBe('failed to instantiate handler: no extractors found for Task');
  });
});
