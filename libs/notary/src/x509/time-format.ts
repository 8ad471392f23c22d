/**
 * Go `time` layouts that notation prints in user-visible strings, reproduced
 * exactly so our error messages and `inspect` output match notation's:
 *
 * - RFC1123Z `Mon, 02 Jan 2006 15:04:05 -0700` — expiry / validity errors (§8).
 * - ANSIC `Mon Jan _2 15:04:05 2006` (day space-padded) — `notation inspect` tree (§13).
 * - RFC 3339 `2006-01-02T15:04:05Z07:00` — JSON output and JWS signing times.
 * - `time.Time.String()` `2006-01-02 15:04:05.999999999 -0700 MST` — what `%s`
 *   of a `time.Time` prints, e.g. in the signing-time certificate error (§7.1).
 *
 * Every formatter takes the instant plus the UTC offset (minutes east of UTC)
 * it should be shown in; the default is UTC, which is what notation's `.UTC()`
 * calls produce.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The wall-clock fields of `date` seen at `offsetMinutes` east of UTC. */
interface WallClock {
  year: number;
  month: number; // 0-11
  day: number;
  weekday: number; // 0 = Sunday
  hours: number;
  minutes: number;
  seconds: number;
  milliseconds: number;
}

function wallClock(date: Date, offsetMinutes: number): WallClock {
  if (Number.isNaN(date.getTime())) throw new TypeError('invalid date');
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) >= 24 * 60) {
    throw new TypeError(`invalid UTC offset ${offsetMinutes} minutes`);
  }
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth(),
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
    hours: shifted.getUTCHours(),
    minutes: shifted.getUTCMinutes(),
    seconds: shifted.getUTCSeconds(),
    milliseconds: shifted.getUTCMilliseconds(),
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Go's year: at least four digits, `-` for negative years. */
function year(value: number): string {
  return value < 0 ? `-${pad(-value, 4)}` : pad(value, 4);
}

function clock(wall: WallClock): string {
  return `${pad(wall.hours, 2)}:${pad(wall.minutes, 2)}:${pad(wall.seconds, 2)}`;
}

/** `-0700` form. */
function numericOffset(offsetMinutes: number, separator: string): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(absolute / 60), 2)}${separator}${pad(absolute % 60, 2)}`;
}

/** Go's `.999999999` fraction: dropped when zero, trailing zeros trimmed (JS dates hold milliseconds). */
function trimmedFraction(milliseconds: number): string {
  if (milliseconds === 0) return '';
  return `.${pad(milliseconds, 3).replace(/0+$/, '')}`;
}

/** Go `time.RFC1123Z`: `Mon, 02 Jan 2006 15:04:05 -0700`. */
export function formatRfc1123Z(date: Date, offsetMinutes = 0): string {
  const wall = wallClock(date, offsetMinutes);
  return `${DAYS[wall.weekday]}, ${pad(wall.day, 2)} ${MONTHS[wall.month]} ${year(wall.year)} ${clock(wall)} ${numericOffset(offsetMinutes, '')}`;
}

/** Go `time.ANSIC`: `Mon Jan _2 15:04:05 2006` — the day is padded with a space, not a zero; no zone is printed. */
export function formatAnsic(date: Date, offsetMinutes = 0): string {
  const wall = wallClock(date, offsetMinutes);
  return `${DAYS[wall.weekday]} ${MONTHS[wall.month]} ${String(wall.day).padStart(2, ' ')} ${clock(wall)} ${year(wall.year)}`;
}

/**
 * Go `time.RFC3339` (`2006-01-02T15:04:05Z07:00`; `Z` when the offset is 0),
 * or `time.RFC3339Nano` with `{ fraction: true }` (trailing zeros trimmed).
 */
export function formatRfc3339(date: Date, offsetMinutes = 0, options: { fraction?: boolean } = {}): string {
  const wall = wallClock(date, offsetMinutes);
  const fraction = options.fraction ? trimmedFraction(wall.milliseconds) : '';
  const zone = offsetMinutes === 0 ? 'Z' : numericOffset(offsetMinutes, ':');
  return `${year(wall.year)}-${pad(wall.month + 1, 2)}-${pad(wall.day, 2)}T${clock(wall)}${fraction}${zone}`;
}

/**
 * Go `time.Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`. At
 * offset 0 the zone is UTC, which is what `%s` prints for `t.UTC()`
 * (`+0000 UTC`); any other offset is the nameless fixed zone `time.Parse`
 * makes, whose name Go prints as the offset again (`+0800 +0800`).
 */
export function formatGoTimeString(date: Date, offsetMinutes = 0): string {
  const wall = wallClock(date, offsetMinutes);
  const zone = numericOffset(offsetMinutes, '');
  return `${year(wall.year)}-${pad(wall.month + 1, 2)}-${pad(wall.day, 2)} ${clock(wall)}${trimmedFraction(wall.milliseconds)} ${zone} ${offsetMinutes === 0 ? 'UTC' : zone}`;
}

/**
 * The UTC offset (minutes east) written in an RFC 3339 timestamp, so a time
 * can be printed back in the zone it was signed in (JWS signing times keep
 * their offset, e.g. `2023-01-19T00:21:36-08:00` → -480). `undefined` when
 * the text is not RFC 3339.
 */
export function rfc3339OffsetMinutes(text: string): number | undefined {
  const match = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!match) return undefined;
  if (match[1]) return 0;
  const minutes = Number(match[3]) * 60 + Number(match[4]);
  return match[2] === '-' ? -minutes : minutes;
}
