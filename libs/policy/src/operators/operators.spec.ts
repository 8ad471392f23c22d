import { KYVERNO_EVALUATE_CASES } from '../testdata/kyverno-evaluate-cases';
import { PolicyError } from '../errors';
import { evaluateOperator } from './evaluate';
import { isKnownOperator, resolveOperator } from './names';

type Row = [key: unknown, value: unknown, expected: boolean];

function table(operator: string, rows: Row[]) {
  it.each(rows.map(([k, v, e]) => [JSON.stringify(k), JSON.stringify(v), e, k, v] as const))(
    `%s ${operator} %s → %s`,
    (_k, _v, expected, key, value) => {
      expect(evaluateOperator(operator, key, value)).toBe(expected);
    },
  );
}

describe('Kyverno TestEvaluate (pkg/engine/variables/evaluate_test.go)', () => {
  it.each(KYVERNO_EVALUATE_CASES.map((c, i) => [i, JSON.stringify(c[0]), c[1], JSON.stringify(c[2]), c[3], c] as const))(
    '#%i %s %s %s → %s',
    (_i, _k, _op, _v, _e, [key, op, value, expected]) => {
      expect(evaluateOperator(op, key, value)).toBe(expected);
    },
  );
});

describe('operator/equal_test.go TestEqualHandler_Evaluate', () => {
  table('Equals', [
    [true, true, true], [false, false, true], [true, false, false], [true, 'true', false],
    [42, 42, true], [42, 43, false], [100, 100, true], [42, 42.0, true], [42, 42.5, false],
    [42, '42', true], [42, 'invalid', false],
    [3.14, 3.14, true], [3.14, 2.71, false], [42.0, 42, true], [3.14, '3.14', true], [3.14, 'invalid', false],
    ['hello', 'hello', true], ['hello', 'world', false], ['hello-world', 'hello-*', true],
    ['goodbye-world', 'hello-*', false], ['hello', 123, false],
    ['100Mi', '100Mi', true], ['1Gi', '1024Mi', true], ['100Mi', '200Mi', false],
    ['1h', '60m', true], ['1h', '30m', false],
    [{ foo: 'bar' }, { foo: 'bar' }, true], [{ foo: 'bar' }, { foo: 'baz' }, false], [{ foo: 'bar' }, 'not a map', false],
    [['a', 'b', 'c'], ['a', 'b', 'c'], true], [['a', 'b', 'c'], ['a', 'b', 'd'], false],
    [['a', 'b', 'c'], ['a', 'b'], false], [['a', 'b', 'c'], 'not a slice', false],
    [null, null, false],
  ]);
});

describe('operator/notequal_test.go', () => {
  table('NotEquals', [
    [true, false, true], [42, 43, true], [5, 5.5, true], [3.14, 2.71, true], ['hello', 'world', true],
    ['100Mi', 'not-a-quantity', true], ['1h', '30m', true],
    [{ foo: 'bar' }, { foo: 'baz' }, true], [['a', 'b'], ['a', 'c'], true],
    // Test_NotEqual_ResourceQuantityCrossType
    ['5', 5, false], ['5', 5.0, false], ['5', 6, true],
    // a null key is false for both Equals and NotEquals (kyverno-notary-spec §9)
    [null, 'x', false],
  ]);
});

describe('operator/anyin_test.go', () => {
  table('AnyIn', [
    ['kyverno', 'kyverno', true], ['kube-system', ['default', 'kube-*'], true], ['kyverno', 'default', false],
    [64, '64', true], [1, [1, 2, 3], true], [64, 'default', false], [3.14, '3.14', true],
    [2.2, [1.1, 2.2, 3.3], true], [3.14, 'default', false], [true, 'true', true],
    [['kube-system', 'kube-public'], 'kube-*', true], [['kube-system', 'default'], 'kube-system', true],
    [['default', 'kyverno'], 'kube-*', false], [['default', 'kyverno'], ['kube-*', 'ky*'], true],
    [['default', 'kyverno'], ['kube-*', 'kube-system'], false], [[], ['default', 'kyverno'], false],
    ['', ['default', 'kyverno'], false], [{ foo: 'bar' }, 'test', false],
    ['5', '1-10', true], ['0', '1-10', false], [['0', '5'], '1-10', true], [['0', '20'], '1-10', false],
    ['apple', '["apple", "banana"]', true], ['cherry', '["apple", "banana"]', false],
    [['apple', 'cherry'], '["apple", "banana"]', true], [['cherry', 'date'], '["apple", "banana"]', false],
  ]);
});

describe('operator/anynotin_test.go', () => {
  table('AnyNotIn', [
    ['kyverno', 'kyverno', false], ['kube-system', ['default', 'kube-*'], false], ['kyverno', 'default', true],
    [64, '64', false], [1, [1, 2, 3], false], [64, 'default', true], [3.14, '3.14', false],
    [2.2, [1.1, 2.2, 3.3], false], [3.14, 'default', true], [true, true, false],
    [['kube-system', 'kube-public'], 'kube-*', false], [['kube-system', 'default'], 'kube-system', true],
    [['default', 'kyverno'], 'kube-*', true], [[1, 2, 3], 2, true], [[1, 2, 3], 4, true],
    [[1.1, 2.2, 3.3], 1.1, true], [[1.1, 2.2, 3.3], 4.4, true], [[true, false], true, true], [[true], false, true],
    [['default', 'kyverno'], ['kube-*', 'kube-system'], true], [['default', 'kyverno'], ['kube-*', 'ky*'], true],
    [[], ['default', 'kyverno'], false], ['', ['default', 'kyverno'], true],
  ]);
});

describe('operator/allnotin_test.go', () => {
  table('AllNotIn', [
    ['kyverno', 'kyverno', false], ['kube-system', ['default', 'kube-*'], false], ['kyverno', 'default', true],
    [64, '64', false], [64, 'default', true], [['kube-system', 'kube-public'], 'kube-*', false],
    [['kube-system', 'default'], 'kube-system', false], [['default', 'kyverno'], 'kube-*', true],
    [['default', 'kyverno'], ['kube-*', 'kube-system'], true], [['default', 'kyverno'], ['kube-*', 'ky*'], false],
  ]);
});

describe('operator/in_test.go Test_ValidateValueWithStringSetPattern', () => {
  table('In', [[['a', 'b', 'c'], ['a', 'b', 'c', 'd', 'e'], true]]);
  // kyverno-notary-spec §9: In/NotIn with the string value equal to the single key are both true.
  table('NotIn', [[['a'], 'a', true]]);
});

describe('operator/numeric_test.go', () => {
  table('GreaterThan', [
    [5, 3, true], [3, 5, false], [10, 10, false], [-1, -5, true], [0, -1, true], [2.5, 2.4, true],
    [10, 5, true], [100, 50, true], [25, 20.5, true], [30, '25', true], [10, '5.5', true],
    ['10.5', 10, true], ['100', 50, true], ['25.5', '20.0', true],
    ['200m', '100m', true], ['100m', '200m', false], ['1Gi', '500Mi', true],
    ['1.2.0', '1.1.0', true], [true, false, false], [{ foo: 'bar' }, '100', false], [['a', 'b'], '100', false],
    [null, '100', false], [10, true, false], [10, 'not-a-number', false],
  ]);
  table('GreaterThanOrEquals', [
    [1024, 512, true], [100, 100, true], [50, 100, false], [0, 0, true], [10.5, 10, true], [3.14, 3.14, true],
    [5.5, '4.5', true], [2.5, 5.0, false], ['500m', '500m', true], ['1.5.0', '1.5.0', true], ['2.0.0', '2.0.0', true],
  ]);
  table('LessThan', [
    [2, 5, true], [10, 5, false], [7, 7, false], [-10, -5, true], [5, 10, true], [20, 30, true], [100, 50, false],
    ['256Mi', '1Gi', true], ['1.0.0', '2.0.0', true], ['2.0.0', '1.9.0', false], ['1.1.0', '1.2.0', true],
    ['1.0.0-alpha', '1.0.0', true],
  ]);
  table('LessThanOrEquals', [[100, 200, true], [64, 64, true], [150, 100, false], ['2Gi', '2Gi', true], ['0.9.0', '1.0.0', true]]);
});

describe('operator/duration_test.go', () => {
  table('DurationGreaterThan', [
    ['2h', '1h', true], ['1h', '2h', false], ['1h', '1h', false], ['60m', '1h', false], ['61m', '1h', true],
    [120, 60, true], [60, 120, false], [3600, 1800, true], [120, '1m', true], [120.5, 60.5, true],
    [120.5, 60, true], [120.0, '1m', true], [true, false, false], [120, 60.0, true], [120, 'invalid', false],
    [120, true, false], ['2m', 60, true], ['2m', 60.0, true], ['invalid', 60, false], ['1h', 'invalid', false],
    ['1h', true, false],
  ]);
  table('DurationGreaterThanOrEquals', [['2h', '1h', true], ['1h', '60m', true], ['30m', '1h', false], [60, 60, true]]);
  table('DurationLessThan', [['30m', '1h', true], ['2h', '1h', false], ['1h', '60m', false], [30, 60, true]]);
  table('DurationLessThanOrEquals', [['30m', '1h', true], ['1h', '60m', true], ['2h', '1h', false], [60, 60, true]]);
});

describe('operator names', () => {
  it('accepts every Kyverno operator spelling at load time, and only those', () => {
    for (const op of ['Equals', 'Equal', 'NotEquals', 'In', 'AnyIn', 'AllIn', 'NotIn', 'AnyNotIn', 'AllNotIn',
      'GreaterThan', 'GreaterThanOrEquals', 'LessThan', 'LessThanOrEquals', 'DurationGreaterThan',
      'DurationGreaterThanOrEquals', 'DurationLessThan', 'DurationLessThanOrEquals']) {
      expect(isKnownOperator(op)).toBe(true);
    }
    expect(isKnownOperator('equals')).toBe(false);
    expect(isKnownOperator('Contains')).toBe(false);
    expect(isKnownOperator(undefined)).toBe(false);
  });

  it('resolves names case-insensitively at evaluation, as CreateOperatorHandler does', () => {
    expect(resolveOperator('anynotin')).toBe('AnyNotIn');
    expect(evaluateOperator('equals', 'a', 'a')).toBe(true);
  });

  it("fails an unknown operator with Kyverno's message", () => {
    expect(() => evaluateOperator('Contains', 'a', 'a')).toThrow(
      new PolicyError('ERR_POLICY_OPERATOR', 'failed to create handler for condition operator: %!w(<nil>)'),
    );
  });
});
