import { concreteFacts, factsNamedBy, labelSpace, roleSpace } from './refine';
import type { MatchFacts } from './facts';

describe('refine: exact value spaces of unknown facts', () => {
  it('labels: each named key absent, a named value, or another value', () => {
    expect(labelSpace([{ matchLabels: { env: 'prod' } }], 'team-a')).toEqual([{}, { env: 'prod' }, { env: 'other' }]);
    expect(labelSpace([{ matchExpressions: [{ key: 'other', operator: 'In', values: ['other'] }] }], 'team-a')).toEqual([{}, { other: 'other' }, { other: 'other-x' }]);
    expect(labelSpace([{ matchExpressions: [{ key: 'team', operator: 'Exists' }] }, { matchLabels: { env: 'a' } }], 'ns')).toHaveLength(2 * 3);
    expect(labelSpace([{}], 'ns')).toEqual([{}]);
  });

  it('labels: kubernetes.io/metadata.name is the namespace name', () => {
    expect(labelSpace([{ matchLabels: { 'kubernetes.io/metadata.name': 'x' } }], 'team-a')).toEqual([{ 'kubernetes.io/metadata.name': 'team-a' }]);
  });

  it('labels: wildcards or a space over budget are not enumerated', () => {
    expect(labelSpace([{ matchLabels: { 'env*': 'x' } }], 'ns')).toBeUndefined();
    expect(labelSpace([{ matchLabels: { env: 'p?' } }], 'ns')).toBeUndefined();
    const wide = Array.from({ length: 12 }, (_, i) => ({ matchLabels: { [`k${i}`]: 'v' } }));
    expect(labelSpace(wide, 'ns')).toBeUndefined();
  });

  it('roles: every subset of the named roles; budget', () => {
    expect(roleSpace(['a:x'], ['view'])).toEqual([
      { roles: [], clusterRoles: [] },
      { roles: [], clusterRoles: ['view'] },
      { roles: ['a:x'], clusterRoles: [] },
      { roles: ['a:x'], clusterRoles: ['view'] },
    ]);
    expect(roleSpace(Array.from({ length: 13 }, (_, i) => `r${i}`), [])).toBeUndefined();
  });

  it('only unknown facts are enumerated; names come from match and exclude', () => {
    const named = factsNamedBy([{ any: [{ resources: { namespaceSelector: { matchLabels: { env: 'prod' } } }, clusterRoles: ['view'] }] }, { all: [{ roles: ['a:x'] }] }]);
    expect(named).toEqual({ selectors: [{ matchLabels: { env: 'prod' } }], roles: ['a:x'], clusterRoles: ['view'] });
    const facts = { namespace: 'ns', namespaceLabels: { known: false, reason: 'r' }, roles: { known: true, value: { roles: [], clusterRoles: [] } } } as unknown as MatchFacts;
    expect(concreteFacts(facts, named)?.map((f) => f.namespaceLabels)).toEqual([{}, { env: 'prod' }, { env: 'other' }].map((value) => ({ known: true, value })));
  });
});
