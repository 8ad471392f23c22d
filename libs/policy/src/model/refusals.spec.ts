/**
 * Every refusal of the policy model, table-driven: a YAML snippet placed in an
 * otherwise valid Notary policy → the path and the reason of the refusal.
 * Unknown fields follow `kubectl apply`'s strict field validation; enums,
 * types and required fields Kyverno's CRD; the rest Kyverno's creation-time
 * checks (each cited in the code) or a documented notary-gate refusal.
 */
import { parsePolicyDocuments } from './parse';
import { policyYaml, refusalOf, type Edit } from './test-support';

type Case = [title: string, edits: Edit[], path: string, reason: string | RegExp];

const E = 'spec.rules[0].verifyImages[0]';

const UNKNOWN_FIELDS: Case[] = [
  ['`attestor:` for `attestors:`', [{ place: 'entry', drop: ['attestors'], yaml: 'attestor: [{entries: [{certificates: {cert: x}}]}]' }], `${E}.attestor`, `unknown field "${E}.attestor" (did you mean "attestors"?)`],
  ['`verifyimages:` for `verifyImages:`', [{ place: 'rule', drop: ['verifyImages'], yaml: "verifyimages: [{type: Notary, imageReferences: ['*']}]" }], 'spec.rules[0].verifyimages', 'unknown field "spec.rules[0].verifyimages" (did you mean "verifyImages"?)'],
  ['a spec-level typo', [{ place: 'spec', yaml: 'validationFailureActions: Enforce' }], 'spec.validationFailureActions', 'unknown field "spec.validationFailureActions" (did you mean "validationFailureAction"?)'],
  ['a top-level field', [{ place: 'root', yaml: 'specs: {}' }], 'specs', 'unknown field "specs" (did you mean "spec"?)'],
  ['a metadata typo', [{ place: 'metadata', yaml: 'lables: {a: b}' }], 'metadata.lables', 'unknown field "metadata.lables" (did you mean "labels"?)'],
  ['`kind:` for `kinds:`', [{ place: 'resources', yaml: 'kind: [Deployment]' }], 'spec.rules[0].match.any[0].resources.kind', 'unknown field "spec.rules[0].match.any[0].resources.kind" (did you mean "kinds"?)'],
  ['a certificates typo', [{ place: 'certificates', yaml: 'certs: x' }], `${E}.attestors[0].entries[0].certificates.certs`, `unknown field "${E}.attestors[0].entries[0].certificates.certs" (did you mean "cert"?)`],
  ['an unrelated field', [{ place: 'entry', yaml: 'foo: 1' }], `${E}.foo`, `unknown field "${E}.foo"`],
  ['a nested attestor typo (stricter than the CRD, which keeps nested attestors unpruned)', [{ place: 'attestor', drop: ['certificates'], yaml: 'attestor: {entries: [{certificates: {cert: x}}], countt: 1}' }], `${E}.attestors[0].entries[0].attestor.countt`, `unknown field "${E}.attestors[0].entries[0].attestor.countt" (did you mean "count"?)`],
  ['a condition typo', [{ place: 'entry', yaml: "attestations: [{type: sbom, attestors: [{entries: [{certificates: {cert: x}}]}], conditions: [{all: [{key: a, operater: Equals, value: b}]}]}]" }], `${E}.attestations[0].conditions[0].all[0].operater`, `unknown field "${E}.attestations[0].conditions[0].all[0].operater" (did you mean "operator"?)`],
  ['a deny.conditions typo (stricter: Kyverno drops it and denies nothing)', [{ place: 'entry', yaml: "validate: {deny: {conditions: {anyy: [{key: a, operator: Equals, value: b}]}}}" }], `${E}.validate.deny.conditions.anyy`, `unknown field "${E}.validate.deny.conditions.anyy" (did you mean "any"?)`],
  ['a preconditions typo', [{ place: 'rule', yaml: 'preconditions: {al: [{key: a, operator: Equals, value: a}]}' }], 'spec.rules[0].preconditions.al', 'unknown field "spec.rules[0].preconditions.al" (did you mean "all"?)'],
  ['a selector typo', [{ place: 'resources', yaml: 'selector: {matchLabel: {a: b}}' }], 'spec.rules[0].match.any[0].resources.selector.matchLabel', 'unknown field "spec.rules[0].match.any[0].resources.selector.matchLabel" (did you mean "matchLabels"?)'],
  ['a context typo', [{ place: 'rule', yaml: 'context: [{name: keys, configmap: {name: keys}}]' }], 'spec.rules[0].context[0].configmap', 'unknown field "spec.rules[0].context[0].configmap" (did you mean "configMap"?)'],
  ['an override typo', [{ place: 'spec', yaml: 'validationFailureActionOverrides: [{action: Audit, namespace: [a]}]' }], 'spec.validationFailureActionOverrides[0].namespace', 'unknown field "spec.validationFailureActionOverrides[0].namespace" (did you mean "namespaces"?)'],
  ['v2beta1 has no legacy match.resources', [{ place: 'root', yaml: 'apiVersion: kyverno.io/v2beta1' }, { place: 'rule', yaml: 'match: {resources: {kinds: [Pod]}}' }], 'spec.rules[0].match.resources', 'unknown field "spec.rules[0].match.resources"'],
  ['v2beta1 has no deprecated image field', [{ place: 'root', yaml: 'apiVersion: kyverno.io/v2beta1' }, { place: 'entry', yaml: 'image: ghcr.io/x' }], `${E}.image`, /^unknown field "spec\.rules\[0\]\.verifyImages\[0\]\.image"/],
  ['a webhookConfiguration typo', [{ place: 'spec', yaml: 'webhookConfiguration: {timeoutSecond: 5}' }], 'spec.webhookConfiguration.timeoutSecond', 'unknown field "spec.webhookConfiguration.timeoutSecond" (did you mean "timeoutSeconds"?)'],
  ['a subject typo', [{ place: 'filter', yaml: 'subjects: [{kind: User, nam: alice}]' }], 'spec.rules[0].match.any[0].subjects[0].nam', 'unknown field "spec.rules[0].match.any[0].subjects[0].nam" (did you mean "name"?)'],
];

const TYPES_AND_ENUMS: Case[] = [
  ['failureAction is case-sensitive', [{ place: 'entry', yaml: 'failureAction: enforce' }], `${E}.failureAction`, 'must be one of Audit, Enforce, got "enforce"'],
  ['validationFailureAction outside its enum', [{ place: 'spec', yaml: 'validationFailureAction: ENFORCE' }], 'spec.validationFailureAction', 'must be one of audit, enforce, Audit, Enforce, got "ENFORCE"'],
  ['type is case-sensitive', [{ place: 'entry', yaml: 'type: notary' }], `${E}.type`, 'must be one of Cosign, SigstoreBundle, Notary, got "notary"'],
  ['a boolean written as a string', [{ place: 'entry', yaml: 'mutateDigest: "false"' }], `${E}.mutateDigest`, 'must be true or false, got string "false"'],
  ['count as a string', [{ place: 'attestorSet', yaml: 'count: "1"' }], `${E}.attestors[0].count`, 'must be an integer, got string "1"'],
  ['count below the CRD minimum', [{ place: 'attestorSet', yaml: 'count: 0' }], `${E}.attestors[0].count`, 'must be ≥ 1'],
  ['imageReferences as a string', [{ place: 'entry', yaml: 'imageReferences: ghcr.io/*' }], `${E}.imageReferences`, 'must be a list, got string "ghcr.io/*"'],
  ['an unknown operation', [{ place: 'resources', yaml: 'operations: [PATCH]' }], 'spec.rules[0].match.any[0].resources.operations[0]', 'must be one of CREATE, CONNECT, UPDATE, DELETE, got "PATCH"'],
  ['applyRules outside its enum', [{ place: 'spec', yaml: 'applyRules: one' }], 'spec.applyRules', 'must be one of All, One, got "one"'],
  ['a subject kind outside User/Group/ServiceAccount', [{ place: 'filter', yaml: 'subjects: [{kind: user, name: alice}]' }], 'spec.rules[0].match.any[0].subjects[0].kind', "kind must be 'User', 'Group', or 'ServiceAccount'"],
  ['a selector operator outside the four', [{ place: 'resources', yaml: 'selector: {matchExpressions: [{key: a, operator: in, values: [b]}]}' }], 'spec.rules[0].match.any[0].resources.selector.matchExpressions[0].operator', 'must be one of In, NotIn, Exists, DoesNotExist, got "in"'],
  ['a label value that is not a string', [{ place: 'resources', yaml: 'selector: {matchLabels: {a: true}}' }], 'spec.rules[0].match.any[0].resources.selector.matchLabels.a', 'must be a string, got boolean true'],
  ['a missing required rule name', [{ place: 'rule', drop: ['name'] }], 'spec.rules[0].name', 'is required'],
  ['a missing required match', [{ place: 'rule', drop: ['match'] }], 'spec.rules[0].match', 'is required'],
  ['an override action outside its enum', [{ place: 'spec', yaml: 'validationFailureActionOverrides: [{action: Warn, namespaces: [a]}]' }], 'spec.validationFailureActionOverrides[0].action', 'must be one of audit, enforce, Audit, Enforce, got "Warn"'],
];

const REFUSED_FIELDS: Case[] = [
  ['imageRegistryCredentials.allowInsecureRegistry (not per job)', [{ place: 'entry', yaml: 'imageRegistryCredentials: {secrets: [regcred], allowInsecureRegistry: true}' }], `${E}.imageRegistryCredentials.allowInsecureRegistry`, /^skipping TLS verification per policy is not supported/],
  ['imageRegistryCredentials.providers (cloud keychains)', [{ place: 'entry', yaml: 'imageRegistryCredentials: {providers: [amazon]}' }], `${E}.imageRegistryCredentials.providers`, /^cloud keychains .* are Kyverno's own process credentials/],
  ['an imageRegistryCredentials secret that is no Secret name', [{ place: 'entry', yaml: 'imageRegistryCredentials: {secrets: [../x]}' }], `${E}.imageRegistryCredentials.secrets[0]`, 'is not a Secret name (a DNS subdomain)'],
  ['keys on a Notary attestor', [{ place: 'attestor', yaml: 'keys: {publicKeys: x}' }], `${E}.attestors[0].entries[0].keys`, 'Keys field is not allowed for type notary'],
  ['keyless on a Notary attestor', [{ place: 'attestor', yaml: 'keyless: {url: x}' }], `${E}.attestors[0].entries[0].keyless`, 'Keyless field is not allowed for type notary'],
  ['the deprecated v1 key', [{ place: 'entry', yaml: 'key: x' }], `${E}.key`, /^Keys field is not allowed for type notary/],
  ['the deprecated v1 subject', [{ place: 'entry', yaml: 'subject: x' }], `${E}.subject`, /^Keyless field is not allowed for type notary/],
  ['rekor (Cosign only)', [{ place: 'certificates', yaml: 'rekor: {url: x}' }], `${E}.attestors[0].entries[0].certificates.rekor`, /^Rekor transparency-log checks are Cosign's/],
  ['attestor annotations (Cosign only)', [{ place: 'attestor', yaml: 'annotations: {a: b}' }], `${E}.attestors[0].entries[0].annotations`, /^signature annotations are checked by Cosign only/],
  ['an apiCall context entry', [{ place: 'rule', yaml: 'context: [{name: x, apiCall: {urlPath: /api}}]' }], 'spec.rules[0].context[0].apiCall', 'context entries of this kind are not supported by notary-gate (configMap and variable are)'],
  ['an imageRegistry context entry', [{ place: 'rule', yaml: 'context: [{name: x, imageRegistry: {reference: x}}]' }], 'spec.rules[0].context[0].imageRegistry', 'context entries of this kind are not supported by notary-gate (configMap and variable are)'],
  ['a globalReference context entry', [{ place: 'rule', yaml: 'context: [{name: x, globalReference: {name: g}}]' }], 'spec.rules[0].context[0].globalReference', 'context entries of this kind are not supported by notary-gate (configMap and variable are)'],
  ['celPreconditions', [{ place: 'rule', yaml: "celPreconditions: [{name: a, expression: 'true'}]" }], 'spec.rules[0].celPreconditions', /^CEL preconditions are not evaluated/],
  ['webhook matchConditions', [{ place: 'spec', yaml: "webhookConfiguration: {matchConditions: [{name: a, expression: 'true'}]}" }], 'spec.webhookConfiguration.matchConditions', /^webhook matchConditions are CEL expressions/],
  ['admission: false', [{ place: 'spec', yaml: 'admission: false' }], 'spec.admission', /^a policy with admission: false is never applied at admission/],
  ['a signature algorithm Kyverno refuses', [{ place: 'attestor', yaml: 'signatureAlgorithm: sha1' }], `${E}.attestors[0].entries[0].signatureAlgorithm`, 'Invalid signature algorithm provided'],
];

const CREATION_CHECKS: Case[] = [
  ['an entry that verifies nothing (stricter than Kyverno)', [{ place: 'entry', drop: ['attestors'] }], E, /^verifies nothing: set attestors or attestations/],
  ['verifyImages with another operation', [{ place: 'rule', yaml: 'validate: {message: x, pattern: {}}' }], 'spec.rules[0]', "Multiple operations defined in the rule 'r', only one operation (mutate,validate,generate,verifyImages) is allowed per rule"],
  ['a rule with no operation', [{ place: 'rule', drop: ['verifyImages'] }], 'spec.rules[0]', "No operation defined in the rule 'r'.(supported operations: mutate,validate,generate,verifyImages)"],
  ['a match filter without kinds', [{ place: 'resources', drop: ['kinds'], yaml: 'names: [x]' }], 'spec.rules[0].match.any[0].resources.kinds', 'at least one element must be specified in a kind block, the kind attribute is mandatory when working with the resources element'],
  ['a match filter with only subjects', [{ place: 'filter', drop: ['resources'], yaml: 'subjects: [{kind: User, name: a}]' }], 'spec.rules[0].match.any[0]', /^at least one element must be specified in a kind block/],
  ['a wildcard kind (background on by default)', [{ place: 'resources', yaml: "kinds: ['*']" }], 'spec.rules[0].match.any[0].resources.kinds[0]', 'wildcard policy not allowed in background mode. Set spec.background=false to disable background mode for this policy rule'],
  ['a wildcard kind with background off', [{ place: 'spec', yaml: 'background: false' }, { place: 'resources', yaml: "kinds: ['*']" }], 'spec.rules[0].match.any[0].resources.kinds[0]', 'wildcard policy does not support rule type'],
  ['any and all together', [{ place: 'match', yaml: 'all: [{resources: {kinds: [Pod]}}]' }], 'spec.rules[0].match', "Can't specify any and all together"],
  ['legacy resources with any', [{ place: 'match', yaml: 'resources: {kinds: [Pod]}' }], 'spec.rules[0].match', /^use either resources/],
  ['name and names together', [{ place: 'resources', yaml: 'name: a\nnames: [b]' }], 'spec.rules[0].match.any[0].resources', 'Both name and names can not be specified together'],
  ['a selector without requirements', [{ place: 'resources', yaml: 'selector: {matchLabels: {}}' }], 'spec.rules[0].match.any[0].resources.selector', 'The requirements are not specified in selector'],
  ['In without values', [{ place: 'resources', yaml: 'namespaceSelector: {matchExpressions: [{key: a, operator: In}]}' }], 'spec.rules[0].match.any[0].resources.namespaceSelector.matchExpressions[0].values', 'must be specified when operator is In'],
  ['Exists with values', [{ place: 'resources', yaml: 'selector: {matchExpressions: [{key: a, operator: Exists, values: [b]}]}' }], 'spec.rules[0].match.any[0].resources.selector.matchExpressions[0].values', 'may not be specified when operator is Exists'],
  ['a role not in ns:name form', [{ place: 'filter', yaml: 'roles: [admin]' }], 'spec.rules[0].match.any[0].roles[0]', 'Role is expected to be in namespace:name format'],
  ['a ServiceAccount subject without namespace', [{ place: 'filter', yaml: 'subjects: [{kind: ServiceAccount, name: builder}]' }], 'spec.rules[0].match.any[0].subjects[0].namespace', 'namespace is required when Kind is ServiceAccount'],
  ['namespaces in a namespaced Policy', [{ place: 'root', yaml: 'kind: Policy' }, { place: 'resources', yaml: 'namespaces: [a]' }], 'spec.rules[0].match.any[0].resources.namespaces', 'Filtering namespaces not allowed in namespaced policies'],
  ['namespaces in the exclude of a namespaced Policy', [{ place: 'root', yaml: 'kind: Policy' }, { place: 'rule', yaml: 'exclude: {any: [{resources: {namespaces: [a]}}]}' }], 'spec.rules[0].exclude.any[0].resources.namespaces', 'Filtering namespaces not allowed in namespaced policies'],
  ['a cluster-scoped kind in a namespaced Policy', [{ place: 'root', yaml: 'kind: Policy' }, { place: 'resources', yaml: 'kinds: [Pod, v1/Namespace]' }], 'spec.rules[0].match.any[0].resources.kinds[1]', "Cluster wide resource 'v1/Namespace' not allowed in namespaced policy"],
  ['overrides in a namespaced Policy', [{ place: 'root', yaml: 'kind: Policy' }, { place: 'spec', yaml: 'validationFailureActionOverrides: [{action: Audit, namespaces: [a]}]' }], 'spec.validationFailureActionOverrides', 'Use of validationFailureActionOverrides is supported only with ClusterPolicy'],
  ['one namespace both Audit and Enforce', [{ place: 'spec', yaml: 'validationFailureActionOverrides: [{action: Enforce, namespaces: [default, test]}, {action: Audit, namespaces: [default]}]' }], 'spec.validationFailureActionOverrides[1].namespaces', 'conflicting namespaces found in path: spec.validationFailureActionOverrides[1].namespaces: default'],
  ['a wildcard override covering a namespace of the other action', [{ place: 'spec', yaml: "validationFailureActionOverrides: [{action: Enforce, namespaces: [prod-eu]}, {action: audit, namespaces: ['prod-*']}]" }], 'spec.validationFailureActionOverrides[1].namespaces', "wildcard pattern 'prod-*' matches with namespace 'prod-eu'"],
  ['an override without action', [{ place: 'spec', yaml: 'validationFailureActionOverrides: [{namespaces: [a]}]' }], 'spec.validationFailureActionOverrides[0].action', 'is required'],
  ['duplicate rule names', [{ place: 'spec', yaml: 'rules: [{name: r, match: {any: [{resources: {kinds: [Pod]}}]}, validate: {pattern: {}}}, {name: r, match: {any: [{resources: {kinds: [Pod]}}]}, validate: {pattern: {}}}]' }], 'spec.rules[1].name', "Duplicate rule name: 'r'"],
  ['a rule name over 63 characters', [{ place: 'rule', yaml: `name: ${'r'.repeat(64)}` }], 'spec.rules[0].name', 'must be no more than 63 characters'],
  ['imageExtractors on a validate rule', [{ place: 'rule', drop: ['verifyImages'], yaml: 'validate: {pattern: {}}\nimageExtractors: {Task: [{path: /spec/image}]}' }], 'spec.rules[0].imageExtractors', "Invalid rule spec for rule 'r', imageExtractors can only be defined for verifyImages rule"],
  ['jmesPath in an extractor with mutateDigest', [{ place: 'rule', yaml: "imageExtractors: {Task: [{path: /spec/image, jmesPath: \"trim_prefix(@, 'docker://')\"}]}" }], 'spec.rules[0].imageExtractors.Task[0].jmesPath', 'jmespath may not be used in an image extractor when mutating digests with verify images'],
  ['an empty extractor list', [{ place: 'rule', yaml: 'imageExtractors: {Task: []}' }], 'spec.rules[0].imageExtractors.Task', 'no extractors found for Task'],
  ['an extractor without path', [{ place: 'rule', yaml: 'imageExtractors: {Task: [{value: image}]}' }], 'spec.rules[0].imageExtractors.Task[0].path', 'is required'],
  ['an empty exclude filter (it would never exclude)', [{ place: 'rule', yaml: 'exclude: {any: [{}]}' }], 'spec.rules[0].exclude.any[0]', /^an empty filter never excludes anything/],
  ['Audit with mutateDigest carried over to a later entry', [{ place: 'rule', yaml: "verifyImages: [{type: Notary, imageReferences: ['a/*'], failureAction: Audit, mutateDigest: false, attestors: [{entries: [{certificates: {cert: x}}]}]}, {type: Notary, imageReferences: ['b/*'], attestors: [{entries: [{certificates: {cert: x}}]}]}]" }], 'spec.rules[0].verifyImages[1].mutateDigest', 'mutateDigest must be set to false for ‘Audit’ failure action'],
];

describe('policy refusals', () => {
  it('the base policy loads (every case below differs from it by its snippet only)', () => {
    expect(parsePolicyDocuments(policyYaml(), 'policy.yaml').policies).toHaveLength(1);
  });

  describe.each([
    ['unknown fields (kubectl strict field validation)', UNKNOWN_FIELDS],
    ['types, enums and required fields (Kyverno CRD)', TYPES_AND_ENUMS],
    ['known fields notary-gate refuses', REFUSED_FIELDS],
    ["Kyverno's creation-time checks", CREATION_CHECKS],
  ])('%s', (_group, cases) => {
    it.each(cases)('%s', (_title, edits, path, reason) => {
      const error = refusalOf(policyYaml(...edits));
      expect(error.code).toBe('ERR_POLICY_INVALID');
      expect(error.path).toBe(path);
      if (typeof reason === 'string') expect(error.reason).toBe(reason);
      else expect(error.reason).toMatch(reason);
      expect(error.message).toBe(`policy.yaml: ${path}: ${error.reason}`);
    });
  });
});

describe('imageRegistryCredentials', () => {
  it('secrets are read into the entry (the policy loads); absent, the entry has none', () => {
    const withSecrets = parsePolicyDocuments(policyYaml({ place: 'entry', yaml: 'imageRegistryCredentials: {secrets: [regcred, other.creds]}' }), 'policy.yaml').policies[0]!;
    expect(withSecrets.rules[0]!.verifyImages[0]!.imageRegistryCredentials).toEqual({ secrets: ['regcred', 'other.creds'] });
    const without = parsePolicyDocuments(policyYaml(), 'policy.yaml').policies[0]!;
    expect(without.rules[0]!.verifyImages[0]!.imageRegistryCredentials).toBeUndefined();
  });
});
