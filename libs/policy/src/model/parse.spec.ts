import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicyDocuments } from './parse';
import { PolicyDocumentError } from './errors';
import { rulesWithAutogen } from './autogen';
import { ruleApplies, type ResourceFacts } from './match';
import { fixturePath } from '../../../../test/support/fixtures';

const SEED = fixturePath('seed/policies');
const seed = (file: string) => parsePolicyDocuments(readFileSync(join(SEED, file), 'utf8'), file).policies[0]!;

const minimal = (verifyImages: string, spec = '') => `apiVersion: kyverno.io/v2beta1
kind: ClusterPolicy
metadata:
  name: p
spec:
${spec}  rules:
    - name: r
      match:
        any:
          - resources:
              kinds: [Pod]
      verifyImages:
${verifyImages}`;

const entry = (extra: string) => `        - type: Notary
          imageReferences: ['ghcr.io/*']
          failureAction: Enforce
${extra}`;

const attestors = `          attestors:
            - entries:
                - certificates:
                    cert: 'PEM'
`;

function errorOf(text: string): PolicyDocumentError {
  try {
    parsePolicyDocuments(text, 'policy.yaml');
  } catch (error) {
    if (error instanceof PolicyDocumentError) return error;
    throw error;
  }
  throw new Error('expected a PolicyDocumentError');
}

describe('parsePolicyDocuments', () => {
  it('loads the three seed policies unchanged', () => {
    expect(readdirSync(SEED).sort()).toEqual(['check-image-notary.yaml', 'check-image-sbom-license.yaml', 'check-image-trivy-vex.yaml']);
    const notary = seed('check-image-notary.yaml');
    expect(notary).toMatchObject({ apiVersion: 'kyverno.io/v2beta1', kind: 'ClusterPolicy', name: 'check-image-notary', failurePolicy: 'Fail', timeoutSeconds: 30 });
    const entry0 = notary.rules[0]!.verifyImages[0]!;
    expect(entry0).toMatchObject({ type: 'Notary', imageReferences: ['ghcr.io/kyverno/test-verify-image*'], failureAction: 'Enforce', mutateDigest: true, verifyDigest: true, required: true });
    expect(entry0.attestors[0]!.count).toBe(1);
    expect(entry0.attestors[0]!.entries[0]!.certificates!.cert).toContain('BEGIN CERTIFICATE');

    const sbom = seed('check-image-sbom-license.yaml');
    expect(sbom.rules[0]!.context).toEqual([{ name: 'keys', configMap: { name: 'keys', namespace: 'kyverno' } }]);
    expect(sbom.rules[0]!.verifyImages[0]!.attestations[0]).toMatchObject({
      type: 'sbom/cyclone-dx',
      conditions: [{ all: [{ key: '{{ components[].licenses[].expression }}', operator: 'AllIn', value: ['GPL-3.0'] }] }],
    });

    const trivy = seed('check-image-trivy-vex.yaml');
    expect(trivy).toMatchObject({ apiVersion: 'kyverno.io/v1', validationFailureAction: 'Enforce', failurePolicy: 'Fail', timeoutSeconds: 30 });
    expect(trivy.rules[0]!.verifyImages[0]!.attestations.map((a) => [a.name, a.type])).toEqual([
      ['trivy', 'trivy/vulnerability'],
      ['vex', 'vex/cyclone-dx'],
    ]);
    expect(trivy.rules[0]!.verifyImages[0]!.validate).toEqual({
      message: 'All vulnerabilities in trivy and vex should be same',
      deny: { conditions: { any: [{ key: '{{ trivy.Vulnerabilities[*].VulnerabilityID }}', operator: 'AnyNotIn', value: '{{ vex.vulnerabilities[*].id }}' }] } },
    });
  });

  it('keeps other objects (ConfigMaps) beside the policies and hashes each policy', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keys, namespace: kyverno}\ndata: {certificate: x}\n---\n${minimal(entry(attestors))}`;
    const loaded = parsePolicyDocuments(text, 'f.yaml');
    expect(loaded.resources).toHaveLength(1);
    expect(loaded.policies[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [entry(`          attestors:\n            - count: 0\n              entries:\n                - certificates: {cert: x}\n`), 'spec.rules[0].verifyImages[0].attestors[0].count: must be ≥ 1'],
    [entry(`          attestors:\n            - count: 2\n              entries:\n                - certificates: {cert: x}\n`), 'spec.rules[0].verifyImages[0].attestors[0].count: Count cannot exceed length of entries'],
    [entry(`          attestors:\n            - entries: []\n`), 'spec.rules[0].verifyImages[0].attestors[0].entries: An entry is required'],
    [entry(`          attestors:\n            - entries:\n                - certificates: {}\n`), 'spec.rules[0].verifyImages[0].attestors[0].entries[0].certificates: cert or certChain required'],
    [entry(`          attestors:\n            - entries:\n                - keys: {publicKeys: x}\n`), 'spec.rules[0].verifyImages[0].attestors[0].entries[0].keys: Keys field is not allowed for type notary'],
    [`        - type: Cosign\n          imageReferences: ['*']\n`, 'spec.rules[0].verifyImages[0].type: only type Notary is supported by notary-gate, got "Cosign"'],
    [`        - type: Notary\n          failureAction: Enforce\n`, 'spec.rules[0].verifyImages[0].imageReferences: An image reference is required'],
    [`        - type: Notary\n          imageReferences: ['{{ x }}']\n          failureAction: Enforce\n`, 'spec.rules[0].verifyImages[0].imageReferences[0]: should not have variables in image reference section'],
    [`        - type: Notary\n          imageReferences: ['*']\n          failureAction: Audit\n${attestors}`, 'spec.rules[0].verifyImages[0].mutateDigest: mutateDigest must be set to false for ‘Audit’ failure action'],
    [
      entry(`          attestations:\n            - type: sbom\n              attestors:\n                - entries:\n                    - certificates: {cert: x}\n              conditions:\n                - all:\n                    - key: a\n                      operator: Matches\n                      value: b\n`),
      'spec.rules[0].verifyImages[0].attestations[0].conditions[0].all[0].operator: unknown operator "Matches"',
    ],
    [entry(`          attestations:\n            - type: sbom\n`), 'spec.rules[0].verifyImages[0].attestations[0].attestors: at least one attestor set with certificates is required for type Notary'],
  ])('rejects an invalid verifyImages entry %#', (verifyImages, message) => {
    const error = errorOf(minimal(verifyImages));
    expect(error.code).toBe('ERR_POLICY_INVALID');
    expect(error.message).toBe(`policy.yaml: ${message}`);
  });

  it('rejects both spellings of one setting, and invalid YAML, with where and why', () => {
    const both = minimal(entry(attestors), '  webhookTimeoutSeconds: 5\n  webhookConfiguration:\n    timeoutSeconds: 5\n');
    expect(errorOf(both).message).toBe('policy.yaml: spec.webhookTimeoutSeconds: remove the deprecated field and use spec.webhookConfiguration.timeoutSeconds instead');
    expect(errorOf('a: [1, 2\n').message).toMatch(/^policy\.yaml: document 1: invalid YAML: /);
    expect(errorOf('apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {}\nspec: {rules: []}\n').message).toBe('policy.yaml: metadata.name: is required');
  });

  it('reports rules it does not run instead of claiming them', () => {
    const text = minimal(entry(attestors)).replace('  rules:\n', '  rules:\n    - name: other\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      validate: {pattern: {}}\n');
    expect(parsePolicyDocuments(text, 'f').policies[0]!.ignoredRules).toEqual(['other']);
  });
});

describe('autogen and matching', () => {
  const facts = (kind: string, extra: Partial<ResourceFacts> = {}): ResourceFacts => ({
    group: kind === 'Pod' ? '' : 'apps',
    version: 'v1',
    kind,
    name: 'test',
    namespace: 'default',
    operation: 'CREATE',
    labels: {},
    annotations: {},
    ...extra,
  });

  it('a Pod rule covers controllers through autogen rules', () => {
    const policy = seed('check-image-notary.yaml');
    const rules = rulesWithAutogen(policy);
    expect(rules.map((r) => r.name)).toEqual(['verify-signature-notary', 'autogen-verify-signature-notary', 'autogen-cronjob-verify-signature-notary']);
    expect(ruleApplies(rules[0]!, facts('Pod'))).toBe(true);
    expect(ruleApplies(rules[0]!, facts('Deployment'))).toBe(false);
    expect(ruleApplies(rules[1]!, facts('Deployment'))).toBe(true);
    expect(ruleApplies(rules[1]!, facts('StatefulSet'))).toBe(true);
    expect(ruleApplies(rules[2]!, facts('CronJob', { group: 'batch' }))).toBe(true);
  });

  it('computes the autogen rules once per policy, and again when its rules or controllers are replaced', () => {
    const policy = seed('check-image-notary.yaml');
    const first = rulesWithAutogen(policy);
    expect(rulesWithAutogen(policy)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const onlyDeployments = { ...policy, autogenControllers: ['Deployment'] };
    expect(rulesWithAutogen(onlyDeployments).map((r) => r.name)).toEqual(['verify-signature-notary', 'autogen-verify-signature-notary']);
    const replaced = { rules: policy.rules, autogenControllers: policy.autogenControllers };
    replaced.autogenControllers = ['CronJob'];
    expect(rulesWithAutogen(replaced).map((r) => r.name)).toEqual(['verify-signature-notary', 'autogen-cronjob-verify-signature-notary']);
    replaced.rules = [];
    expect(rulesWithAutogen(replaced)).toEqual([]);
  });

  it('honours exclude, namespaces, selectors, operations and group/version/Kind forms', () => {
    const rule = {
      match: { any: [{ resources: { kinds: ['apps/v1/Deployment', 'Pod'], namespaces: ['prod-*'], operations: ['CREATE'], selector: { matchLabels: { app: 'web' } } } }] },
      exclude: { any: [{ resources: { names: ['skip-*'] } }] },
    };
    const web = { namespace: 'prod-eu', labels: { app: 'web' } };
    expect(ruleApplies(rule, facts('Deployment', web))).toBe(true);
    expect(ruleApplies(rule, facts('Deployment', { ...web, group: 'extensions' }))).toBe(false);
    expect(ruleApplies(rule, facts('Pod', { ...web, namespace: 'dev' }))).toBe(false);
    expect(ruleApplies(rule, facts('Pod', { ...web, operation: 'UPDATE' }))).toBe(false);
    expect(ruleApplies(rule, facts('Pod', { ...web, labels: {} }))).toBe(false);
    expect(ruleApplies(rule, facts('Pod', { ...web, name: 'skip-me' }))).toBe(false);
  });
});
