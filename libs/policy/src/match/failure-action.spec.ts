import type { ValidationFailureActionOverride } from '../model/types';
import { overrideAction } from './failure-action';

const labels = (value: Record<string, string>) => ({ kind: 'Pod', namespaceLabels: { known: true as const, value } });
const noLabels = { kind: 'Pod', namespaceLabels: { known: false as const, reason: 'namespace "team-a" not found' } };
const policy = (...overrides: ValidationFailureActionOverride[]) => ({ validationFailureActionOverrides: overrides });
const prod = { matchLabels: { env: 'prod' } };

describe('overrideAction (KV pkg/engine/api/engineresponse.go GetValidationFailureAction)', () => {
  it('reports which override applied', () => {
    expect(overrideAction(policy({ action: 'Audit', namespaces: ['x'] }, { action: 'Enforce', namespaces: ['team-*'] }), 'team-a', labels({}))).toEqual({ result: 'override', action: 'Enforce', index: 1 });
  });

  it('none when nothing applies', () => {
    expect(overrideAction(policy({ action: 'Enforce', namespaceSelector: prod }), 'team-a', labels({ env: 'dev' }))).toEqual({ result: 'none' });
  });

  it('undecided names the namespace and the reason, and what could result', () => {
    expect(overrideAction(policy({ action: 'Enforce', namespaceSelector: prod }), 'team-a', noLabels)).toEqual({
      result: 'undecided',
      missing: 'namespace labels of "team-a": namespace "team-a" not found',
      possible: ['Enforce'],
      orNone: true,
    });
    expect(overrideAction(policy({ action: 'Audit', namespaceSelector: prod }, { action: 'Enforce', namespaces: ['*'] }), 'team-a', noLabels)).toMatchObject({
      result: 'undecided',
      possible: ['Audit', 'Enforce'],
      orNone: false,
    });
  });

  it('an invalid selector never matches (CheckSelector error → skipped)', () => {
    expect(overrideAction(policy({ action: 'Enforce', namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: [] }] } }), 'team-a', labels({ env: 'prod' }))).toEqual({ result: 'none' });
  });

  it('a Namespace object is evaluated against empty labels, without the fact', () => {
    const notDev = { matchExpressions: [{ key: 'env', operator: 'NotIn' as const, values: ['dev'] }] };
    expect(overrideAction(policy({ action: 'Enforce', namespaceSelector: notDev }), 'team-a', { ...noLabels, kind: 'Namespace' })).toMatchObject({ result: 'override' });
  });
});
