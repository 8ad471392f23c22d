import { formatGoDuration, parseGoDuration } from './duration';
import { formatGoFloat, goSprint } from './go-format';
import { compareQuantities, formatQuantity, parseQuantity } from './quantity';
import { compareSemver, parseSemver } from './semver';
import { formatRFC3339, parseGoTime, RFC3339 } from './go-time';

describe('Go and Kubernetes value semantics', () => {
  it.each([
    [100000, '100000'], [999999, '999999'], [1000000, '1e+06'], [1234567, '1.234567e+06'], [1e20, '1e+20'],
    [0.0001234, '0.0001234'], [0.00001234, '1.234e-05'], [1.5, '1.5'], [0, '0'], [-2, '-2'],
  ])('fmt %%v of %p is %s', (f, s) => expect(formatGoFloat(f)).toBe(s));

  it('formats composite values as fmt.Sprint', () => {
    expect(goSprint({ b: 'x', a: 1 })).toBe('map[a:1 b:x]');
    expect(goSprint(['a', 2, null, true])).toBe('[a 2 <nil> true]');
  });

  it.each([
    ['1.5', '1500m'], ['1024', '1024'], ['1Ki', '1Ki'], ['1536Mi', '1536Mi'], ['1.5Gi', '1536Mi'], ['1000', '1k'],
    ['1500', '1500'], ['0.1', '100m'], ['1e3', '1e3'], ['0.5Ki', '512'], ['100m', '100m'], ['-1Ki', '-1Ki'], ['0', '0'],
  ])('quantity %s canonicalises to %s', (input, canonical) => expect(formatQuantity(parseQuantity(input)!)).toBe(canonical));

  it('parses and compares quantities exactly', () => {
    expect(parseQuantity('1h')).toBeUndefined();
    expect(parseQuantity('')).toBeUndefined();
    expect(parseQuantity('1.5.2')).toBeUndefined();
    expect(compareQuantities(parseQuantity('1Gi')!, parseQuantity('1024Mi')!)).toBe(0);
    expect(compareQuantities(parseQuantity('1Gi')!, parseQuantity('500Mi')!)).toBe(1);
  });

  it.each([
    ['1h30m', 5400n * 10n ** 9n], ['1.5h', 5400n * 10n ** 9n], ['-1s', -(10n ** 9n)], ['0', 0n], ['300ms', 300_000_000n],
    ['1µs', 1000n], ['1', undefined], ['', undefined], ['1x', undefined], ['h', undefined],
  ])('time.ParseDuration(%p)', (s, ns) => expect(parseGoDuration(s)).toBe(ns));

  it.each([
    [0n, '0s'], [1n, '1ns'], [1500n, '1.5µs'], [1_500_000n, '1.5ms'], [1_500_000_000n, '1.5s'], [100n * 10n ** 9n, '1m40s'],
    [3600n * 10n ** 9n, '1h0m0s'], [-(10n ** 9n), '-1s'],
  ])('Duration(%p).String() = %s', (ns, s) => expect(formatGoDuration(ns)).toBe(s));

  it('parses strict semantic versions and orders prereleases first', () => {
    expect(parseSemver('1.5')).toBeUndefined();
    expect(parseSemver('01.2.3')).toBeUndefined();
    expect(compareSemver(parseSemver('1.0.0-alpha')!, parseSemver('1.0.0')!)).toBe(-1);
    expect(compareSemver(parseSemver('1.0.0-alpha.1')!, parseSemver('1.0.0-alpha.beta')!)).toBe(-1);
  });

  it('parses and formats RFC 3339 times in their own offset', () => {
    expect(formatRFC3339(parseGoTime(RFC3339, '2021-01-02T15:04:05.123-07:00')!)).toBe('2021-01-02T15:04:05-07:00');
    expect(parseGoTime(RFC3339, '2021-02-30T15:04:05Z')).toBeUndefined();
    expect(parseGoTime(RFC3339, '2021-01-02 15:04:05Z')).toBeUndefined();
  });
});
