/** Time functions of pkg/engine/jmespath/time.go. Times are RFC 3339 strings; the clock is injected. */
import { TYPE_STRING } from '@jmespath-community/jmespath';
import { JmespathFunctionError } from '../../errors';
import { formatGoDuration, parseGoDuration } from '../../values/duration';
import {
  addDuration,
  civil,
  formatRFC3339,
  goTimeFromDate,
  parseGoTime,
  RFC3339,
  subTimes,
  toUTC,
  truncateTime,
  type GoTime,
} from '../../values/go-time';
import type { FunctionDefinition, FunctionEnvironment } from './types';

const S = { types: [TYPE_STRING] };

function parseTime(name: string, layout: string, value: string): GoTime {
  const t = parseGoTime(layout, value);
  if (!t) throw new JmespathFunctionError(name, `parsing time "${value}" as "${layout}": cannot parse`);
  return t;
}

function parseDuration(name: string, value: string): bigint {
  const d = parseGoDuration(value);
  if (d === undefined) throw new JmespathFunctionError(name, `time: invalid duration "${value}"`);
  return d;
}

export function timeFunctions(env: FunctionEnvironment): FunctionDefinition[] {
  const now = () => goTimeFromDate(env.now());
  return [
    {
      name: 'time_since',
      signature: [S, S, S],
      fn: ([layout, ts1, ts2]: [string, string, string]) => {
        const l = layout === '' ? RFC3339 : layout;
        const t1 = parseTime('time_since', l, ts1);
        const t2 = ts2 === '' ? now() : parseTime('time_since', l, ts2);
        return formatGoDuration(subTimes(t2, t1));
      },
    },
    { name: 'time_now', signature: [], fn: () => formatRFC3339(now()) },
    { name: 'time_now_utc', signature: [], fn: () => formatRFC3339(now()) },
    {
      name: 'time_add',
      signature: [S, S],
      fn: ([ts, d]: [string, string]) => formatRFC3339(addDuration(parseTime('time_add', RFC3339, ts), parseDuration('time_add', d))),
    },
    {
      name: 'time_parse',
      signature: [S, S],
      fn: ([layout, ts]: [string, string]) => {
        // A numeric layout means "Unix epoch seconds".
        if (/^[+-]?\d+$/.test(layout)) {
          if (!/^[+-]?\d+$/.test(ts)) throw new JmespathFunctionError('time_parse', `strconv.ParseInt: parsing "${ts}": invalid syntax`);
          return formatRFC3339({ unixNanos: BigInt(ts) * 1_000_000_000n, offsetSeconds: 0 });
        }
        return formatRFC3339(parseTime('time_parse', layout, ts));
      },
    },
    {
      name: 'time_to_cron',
      signature: [S],
      fn: ([ts]: [string]) => {
        const c = civil(parseTime('time_to_cron', RFC3339, ts));
        return `${c.minute} ${c.hour} ${c.day} ${c.month} ${c.weekday}`;
      },
    },
    { name: 'time_utc', signature: [S], fn: ([ts]: [string]) => formatRFC3339(toUTC(parseTime('time_utc', RFC3339, ts))) },
    {
      name: 'time_diff',
      signature: [S, S],
      fn: ([a, b]: [string, string]) => formatGoDuration(subTimes(parseTime('time_diff', RFC3339, b), parseTime('time_diff', RFC3339, a))),
    },
    {
      name: 'time_before',
      signature: [S, S],
      fn: ([a, b]: [string, string]) => parseTime('time_before', RFC3339, a).unixNanos < parseTime('time_before', RFC3339, b).unixNanos,
    },
    {
      name: 'time_after',
      signature: [S, S],
      fn: ([a, b]: [string, string]) => parseTime('time_after', RFC3339, a).unixNanos > parseTime('time_after', RFC3339, b).unixNanos,
    },
    {
      name: 'time_between',
      signature: [S, S, S],
      fn: ([t, start, end]: [string, string, string]) => {
        const x = parseTime('time_between', RFC3339, t).unixNanos;
        return x > parseTime('time_between', RFC3339, start).unixNanos && x < parseTime('time_between', RFC3339, end).unixNanos;
      },
    },
    {
      name: 'time_truncate',
      signature: [S, S],
      fn: ([ts, d]: [string, string]) =>
        formatRFC3339(truncateTime(parseTime('time_truncate', RFC3339, ts), parseDuration('time_truncate', d))),
    },
  ];
}
