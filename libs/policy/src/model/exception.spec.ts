/**
 * PolicyException documents (kyverno.io/v2, v2beta1): the model, and every
 * refusal with its path and reason.
 */
import { parse as parseYaml, stringify } from 'yaml';
import { parsePolicyDocuments } from './parse';
import { policyYaml, refusalOf } from './test-support';

const exception = (spec: string, header = 'apiVersion: kyverno.io/v2\nkind: PolicyException\nmetadata: {name: allow-ci, namespace: kyverno}') => `${header}\nspec:\n${spec}`;

const BASE_SPEC = `  match:
    any:
      - resources:
          kinds: [Pod]
          namespaces: [ci]
  exceptions:
    - policyName: check-image-notary
      ruleNames: [verify-signature-notary, 'autogen-*']
`;

/** BASE_SPEC with a mapping merged into spec (YAML), or keys removed. */
function withSpec(merge: string, drop: string[] = []): string {
  const spec = parseYaml(BASE_SPEC) as Record<string, unknown>;
  for (const key of drop) delete spec[key];
  Object.assign(spec, parseYaml(merge) ?? {});
  return exception(stringify(spec).replace(/^/gm, '  '));
}

describe('PolicyException', () => {
  it('loads into the model, beside policies and other objects', () => {
    const text = [exception(BASE_SPEC), policyYaml(), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keys}\ndata: {a: b}', exception(BASE_SPEC, 'apiVersion: kyverno.io/v2beta1\nkind: PolicyException\nmetadata: {name: old}')].join('\n---\n');
    const loaded = parsePolicyDocuments(text, 'all.yaml');
    expect(loaded.policies.map((policy) => policy.name)).toEqual(['p']);
    expect(loaded.resources.map((object) => object['kind'])).toEqual(['ConfigMap']);
    expect(loaded.exceptions).toEqual([
      {
        apiVersion: 'kyverno.io/v2',
        name: 'allow-ci',
        namespace: 'kyverno',
        source: 'all.yaml',
        match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['ci'] } }] },
        exceptions: [{ policyName: 'check-image-notary', ruleNames: ['verify-signature-notary', 'autogen-*'] }],
      },
      // No namespace: `default`, where kubectl and Kyverno's CLI put it.
      expect.objectContaining({ apiVersion: 'kyverno.io/v2beta1', name: 'old', namespace: 'default' }),
    ]);
  });

  it('keeps conditions, a Policy key in policyName, and user info when background is off', () => {
    const text = withSpec(
      "background: false\nconditions: {any: [{key: '{{ request.object.metadata.labels.ci }}', operator: Equals, value: 'true'}]}\nmatch: {all: [{resources: {kinds: [Pod]}, subjects: [{kind: ServiceAccount, name: ci, namespace: build}]}, {clusterRoles: [ci-admin]}]}\nexceptions: [{policyName: team-a/check, ruleNames: ['*']}]",
    );
    expect(parsePolicyDocuments(text, 'e.yaml').exceptions[0]).toMatchObject({
      conditions: { any: [{ key: '{{ request.object.metadata.labels.ci }}', operator: 'Equals', value: 'true' }] },
      match: { all: [{ resources: { kinds: ['Pod'] }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'build' }] }, { clusterRoles: ['ci-admin'] }] },
      exceptions: [{ policyName: 'team-a/check', ruleNames: ['*'] }],
    });
  });

  it.each([
    ['user info with background on (the default)', withSpec('match: {any: [{subjects: [{kind: User, name: alice}]}]}'), 'spec.match.any[0].subjects', /^Usage of user info is forbidden/],
    ['roles with background on', withSpec('match: {any: [{resources: {kinds: [Pod]}, roles: [ci:deployer]}]}'), 'spec.match.any[0].roles', /^Usage of user info is forbidden/],
    ['podSecurity (no exact meaning for verifyImages)', withSpec("podSecurity: [{controlName: Capabilities, images: ['*']}]"), 'spec.podSecurity', /^podSecurity exempts Pod Security Standard controls/],
    ['operations (never checked by Kyverno for exceptions)', withSpec('match: {any: [{resources: {kinds: [Pod], operations: [CREATE]}}]}'), 'spec.match.any[0].resources.operations', /^operations are never checked for PolicyExceptions/],
    ['the legacy match.resources (only any/all in v2)', withSpec('match: {resources: {kinds: [Pod]}}'), 'spec.match.resources', 'unknown field "spec.match.resources"'],
    ['any and all together', withSpec('match: {any: [{resources: {kinds: [Pod]}}], all: [{resources: {kinds: [Pod]}}]}'), 'spec.match', "Can't specify any and all together"],
    ['a match that matches nothing', withSpec('match: {}'), 'spec.match', /^must have any or all/],
    ['an empty filter', withSpec('match: {any: [{}]}'), 'spec.match.any[0]', /^an empty filter never matches/],
    ['a missing match', withSpec('', ['match']), 'spec.match', 'is required'],
    ['a missing exceptions list', withSpec('', ['exceptions']), 'spec.exceptions', 'is required'],
    ['a missing policyName', withSpec('exceptions: [{ruleNames: [r]}]'), 'spec.exceptions[0].policyName', 'is required'],
    ['a missing ruleNames', withSpec('exceptions: [{policyName: p}]'), 'spec.exceptions[0].ruleNames', 'is required'],
    ['empty ruleNames', withSpec('exceptions: [{policyName: p, ruleNames: []}]'), 'spec.exceptions[0].ruleNames', /^at least one rule name is required/],
    ['a typo in an exception', withSpec('exceptions: [{policyname: p, ruleNames: [r]}]'), 'spec.exceptions[0].policyname', 'unknown field "spec.exceptions[0].policyname" (did you mean "policyName"?)'],
    ['a typo in spec', withSpec('exception: []'), 'spec.exception', 'unknown field "spec.exception" (did you mean "exceptions"?)'],
    ['a bad condition operator', withSpec('conditions: {all: [{key: a, operator: Matches, value: b}]}'), 'spec.conditions.all[0].operator', 'unknown operator "Matches"'],
    ['a served-nowhere apiVersion', exception(BASE_SPEC, 'apiVersion: kyverno.io/v1\nkind: PolicyException\nmetadata: {name: x}'), 'apiVersion', 'must be one of kyverno.io/v2, kyverno.io/v2beta1, got "kyverno.io/v1"'],
  ])('refuses %s', (_title, text, path, reason) => {
    const error = refusalOf(text, 'e.yaml');
    expect(error.path).toBe(path);
    if (typeof reason === 'string') expect(error.reason).toBe(reason);
    else expect(error.reason).toMatch(reason);
  });
});

describe('documents around the policies', () => {
  it('a List (kubectl get -o yaml) loads its items; a misspelt or unsupported kyverno kind is refused, never dropped', () => {
    const policy = policyYaml().replace(/^/gm, '    ').replace(/^ {4}/, '  - ');
    const list = `apiVersion: v1\nkind: List\nitems:\n${policy}`;
    expect(parsePolicyDocuments(list, 'list.yaml').policies.map((loaded) => loaded.name)).toEqual(['p']);
    const kyvernoList = `apiVersion: kyverno.io/v1\nkind: ClusterPolicyList\nitems:\n${policy}`;
    expect(parsePolicyDocuments(kyvernoList, 'list.yaml').policies).toHaveLength(1);
    const nested = refusalOf(`apiVersion: v1\nkind: List\nitems:\n${policy.replace('imageReferences', 'imageReference')}`);
    expect(nested.path).toBe('items[0].spec.rules[0].verifyImages[0].imageReference');

    expect(refusalOf(policyYaml({ place: 'root', yaml: 'kind: ClusterPolicies' })).message).toBe('policy.yaml: kind: unknown kind "ClusterPolicies" (did you mean "ClusterPolicy"?)');
    expect(refusalOf(policyYaml({ place: 'root', yaml: 'kind: clusterpolicy' })).reason).toBe('unknown kind "clusterpolicy" (did you mean "ClusterPolicy"?)');
    expect(refusalOf(policyYaml({ place: 'root', yaml: 'apiVersion: policies.kyverno.io/v1alpha1\nkind: ImageValidatingPolicy' })).reason).toMatch(/^ImageValidatingPolicy \(policies\.kyverno\.io\/v1alpha1\) is not run by notary-gate/);
    // A policy kind with a wrong apiVersion of the kyverno group, or none at all, is refused rather than taken for another object.
    expect(refusalOf(policyYaml({ place: 'root', yaml: 'apiVersion: kyverno.io/v2' })).reason).toBe('must be one of kyverno.io/v1, kyverno.io/v2beta1, got "kyverno.io/v2"');
    expect(refusalOf(policyYaml({ place: 'root', drop: ['apiVersion'] })).path).toBe('apiVersion');
    // Other kinds, of Kyverno's group or not, stay beside the policies.
    const others = parsePolicyDocuments('apiVersion: kyverno.io/v2\nkind: CleanupPolicy\nmetadata: {name: c}\n---\napiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n', 'o.yaml');
    expect(others.resources.map((object) => object['kind'])).toEqual(['CleanupPolicy', 'Policy']);
  });
});
