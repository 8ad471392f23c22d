/**
 * RFC 3339 times as Go's `time.Time` JSON methods read and write them (JWS
 * signing time and expiry, reference §4.2): `2006-01-02T15:04:05Z07:00`
 * with optional fractional seconds, an upper-case `T` and `Z`, ranges
 * checked (Go ≥ 1.20 is strict).
 */
import { formatRfc3339 } from '../x509/time-format';

/** 400 Gregorian years, in milliseconds (the calendar repeats every 400 years). */
const YEARS_400_MS = 146097 * 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The decimal number in `text[at, at + count)`, or -1 if any of those is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The instant written in `text`, or undefined when Go would refuse it.
 * Hand-parsed (no regex, no intermediate arrays): it runs for every JWS
 * verification.
 */
export function parseRfc3339(text: string): Date | undefined {
  if (text.length < 20 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;

  let at = 19;
  let milliseconds = 0;
  if (text[at] === '.') {
    const start = ++at;
    while (at < text.length && text.charCodeAt(at) >= 0x30 && text.charCodeAt(at) <= 0x39) at++;
    if (at === start) return undefined;
    milliseconds = digits(text.slice(start, start + 3).padEnd(3, '0'), 0, 3);
  }
  let offsetMinutes = 0;
  if (text[at] === 'Z' && at + 1 === text.length) {
    offsetMinutes = 0;
  } else if ((text[at] === '+' || text[at] === '-') && at + 6 === text.length && text[at + 3] === ':') {
    const offsetHours = digits(text, at + 1, 2);
    const offsetMins = digits(text, at + 4, 2);
    if (offsetHours < 0 || offsetHours > 23 || offsetMins < 0 || offsetMins > 59) return undefined;
    offsetMinutes = (text[at] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  } else {
    return undefined;
  }
  // Date.UTC maps years 0–99 to 1900–1999; go through a year 400 later instead (same calendar).
  const epoch = year < 100 ? Date.UTC(year + 400, month - 1, day, hour, minute, second, milliseconds) - YEARS_400_MS : Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
  return new Date(epoch - offsetMinutes * 60_000);
}

/** Go's error for a JSON time it cannot read (`time.Time.UnmarshalJSON`). */
export function rfc3339Error(value: unknown): string {
  if (typeof value !== 'string') return 'Time.UnmarshalJSON: input is not a JSON string';
  return `parsing time ${JSON.stringify(JSON.stringify(value))} as "\\"2006-01-02T15:04:05Z07:00\\"": cannot parse as RFC 3339`;
}

/** A signing time or expiry as notation-go writes it: UTC, whole seconds (`2026-11-24T23:05:07Z`). */
export function formatSigningTime(date: Date): string {
  return formatRfc3339(date);
}
