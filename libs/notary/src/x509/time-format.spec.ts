import { formatAnsic, formatGoTimeString, formatRfc1123Z, formatRfc3339, rfc3339OffsetMinutes } from './time-format';

describe('Go time layouts', () => {
  const expiry = new Date('2022-07-29T23:59:00Z');

  it('prints RFC1123Z in UTC as notation does in expiry errors', () => {
    expect(formatRfc1123Z(expiry)).toBe('Fri, 29 Jul 2022 23:59:00 +0000');
    expect(formatRfc1123Z(new Date('2023-01-12T00:52:12Z'))).toBe('Thu, 12 Jan 2023 00:52:12 +0000');
    expect(formatRfc1123Z(new Date('2099-09-18T11:54:34Z'))).toBe('Fri, 18 Sep 2099 11:54:34 +0000');
  });

  it('prints RFC1123Z in a given offset, with a zero-padded day', () => {
    expect(formatRfc1123Z(expiry, -480)).toBe('Fri, 29 Jul 2022 15:59:00 -0800');
    expect(formatRfc1123Z(new Date('2024-03-01T20:30:00Z'), 330)).toBe('Sat, 02 Mar 2024 02:00:00 +0530');
  });

  it('prints ANSIC with a space-padded day and no zone', () => {
    expect(formatAnsic(new Date('2023-01-05T03:04:05Z'))).toBe('Thu Jan  5 03:04:05 2023');
    expect(formatAnsic(new Date('2023-01-15T13:04:05Z'))).toBe('Sun Jan 15 13:04:05 2023');
    expect(formatAnsic(new Date('2023-01-15T13:04:05Z'), -480)).toBe('Sun Jan 15 05:04:05 2023');
  });

  it('prints RFC 3339 with Z for UTC and ±hh:mm otherwise, fractions only on request', () => {
    const time = new Date('2023-01-19T08:21:36.120Z');
    expect(formatRfc3339(time)).toBe('2023-01-19T08:21:36Z');
    expect(formatRfc3339(time, -480)).toBe('2023-01-19T00:21:36-08:00');
    expect(formatRfc3339(time, 0, { fraction: true })).toBe('2023-01-19T08:21:36.12Z');
    expect(formatRfc3339(new Date('2023-01-19T08:21:36Z'), 0, { fraction: true })).toBe('2023-01-19T08:21:36Z');
  });

  it("prints time.Time.String() of a UTC time (what %s prints)", () => {
    expect(formatGoTimeString(new Date('2023-06-10T16:31:46Z'))).toBe('2023-06-10 16:31:46 +0000 UTC');
    expect(formatGoTimeString(new Date('2023-06-10T16:31:46.5Z'))).toBe('2023-06-10 16:31:46.5 +0000 UTC');
    expect(formatGoTimeString(new Date('0999-01-01T00:00:00Z'))).toBe('0999-01-01 00:00:00 +0000 UTC');
  });

  it('reads the offset written in an RFC 3339 time', () => {
    expect(rfc3339OffsetMinutes('2023-01-19T00:21:36-08:00')).toBe(-480);
    expect(rfc3339OffsetMinutes('2023-01-19T00:21:36.123+05:30')).toBe(330);
    expect(rfc3339OffsetMinutes('2023-01-19T00:21:36Z')).toBe(0);
    expect(rfc3339OffsetMinutes('yesterday')).toBeUndefined();
  });

  it('rejects invalid dates and offsets with TypeError', () => {
    expect(() => formatRfc1123Z(new Date('nope'))).toThrow(TypeError);
    expect(() => formatRfc3339(expiry, 24 * 60)).toThrow(TypeError);
    expect(() => formatAnsic(expiry, 1.5)).toThrow(TypeError);
  });
});
