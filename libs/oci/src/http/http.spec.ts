import { nextLink } from './link';
import { parseRetryAfter, resolveRetryOptions, retryDelay } from './retry';

describe('retry timing', () => {
  const options = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('backs off exponentially with jitter, capped', () => {
    expect([1, 2, 3, 4, 5].map((retry) => retryDelay(retry, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect(retryDelay(1, options, () => 0.999999)).toBe(100);
  });

  it('honours Retry-After in seconds or as an HTTP date, capped', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(retryDelay(1, options, () => 0, 60_000)).toBe(1_000);
  });

  it('checks options on entry', () => {
    expect(() => resolveRetryOptions({ attempts: 0 })).toThrow(TypeError);
    expect(resolveRetryOptions(undefined).attempts).toBe(3);
  });
});

describe('Link header', () => {
  it('finds rel="next"', () => {
    expect(nextLink('</v2/a/referrers/sha256:x?last=b&n=2>; rel="next"')).toBe('/v2/a/referrers/sha256:x?last=b&n=2');
    expect(nextLink('<https://r/prev>; rel="prev", <https://r/next>; rel=next')).toBe('https://r/next');
    expect(nextLink('<https://r/prev>; rel="prev"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});
