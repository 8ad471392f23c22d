/**
 * What a loaded policy says: Kyverno's CRD defaults, each accepted field in
 * the model (useCache, imageExtractors, overrides with nil-vs-[] namespaces
 * and namespaceSelector, legacy match forms), the warnings (repository,
 * predicateType), the fields accepted with no effect (and why), and the
 * identity helpers.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describePolicy, policyIdentity, policyKey } from './identity';
import { parsePolicyDocuments, parseTraced } from './parse';
import { SCHEMAS } from './schema';
import { policyYaml, type Edit } from './test-support';

const load = (...edits: Edit[]) => parsePolicyDocuments(policyYaml(...edits), 'policy.yaml').policies[0]!;

describe('CRD defaults', () => {
  it('fills what the API server would', () => {
    const policy = load({ place: 'spec', drop: ['validationFailureAction'] }, { place: 'entry', yaml: 'failureAction: Enforce' });
    expect(policy).toMatchObject({
      validationFailureAction: 'Audit',
      validationFailureActionOverrides: [],
      failurePolicy: 'Fail',
      timeoutSeconds: 10,
      applyRules: 'All',
      scored: true,
      autogenControllers: ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'],
      warnings: [],
      ignoredRules: [],
    });
    expect(policy.rules[0]!.verifyImages[0]).toMatchObject({ mutateDigest: true, verifyDigest: true, required: true, useCache: true, skipImageReferences: [] });
  });

  it('folds lower-case actions, and keeps explicit values', () => {
    const policy = load(
      { place: 'spec', yaml: 'validationFailureAction: enforce\napplyRules: One\nwebhookConfiguration: {failurePolicy: Ignore, timeoutSeconds: 3}' },
      { place: 'entry', yaml: 'useCache: false\nverifyDigest: false\nrequired: false' },
      { place: 'metadata', yaml: "annotations: {policies.kyverno.io/scored: 'false', pod-policies.kyverno.io/autogen-controllers: 'Deployment,CronJob'}" },
    );
    expect(policy).toMatchObject({ validationFailureAction: 'Enforce', applyRules: 'One', failurePolicy: 'Ignore', timeoutSeconds: 3, scored: false, autogenControllers: ['Deployment', 'CronJob'] });
    expect(policy.rules[0]!.verifyImages[0]).toMatchObject({ useCache: false, verifyDigest: false, required: false });
  });
});

describe('fields in the model', () => {
  it('overrides keep nil vs [] namespaces and the namespaceSelector', () => {
    const policy = load({
      place: 'spec',
      yaml: 'validationFailureActionOverrides: [{action: audit, namespaceSelector: {matchLabels: {env: dev}}}, {action: Audit, namespaces: []}, {action: Enforce, namespaces: [prod], namespaceSelector: {matchExpressions: [{key: tier, operator: Exists}]}}]',
    });
    expect(policy.validationFailureActionOverrides).toEqual([
      { action: 'Audit', namespaceSelector: { matchLabels: { env: 'dev' } } },
      { action: 'Audit', namespaces: [] },
      { action: 'Enforce', namespaces: ['prod'], namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } },
    ]);
  });

  it('imageExtractors are parsed by kind', () => {
    const policy = load({ place: 'entry', yaml: 'mutateDigest: false' }, { place: 'rule', yaml: "imageExtractors: {Task: [{path: /spec/steps/*/image, name: steps, key: name, jmesPath: \"trim_prefix(@, 'docker://')\"}, {path: /spec/image}]}" });
    expect(policy.rules[0]!.imageExtractors).toEqual({ Task: [{ path: '/spec/steps/*/image', name: 'steps', key: 'name', jmesPath: "trim_prefix(@, 'docker://')" }, { path: '/spec/image' }] });
  });

  it('the v1 legacy match form is one filter with its subjects and roles', () => {
    const policy = load({ place: 'rule', yaml: 'match: {resources: {kinds: [Pod]}, subjects: [{kind: ServiceAccount, name: ci, namespace: build}], roles: [build:deployer], clusterRoles: [admin]}' });
    expect(policy.rules[0]!.match).toEqual({ any: [{ resources: { kinds: ['Pod'] }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'build' }], roles: ['build:deployer'], clusterRoles: ['admin'] }] });
  });

  it('exclude with roles only is legal (kinds are mandatory in match only), preconditions lists mean all', () => {
    const policy = load({ place: 'rule', yaml: 'exclude: {any: [{clusterRoles: [cluster-admin]}]}\npreconditions: [{key: a, operator: Equals, value: a}]' });
    expect(policy.rules[0]!.exclude).toEqual({ any: [{ clusterRoles: ['cluster-admin'] }] });
    expect(policy.rules[0]!.preconditions).toEqual({ all: [{ key: 'a', operator: 'Equals', value: 'a' }] });
  });

  it('free-form points of the CRD (condition key/value, variable values) take any JSON', () => {
    const policy = load(
      { place: 'rule', yaml: 'context: [{name: v, variable: {value: {nested: {anything: [1, {x: y}]}}, default: {d: 1}}}]' },
      { place: 'entry', yaml: "attestations: [{type: sbom, attestors: [{entries: [{certificates: {cert: x}}]}], conditions: [{any: [{key: {weird: [1]}, operator: AnyIn, value: [{a: b}]}]}]}]" },
    );
    expect(policy.rules[0]!.context).toEqual([{ name: 'v', variable: { value: { nested: { anything: [1, { x: 'y' }] } }, default: { d: 1 } } }]);
    expect(policy.rules[0]!.verifyImages[0]!.attestations[0]!.conditions).toEqual([{ any: [{ key: { weird: [1] }, operator: 'AnyIn', value: [{ a: 'b' }] }] }]);
  });

  it('rules Kyverno runs are listed, not claimed', () => {
    const policy = load({ place: 'spec', yaml: 'rules: [{name: v, match: {any: [{resources: {kinds: [Pod]}}]}, validate: {pattern: {spec: {x: y}}}}, {name: m, match: {any: [{resources: {kinds: [Pod]}}]}, mutate: {patchStrategicMerge: {}}}]' });
    expect(policy.rules).toEqual([]);
    expect(policy.ignoredRules).toEqual(['v', 'm']);
  });
});

describe('warnings', () => {
  it('repository (entry and attestor) is ignored for Notary, and says so; predicateType is deprecated', () => {
    const policy = load(
      { place: 'entry', yaml: 'repository: ghcr.io/acme/signatures' },
      { place: 'attestor', yaml: 'repository: ghcr.io/acme/other' },
      { place: 'root', yaml: 'metadata: {name: p, namespace: kyverno}' },
    );
    expect(policy.namespace).toBeUndefined();
    expect(policy.warnings).toEqual([
      { path: 'metadata.namespace', message: 'ignored: a ClusterPolicy is cluster-scoped' },
      { path: 'spec.rules[0].verifyImages[0].attestors[0].entries[0].repository', message: "ignored for type Notary: signatures are looked up next to the image, as Kyverno's Notary verifier does" },
      { path: 'spec.rules[0].verifyImages[0].repository', message: "ignored for type Notary: signatures are looked up next to the image, as Kyverno's Notary verifier does" },
    ]);
    const attested = load({ place: 'entry', yaml: 'attestations: [{predicateType: sbom/cyclone-dx, attestors: [{entries: [{certificates: {cert: x}}]}]}]' });
    expect(attested.rules[0]!.verifyImages[0]!.attestations[0]!.type).toBe('sbom/cyclone-dx');
    expect(attested.warnings).toEqual([{ path: 'spec.rules[0].verifyImages[0].attestations[0].predicateType', message: "predicateType has been deprecated use 'type: sbom/cyclone-dx' instead of 'predicateType: sbom/cyclone-dx'" }]);
  });
});

describe('fields accepted with no effect at admission', () => {
  it('a policy exported from a cluster (status, server metadata, every CRD default written out) loads, each such field with its reason', () => {
    const text = policyYaml(
      { place: 'root', yaml: 'status: {ready: true, autogen: {rules: []}}' },
      { place: 'metadata', yaml: 'uid: "1234"\nresourceVersion: "42"\ngeneration: 3\ncreationTimestamp: "2026-01-01T00:00:00Z"\nmanagedFields: [{manager: kubectl}]\nlabels: {team: a}\nfinalizers: []' },
      {
        place: 'spec',
        yaml: 'background: true\nadmission: true\nemitWarning: false\ngenerateExisting: false\ngenerateExistingOnPolicyUpdate: false\nmutateExistingOnPolicyUpdate: false\nuseServerSideApply: false\nschemaValidation: true\napplyRules: All\nfailurePolicy: Fail',
      },
      { place: 'rule', yaml: 'skipBackgroundRequests: true\nreportProperties: {team: a}' },
      { place: 'entry', yaml: 'type: Notary\nmutateDigest: true\nverifyDigest: true\nrequired: true\nuseCache: true\ncosignOCI11: false' },
      { place: 'attestor', yaml: 'signatureAlgorithm: sha256' },
      { place: 'filter', yaml: 'subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]' },
    );
    const { loaded, logs } = parseTraced(text, 'exported.yaml');
    expect(loaded.policies[0]).toMatchObject({ uid: '1234', resourceVersion: '42' });
    expect([...logs[0]!.log.noEffect.keys()].sort()).toEqual(
      [
        'metadata.creationTimestamp',
        'metadata.finalizers',
        'metadata.generation',
        'metadata.labels',
        'metadata.managedFields',
        'spec.background',
        'spec.emitWarning',
        'spec.generateExisting',
        'spec.generateExistingOnPolicyUpdate',
        'spec.mutateExistingOnPolicyUpdate',
        'spec.rules[0].match.any[0].subjects[0].apiGroup',
        'spec.rules[0].reportProperties',
        'spec.rules[0].skipBackgroundRequests',
        'spec.rules[0].verifyImages[0].cosignOCI11',
        'spec.schemaValidation',
        'spec.useServerSideApply',
        'status',
      ].sort(),
    );
  });

  it('every field of every table is classified, and each no-effect or refused field carries its reason', () => {
    for (const [type, schema] of Object.entries(SCHEMAS)) {
      for (const [field, spec] of Object.entries(schema)) {
        const treatment = spec.treatment;
        if (treatment === 'read') continue;
        const reason = 'noEffect' in treatment ? treatment.noEffect : treatment.refused;
        expect({ type, field, reason: reason.length > 20 }).toEqual({ type, field, reason: true });
      }
    }
  });
});

describe('the policies and exceptions the project ships load', () => {
  const root = join(__dirname, '../../../../');
  /** Every YAML file of the repository (examples, fixtures, deploy) that holds a Kyverno policy or exception. */
  function kyvernoFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'dist') return [];
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return kyvernoFiles(path);
      return /\.ya?ml$/.test(entry.name) && /^kind: (ClusterPolicy|Policy|PolicyException)$/m.test(readFileSync(path, 'utf8')) ? [path] : [];
    });
  }
  const files = ['examples', 'test', 'deploy'].flatMap((dir) => kyvernoFiles(join(root, dir)));

  it('finds them (seed copies, examples, the compose policy, the kyverno-test suite)', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((file) => [relative(root, file), file]))('%s', (_name, file) => {
    const { loaded } = parseTraced(readFileSync(file, 'utf8'), file);
    expect(loaded.policies.length + loaded.exceptions.length).toBeGreaterThan(0);
  });

});

describe('identity', () => {
  it('a Policy is ns/name (default when unset), a ClusterPolicy its name; the identity always says the kind', () => {
    const cluster = load();
    const namespaced = load({ place: 'root', yaml: 'kind: Policy' });
    const tenant = load({ place: 'root', yaml: 'kind: Policy\nmetadata: {name: p, namespace: team-a}' });
    expect(namespaced.namespace).toBe('default');
    expect([policyKey(cluster), policyKey(namespaced), policyKey(tenant)]).toEqual(['p', 'default/p', 'team-a/p']);
    expect([describePolicy(cluster), describePolicy(tenant)]).toEqual(['ClusterPolicy/p', 'Policy/team-a/p']);
    expect(policyIdentity(cluster)).toEqual({ kind: 'ClusterPolicy', name: 'p' });
    expect(policyIdentity(tenant)).toEqual({ kind: 'Policy', name: 'p', namespace: 'team-a' });
  });
});
