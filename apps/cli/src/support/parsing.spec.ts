import { parseDuration } from './duration';
import { keyValueRecord } from './key-value';
import { UsageError } from './errors';

describe('parseDuration (sign --expiry)', () => {
  it.each([
    ['1s', 1000],
    ['24h', 86_400_000],
    ['7d', 7 * 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
  ])('%s → %d ms', (text, milliseconds) => {
    expect(parseDuration(text)).toBe(milliseconds);
  });

  it.each(['', '10', 'h', '1y', '-1h', '0s', '1h 30m'])('rejects %j as a usage error', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
  });
});

describe('keyValueRecord (--user-metadata)', () => {
  it('collects pairs, keeping "=" inside values', () => {
    expect(keyValueRecord(['team=payments', 'expr=a=b', 'empty='], '--user-metadata')).toEqual({ team: 'payments', expr: 'a=b', empty: '' });
  });

  it.each([['novalue'], ['=v']])('rejects %j', (pair) => {
    expect(() => keyValueRecord([pair], '--user-metadata')).toThrow('invalid --user-metadata');
  });

  it('rejects a repeated key', () => {
    expect(() => keyValueRecord(['a=1', 'a=2'], '--user-metadata')).toThrow('duplicate --user-metadata key "a"');
  });
});
