/**
 * Durations for `sign --expiry`, as notation reads them: Go `time.ParseDuration`
 * units (`h`, `m`, `s`, `ms`) plus `d` for days, concatenated (`1h30m`, `7d`,
 * `1s`). Bad input is a usage error.
 */
import { UsageError } from './errors';

const UNIT_MILLISECONDS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Milliseconds of a positive duration text; `name` (the flag or variable it came from) leads the error message. */
export function parseDuration(text: string, name?: string): number {
  const what = name === undefined ? 'duration' : name;
  const pattern = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;
  let total = 0;
  let position = 0;
  while (position < text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match) break;
    total += Number(match[1]) * UNIT_MILLISECONDS[match[2]!]!;
    position = pattern.lastIndex;
  }
  if (text.length === 0 || position !== text.length) {
    throw new UsageError(`invalid ${what} "${text}": use a number with a unit d, h, m, s or ms, e.g. 24h, 7d, 1h30m`);
  }
  if (total <= 0) throw new UsageError(`invalid ${what} "${text}": it must be greater than zero`);
  return Math.round(total);
}
