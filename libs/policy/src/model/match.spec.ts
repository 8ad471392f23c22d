import { kindMatches, ruleApplies, selectorMatches, toMatchFacts, type ResourceFacts } from './match';

// The engine's pre-issue-8 entry points now run Kyverno's semantics (libs/policy/src/match).
describe('model/match adapter', () => {
  const facts: ResourceFacts = { group: '', version: 'v1', kind: 'Pod', name: 'web', namespace: 'team-a', operation: 'CREATE', labels: { app: 'web' }, annotations: {} };

  it('maps ResourceFacts to MatchFacts: no username and no groups → no request info', () => {
    expect(toMatchFacts(facts).user).toBeNull();
    expect(toMatchFacts({ ...facts, username: 'alice' }).user).toEqual({ username: 'alice', groups: [] });
    expect(toMatchFacts(facts).subresource).toBe('');
  });

  it('a roles-only exclude no longer excludes everything (issue 8)', () => {
    const rule = { match: { any: [{ resources: { kinds: ['Pod'] } }] }, exclude: { any: [{ clusterRoles: ['cluster-admin'] }] } };
    expect(ruleApplies(rule, { ...facts, username: 'alice', groups: ['dev'] })).toBe(true);
  });

  it('ServiceAccount subjects match', () => {
    const rule = { match: { any: [{ resources: { kinds: ['Pod'] }, subjects: [{ kind: 'ServiceAccount' as const, name: 'builder', namespace: 'ci' }] }] } };
    expect(ruleApplies(rule, { ...facts, username: 'system:serviceaccount:ci:builder' })).toBe(true);
    expect(ruleApplies(rule, { ...facts, username: 'alice' })).toBe(false);
  });

  it('kindMatches and selectorMatches follow Kyverno', () => {
    expect(kindMatches('Pod', { ...facts, subresource: 'ephemeralcontainers' })).toBe(true);
    expect(kindMatches('Pod', { ...facts, subresource: 'status' })).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'w*' } }, { app: 'web' })).toBe(true);
  });
});
