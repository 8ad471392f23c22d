import { parsePolicyDocuments } from '@notary-gate/policy';
import { factNeeds } from './policy-needs';

const policy = (rule: string, spec = '') =>
  parsePolicyDocuments(
    `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
${spec}  rules:
    - name: r
${rule}
      verifyImages:
        - type: Notary
          imageReferences: ['registry.test/*']
          failureAction: Enforce
          attestors: [{entries: [{certificates: {cert: 'x'}}]}]
`,
    'p.yaml',
  ).policies;

describe('factNeeds', () => {
  it('needs nothing from the cluster for kinds, names and namespaces', () => {
    expect(factNeeds(policy('      match: {any: [{resources: {kinds: [Pod], namespaces: [prod]}}]}'), [])).toEqual({ namespaceLabels: false, roles: false });
  });

  it('needs namespace labels for a namespaceSelector in match, exclude or an override', () => {
    expect(factNeeds(policy('      match: {any: [{resources: {kinds: [Pod], namespaceSelector: {matchLabels: {a: b}}}}]}'), []).namespaceLabels).toBe(true);
    expect(factNeeds(policy('      match: {any: [{resources: {kinds: [Pod]}}]}\n      exclude: {all: [{resources: {namespaceSelector: {}}}]}'), []).namespaceLabels).toBe(true);
    const override = '  validationFailureActionOverrides: [{action: Audit, namespaceSelector: {matchLabels: {env: dev}}}]\n';
    expect(factNeeds(policy('      match: {any: [{resources: {kinds: [Pod]}}]}', override), [])).toEqual({ namespaceLabels: true, roles: false });
  });

  it('needs RoleBindings for roles or clusterRoles', () => {
    expect(factNeeds(policy('      match: {any: [{resources: {kinds: [Pod]}}]}\n      exclude: {any: [{clusterRoles: [cluster-admin]}]}'), [])).toEqual({ namespaceLabels: false, roles: true });
    expect(factNeeds(policy('      match: {any: [{resources: {kinds: [Pod]}, roles: ["team-a:editor"]}]}'), []).roles).toBe(true);
  });

  it('counts what PolicyExceptions consult', () => {
    const [exception] = parsePolicyDocuments(
      `apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: e, namespace: kyverno}
spec:
  background: false
  exceptions: [{policyName: p, ruleNames: [r]}]
  match: {any: [{resources: {kinds: [Pod], namespaceSelector: {matchLabels: {a: b}}}, clusterRoles: [admin]}]}
`,
      'e.yaml',
    ).exceptions;
    expect(factNeeds([], [exception!])).toEqual({ namespaceLabels: true, roles: true });
  });
});
