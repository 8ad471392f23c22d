import { checkSelector, selectorIgnoresLabels } from './label-selector';

describe('checkSelector (KV pkg/utils/match/labels.go CheckSelector)', () => {
  const labels = { app: 'web', 'app.kubernetes.io/name': 'shop', env: 'prod' };

  it('a nil selector never matches; {} matches everything', () => {
    expect(checkSelector(undefined, labels)).toEqual({ ok: true, matched: false });
    expect(checkSelector({}, {})).toEqual({ ok: true, matched: true });
    expect(checkSelector({ matchLabels: {} }, {})).toEqual({ ok: true, matched: true });
    expect(selectorIgnoresLabels({})).toBe(true);
    expect(selectorIgnoresLabels({ matchExpressions: [{ key: 'a', operator: 'Exists' }] })).toBe(false);
  });

  it('replaces wildcards in matchLabels keys and values by the matching label (ReplaceInSelector)', () => {
    expect(checkSelector({ matchLabels: { 'app.kubernetes.io/*': 'sh*' } }, labels)).toEqual({ ok: true, matched: true });
    expect(checkSelector({ matchLabels: { 'app.kubernetes.io/*': 'x*' } }, labels)).toEqual({ ok: true, matched: false });
    // An unmatched wildcard becomes 0: {"*": "*"} is {"0": "0"}, which only a label 0=0 satisfies.
    expect(checkSelector({ matchLabels: { '*': '*' } }, { '0': '0' })).toEqual({ ok: true, matched: true });
    expect(checkSelector({ matchLabels: { '*': '*' } }, {})).toEqual({ ok: true, matched: false });
  });

  it('every matchLabels pair must hold on its own', () => {
    expect(checkSelector({ matchLabels: { app: 'api', 'a*': '*' } }, labels)).toEqual({ ok: true, matched: false });
    expect(checkSelector({ matchLabels: { app: 'web', 'e*': 'prod' } }, labels)).toEqual({ ok: true, matched: true });
  });

  it('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
    expect(checkSelector({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] }, labels).ok).toBe(true);
    expect(checkSelector({ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, labels)).toEqual({ ok: true, matched: true });
    expect(checkSelector({ matchExpressions: [{ key: 'missing', operator: 'In', values: ['x'] }] }, labels)).toEqual({ ok: true, matched: false });
    expect(checkSelector({ matchExpressions: [{ key: 'env', operator: 'Exists' }, { key: 'x', operator: 'DoesNotExist' }] }, labels)).toEqual({ ok: true, matched: true });
  });

  it.each([
    [{ matchExpressions: [{ key: 'env', operator: 'In' as const, values: [] }] }, "values set can't be empty"],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' as const, values: ['x'] }] }, 'values set must be empty'],
    [{ matchExpressions: [{ key: 'env', operator: 'Gt' as unknown as 'In', values: ['1'] }] }, 'not a valid label selector operator'],
    [{ matchLabels: { 'bad key!': 'x' } }, 'invalid label key "bad key!"'],
    [{ matchLabels: { 'Upper.Example/x': 'x' } }, 'prefix part must be a DNS-1123 subdomain'],
    [{ matchLabels: { '/x': 'x' } }, 'prefix part must be non-empty'],
    [{ matchLabels: { k: 'v'.repeat(64) } }, 'no more than 63 characters'],
    [{ matchLabels: { k: '-leading' } }, 'invalid label value "-leading"'],
    [{ matchExpressions: [{ key: 'a/b/c', operator: 'Exists' as const }] }, 'invalid label key "a/b/c"'],
  ])('refuses invalid selectors as LabelSelectorAsSelector does: %j', (selector, message) => {
    const result = checkSelector(selector, labels);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });

  it('accepts the label keys Kubernetes accepts', () => {
    expect(checkSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'team-a', a_b: '', 'x.y-z/Name.1': 'v_1' } }, { 'kubernetes.io/metadata.name': 'team-a', a_b: '', 'x.y-z/Name.1': 'v_1' })).toEqual({ ok: true, matched: true });
  });
});
