import { computeDigest, digestMatches, isDigest, parseDigest, referrersTag, sha256Digest, verifyDigest } from './digest';
import { OciError } from './errors';

describe('digests', () => {
  const bytes = Buffer.from('{}');

  it('computes and checks sha256 / sha512', () => {
    expect(sha256Digest(bytes)).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    const sha512 = computeDigest(bytes, 'sha512');
    expect(digestMatches(bytes, sha512)).toBe(true);
    expect(digestMatches(Buffer.from('[]'), sha512)).toBe(false);
    expect(() => verifyDigest(bytes, sha512)).not.toThrow();
  });

  it('refuses mismatching content with ERR_DIGEST_MISMATCH naming both digests', () => {
    const expected = sha256Digest(Buffer.from('other'));
    let caught: unknown;
    try {
      verifyDigest(bytes, expected, { what: 'blob r.io/a@x', registry: 'r.io' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OciError);
    expect(caught).toMatchObject({ code: 'ERR_DIGEST_MISMATCH', registry: 'r.io', reference: expected });
    expect((caught as OciError).message).toContain(sha256Digest(bytes));
    expect((caught as OciError).message).toContain(expected);
  });

  it.each([
    ['sha256:abc', 'invalid checksum digest format'],
    [`sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
    [`sha256:${'A'.repeat(64)}`, 'lowercase'],
    [`md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    ['nocolon', 'invalid checksum digest format'],
  ])('refuses %s', (digest, reason) => {
    expect(isDigest(digest)).toBe(false);
    expect(() => parseDigest(digest)).toThrow(reason);
  });

  it('names the referrers tag', () => {
    expect(referrersTag('sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9')).toBe(
      'sha256-b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9',
    );
  });
});
