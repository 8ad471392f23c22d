import { wildcardMatch, wildcardMatchAny } from './wildcard';

// ext/wildcard/match_test.go TestMatch, cases 1–52: [pattern, text, matched].
const CASES: Array<[string, string, boolean]> = [
  ['*', 's3:GetObject', true], ['', 's3:GetObject', false], ['', '', true], ['s3:*', 's3:ListMultipartUploadParts', true],
  ['s3:ListBucketMultipartUploads', 's3:ListBucket', false], ['s3:ListBucket', 's3:ListBucket', true],
  ['s3:ListBucketMultipartUploads', 's3:ListBucketMultipartUploads', true], ['my-bucket/oo*', 'my-bucket/oo', true],
  ['my-bucket/In*', 'my-bucket/India/Karnataka/', true], ['my-bucket/In*', 'my-bucket/Karnataka/India/', false],
  ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Ban', true], ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Ban/Ban/Ban/Ban/Ban', true],
  ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Area1/Area2/Area3/Ban', true],
  ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/State1/State2/Karnataka/Area1/Area2/Area3/Ban', true],
  ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Bangalore', false], ['my-bucket/In*/Ka*/Ban*', 'my-bucket/India/Karnataka/Bangalore', true],
  ['my-bucket/*', 'my-bucket/India', true], ['my-bucket/oo*', 'my-bucket/odo', false], ['my-bucket?/abc*', 'mybucket/abc', false],
  ['my-bucket?/abc*', 'my-bucket1/abc', true], ['my-?-bucket/abc*', 'my--bucket/abc', false], ['my-?-bucket/abc*', 'my-1-bucket/abc', true],
  ['my-?-bucket/abc*', 'my-k-bucket/abc', true], ['my??bucket/abc*', 'mybucket/abc', false], ['my??bucket/abc*', 'my4abucket/abc', true],
  ['my-bucket?abc*', 'my-bucket/abc', true], ['my-bucket/abc?efg', 'my-bucket/abcdefg', true], ['my-bucket/abc?efg', 'my-bucket/abc/efg', true],
  ['my-bucket/abc????', 'my-bucket/abc', false], ['my-bucket/abc????', 'my-bucket/abcde', false], ['my-bucket/abc????', 'my-bucket/abcdefg', true],
  ['my-bucket/abc?', 'my-bucket/abc', false], ['my-bucket/abc?', 'my-bucket/abcd', true], ['my-bucket/abc?', 'my-bucket/abcde', false],
  ['my-bucket/mnop*?', 'my-bucket/mnop', false], ['my-bucket/mnop*?', 'my-bucket/mnopqrst/mnopqr', true],
  ['my-bucket/mnop*?', 'my-bucket/mnopqrst/mnopqrs', true], ['my-bucket/mnop*?', 'my-bucket/mnop', false],
  ['my-bucket/mnop*?', 'my-bucket/mnopq', true], ['my-bucket/mnop*?', 'my-bucket/mnopqr', true], ['my-bucket/mnop*?and', 'my-bucket/mnopqand', true],
  ['my-bucket/mnop*?and', 'my-bucket/mnopand', false], ['my-bucket/mnop*?and', 'my-bucket/mnopqand', true], ['my-bucket/mnop*?', 'my-bucket/mn', false],
  ['my-bucket/mnop*?', 'my-bucket/mnopqrst/mnopqrs', true], ['my-bucket/mnop*??', 'my-bucket/mnopqrst', true],
  ['my-bucket/mnop*qrst', 'my-bucket/mnopabcdegqrst', true], ['my-bucket/mnop*?and', 'my-bucket/mnopqand', true],
  ['my-bucket/mnop*?and', 'my-bucket/mnopand', false], ['my-bucket/mnop*?and?', 'my-bucket/mnopqanda', true],
  ['my-bucket/mnop*?and', 'my-bucket/mnopqanda', false], ['my-?-bucket/abc*', 'my-bucket/mnopqanda', false],
];

describe('wildcardMatch (ext/wildcard/match_test.go)', () => {
  it.each(CASES.map((c, i) => [i + 1, ...c] as const))('case %i: %s ~ %s → %s', (_i, pattern, text, matched) => {
    expect(wildcardMatch(pattern, text)).toBe(matched);
  });

  it('matches image references as Kyverno does (per code point, no special dot)', () => {
    expect(wildcardMatch('ghcr.io/kyverno/test-verify-image*', 'ghcr.io/kyverno/test-verify-image:signed')).toBe(true);
    expect(wildcardMatch('ghcr.io/kyverno/test-verify-image*', 'ghcr.io/kyverno/test-verify-image@sha256:b31b')).toBe(true);
    expect(wildcardMatch('ghcr.io/*', 'docker.io/nginx:latest')).toBe(false);
    expect(wildcardMatch('?é', 'éé')).toBe(true);
    // Per code point (Go runes), also outside the BMP: one '?' is one emoji, not one UTF-16 unit.
    expect(wildcardMatch('?', '😀')).toBe(true);
    expect(wildcardMatch('??', '😀')).toBe(false);
    expect(wildcardMatch('a*?', 'ab😀')).toBe(true);
    expect(wildcardMatch('😀*', '😀x')).toBe(true);
    expect(wildcardMatchAny(['docker.io/*', 'ghcr.io/kyverno*'], 'ghcr.io/kyverno/zulu:v0.0.14')).toBe(true);
  });

  it('stays fast on pathological patterns', () => {
    const start = Date.now();
    expect(wildcardMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});
