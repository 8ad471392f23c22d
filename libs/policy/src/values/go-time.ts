/**
 * The part of Go's `time` package Kyverno's time functions rely on: `time.Parse` with Go reference
 * layouts (`2006-01-02T15:04:05Z07:00`), `Format(time.RFC3339)`, `Add`, `Sub`, `Truncate`.
 * A time is an instant (bigint Unix nanoseconds) plus the UTC offset it was written with, because
 * Go formats a parsed time back in its own offset.
 */
export interface GoTime {
  readonly unixNanos: bigint;
  /** Offset east of UTC in seconds. */
  readonly offsetSeconds: number;
}

export const RFC3339 = '2006-01-02T15:04:05Z07:00';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const NANOS_PER_MS = 1_000_000n;

export function goTimeFromDate(date: Date): GoTime {
  return { unixNanos: BigInt(date.getTime()) * NANOS_PER_MS, offsetSeconds: 0 };
}

/** Layout tokens, longest first so `2006` wins over `2` and `Z07:00` over `Z07`. */
const TOKENS = [
  'January', 'Monday', 'Z07:00:00', '-07:00:00', 'Z07:00', '-07:00', 'Z0700', '-0700', '2006', 'Jan', 'Mon', 'MST',
  'Z07', '-07', '002', '_2', '01', '02', '03', '04', '05', '06', '15', 'PM', 'pm', '1', '2', '3', '4', '5',
];

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offset: number | undefined;
  pm: boolean | undefined;
}

/** `time.Parse(layout, value)`; undefined when Go would fail. */
export function parseGoTime(layout: string, value: string): GoTime | undefined {
  const f: Fields = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0, offset: undefined, pm: undefined };
  let v = value;
  let l = layout;
  while (l !== '') {
    const frac = /^[.,](0+|9+)(?!\d)/.exec(l);
    if (frac) {
      const m = /^[.,](\d+)/.exec(v);
      if (frac[1]![0] === '0') {
        if (!m || m[1]!.length !== frac[1]!.length) return undefined;
      }
      if (m) {
        f.nanos = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
        v = v.slice(m[0].length);
      }
      l = l.slice(frac[0].length);
      continue;
    }
    const token = TOKENS.find((t) => l.startsWith(t));
    if (!token) {
      if (v[0] !== l[0]) return undefined;
      v = v.slice(1);
      l = l.slice(1);
      continue;
    }
    l = l.slice(token.length);
    const rest = parseToken(token, v, f);
    if (rest === undefined) return undefined;
    v = rest;
    // Go accepts fractional seconds right after the seconds field even when the layout has none.
    if ((token === '05' || token === '5') && !/^[.,]\d/.test(l)) {
      const m = /^[.,](\d+)/.exec(v);
      if (m) {
        f.nanos = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
        v = v.slice(m[0].length);
      }
    }
  }
  if (v !== '') return undefined;
  if (f.pm !== undefined) {
    if (f.hour > 12) return undefined;
    if (f.pm && f.hour < 12) f.hour += 12;
    if (!f.pm && f.hour === 12) f.hour = 0;
  }
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysIn(f.year, f.month)) return undefined;
  if (f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  const offset = f.offset ?? 0;
  const utcMs = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  const date = new Date(utcMs);
  if (f.year < 100) date.setUTCFullYear(f.year); // Date.UTC maps 0..99 to 1900..1999
  const unixNanos = BigInt(date.getTime()) * NANOS_PER_MS + BigInt(f.nanos) - BigInt(offset) * 1_000_000_000n;
  return { unixNanos, offsetSeconds: offset };
}

function parseToken(token: string, v: string, f: Fields): string | undefined {
  const num = (re: RegExp, set: (n: number) => void) => {
    const m = re.exec(v);
    if (!m) return undefined;
    set(Number(m[0]));
    return v.slice(m[0].length);
  };
  const name = (names: string[], len: number | undefined, set: (i: number) => void) => {
    const i = names.findIndex((n) => v.toLowerCase().startsWith((len ? n.slice(0, len) : n).toLowerCase()));
    if (i === -1) return undefined;
    set(i);
    return v.slice(len ?? names[i]!.length);
  };
  switch (token) {
    case '2006':
      return num(/^\d{4}/, (n) => (f.year = n));
    case '06':
      return num(/^\d{2}/, (n) => (f.year = n >= 69 ? 1900 + n : 2000 + n));
    case '01':
      return num(/^\d{2}/, (n) => (f.month = n));
    case '1':
      return num(/^\d{1,2}/, (n) => (f.month = n));
    case 'January':
      return name(MONTHS, undefined, (i) => (f.month = i + 1));
    case 'Jan':
      return name(MONTHS, 3, (i) => (f.month = i + 1));
    case 'Monday':
      return name(DAYS, undefined, () => undefined);
    case 'Mon':
      return name(DAYS, 3, () => undefined);
    case '02':
      return num(/^\d{2}/, (n) => (f.day = n));
    case '_2':
      return num(/^[ \d]\d/, (n) => (f.day = n));
    case '2':
      return num(/^\d{1,2}/, (n) => (f.day = n));
    case '002':
      return num(/^\d{3}/, () => undefined);
    case '15':
      return num(/^\d{1,2}/, (n) => (f.hour = n));
    case '03':
      return num(/^\d{2}/, (n) => (f.hour = n));
    case '3':
      return num(/^\d{1,2}/, (n) => (f.hour = n));
    case '04':
      return num(/^\d{2}/, (n) => (f.minute = n));
    case '4':
      return num(/^\d{1,2}/, (n) => (f.minute = n));
    case '05':
      return num(/^\d{2}/, (n) => (f.second = n));
    case '5':
      return num(/^\d{1,2}/, (n) => (f.second = n));
    case 'PM':
    case 'pm': {
      const m = /^(AM|PM)/i.exec(v);
      if (!m) return undefined;
      f.pm = m[1]!.toUpperCase() === 'PM';
      return v.slice(2);
    }
    case 'MST': {
      const m = /^(UTC|GMT|[A-Z]{3,5})/.exec(v);
      if (!m) return undefined;
      f.offset = f.offset ?? 0;
      return v.slice(m[0].length);
    }
    default:
      return parseOffset(token, v, f);
  }
}

function parseOffset(token: string, v: string, f: Fields): string | undefined {
  if (token.startsWith('Z') && (v[0] === 'Z')) {
    f.offset = 0;
    return v.slice(1);
  }
  const shapes: Record<string, RegExp> = {
    '07:00:00': /^([+-])(\d{2}):(\d{2}):(\d{2})/,
    '07:00': /^([+-])(\d{2}):(\d{2})/,
    '0700': /^([+-])(\d{2})(\d{2})/,
    '07': /^([+-])(\d{2})/,
  };
  const m = shapes[token.slice(1)]!.exec(v);
  if (!m) return undefined;
  const seconds = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  f.offset = m[1] === '-' ? -seconds : seconds;
  return v.slice(m[0].length);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return new Date(Date.UTC(2001, month, 0)).getUTCDate();
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Calendar fields of the time in its own offset. */
export function civil(t: GoTime) {
  const localNanos = t.unixNanos + BigInt(t.offsetSeconds) * 1_000_000_000n;
  const ms = floorDiv(localNanos, NANOS_PER_MS);
  const d = new Date(Number(ms));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/** `t.Format(time.RFC3339)`: no fractional seconds; `Z` for a zero offset. */
export function formatRFC3339(t: GoTime): string {
  const c = civil(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  let zone = 'Z';
  if (t.offsetSeconds !== 0) {
    const abs = Math.abs(t.offsetSeconds);
    zone = `${t.offsetSeconds < 0 ? '-' : '+'}${p(Math.floor(abs / 3600))}:${p(Math.floor((abs % 3600) / 60))}`;
  }
  return `${p(c.year, 4)}-${p(c.month)}-${p(c.day)}T${p(c.hour)}:${p(c.minute)}:${p(c.second)}${zone}`;
}

export function toUTC(t: GoTime): GoTime {
  return { unixNanos: t.unixNanos, offsetSeconds: 0 };
}

export function addDuration(t: GoTime, ns: bigint): GoTime {
  return { unixNanos: t.unixNanos + ns, offsetSeconds: t.offsetSeconds };
}

/** `t2.Sub(t1)` in nanoseconds. */
export function subTimes(t2: GoTime, t1: GoTime): bigint {
  return t2.unixNanos - t1.unixNanos;
}

/** `t.Truncate(d)`: rounds down to a multiple of d since the zero time (computed on absolute time). */
export function truncateTime(t: GoTime, ns: bigint): GoTime {
  if (ns <= 0n) return t;
  // Go's zero time is year 1; Unix epoch is 62135596800 s after it.
  const sinceZero = t.unixNanos + 62_135_596_800n * 1_000_000_000n;
  return { unixNanos: t.unixNanos - mod(sinceZero, ns), offsetSeconds: t.offsetSeconds };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function mod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r < 0n ? r + b : r;
}
