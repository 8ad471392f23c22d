import { canonicalJson, hashJson } from './canonical-json';
import { cacheKindOf, contentKey, hashTrustAnchors, referrersKey, tagKey, verdictKey, type VerdictKeyInput } from './keys';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER_DIGEST = `sha256:${'b'.repeat(64)}`;
const FP1 = 'AB:CD:EF:01';
const FP2 = '0123456789abcdef';

describe('tagKey', () => {
  it('is versioned and names registry, repository and tag', () => {
    expect(tagKey('localhost:5000', 'team/app', 'v1.2')).toBe('ng:v1:tag:localhost:5000/team/app:v1.2');
  });

  it('changes with every input', () => {
    const keys = new Set([
      tagKey('r.io', 'a/b', 't'),
      tagKey('s.io', 'a/b', 't'),
      tagKey('r.io', 'a/c', 't'),
      tagKey('r.io', 'a/b', 'u'),
    ]);
    expect(keys.size).toBe(4);
  });

  it.each([
    ['registry with a slash', 'r.io/x', 'a', 't'],
    ['repository with a colon', 'r.io', 'a:b', 't'],
    ['repository with an empty component', 'r.io', 'a//b', 't'],
    ['tag with a slash', 'r.io', 'a', 't/u'],
    ['empty tag', 'r.io', 'a', ''],
  ])('throws TypeError on a %s', (_what, registry, repository, tag) => {
    expect(() => tagKey(registry, repository, tag)).toThrow(TypeError);
  });
});

describe('referrersKey', () => {
  it('keeps "all referrers" apart from each artifactType filter', () => {
    expect(referrersKey('r.io', 'a', DIGEST)).toBe(`ng:v1:referrers:r.io/a@${DIGEST}|all`);
    expect(referrersKey('r.io', 'a', DIGEST, 'application/vnd.cncf.notary.signature')).toBe(
      `ng:v1:referrers:r.io/a@${DIGEST}|type=application/vnd.cncf.notary.signature`,
    );
  });

  it('changes with every input', () => {
    const keys = new Set([
      referrersKey('r.io', 'a', DIGEST),
      referrersKey('s.io', 'a', DIGEST),
      referrersKey('r.io', 'b', DIGEST),
      referrersKey('r.io', 'a', OTHER_DIGEST),
      referrersKey('r.io', 'a', DIGEST, 'sbom/cyclone-dx'),
      referrersKey('r.io', 'a', DIGEST, 'application/vnd.cncf.notary.signature'),
    ]);
    expect(keys.size).toBe(6);
  });

  it('rejects a malformed digest or artifactType', () => {
    expect(() => referrersKey('r.io', 'a', 'sha256')).toThrow(TypeError);
    expect(() => referrersKey('r.io', 'a', `${DIGEST}|all`)).toThrow(TypeError);
    expect(() => referrersKey('r.io', 'a', DIGEST, '')).toThrow(TypeError);
    expect(() => referrersKey('r.io', 'a', DIGEST, 'a b')).toThrow(TypeError);
  });
});

describe('contentKey', () => {
  it('is the digest alone: content is addressed by it', () => {
    expect(contentKey(DIGEST)).toBe(`ng:v1:content:${DIGEST}`);
    expect(contentKey(DIGEST)).not.toBe(contentKey(OTHER_DIGEST));
    expect(() => contentKey('not-a-digest')).toThrow(TypeError);
  });
});

describe('hashTrustAnchors', () => {
  it('ignores order, duplicates, case and colons', () => {
    const hash = hashTrustAnchors([FP1, FP2]);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashTrustAnchors([FP2, FP1])).toBe(hash);
    expect(hashTrustAnchors([FP2, 'abcdef01', FP1])).toBe(hash);
  });

  it('changes when an anchor is added, removed or replaced', () => {
    const hashes = new Set([
      hashTrustAnchors([FP1, FP2]),
      hashTrustAnchors([FP1]),
      hashTrustAnchors([FP1, FP2, 'ff']),
      hashTrustAnchors([FP1, '0123456789abcdee']),
      hashTrustAnchors([]),
    ]);
    expect(hashes.size).toBe(5);
  });

  it('rejects a fingerprint that is not hex', () => {
    expect(() => hashTrustAnchors(['xyz'])).toThrow(TypeError);
    expect(() => hashTrustAnchors([''])).toThrow(TypeError);
  });
});

describe('verdictKey', () => {
  const base: VerdictKeyInput = {
    artifact: `r.io/team/app@${DIGEST}`,
    trustAnchorsSha256: hashTrustAnchors([FP1]),
    options: { maxSignatureAttempts: 10, level: 'strict', policyHash: 'p1' },
  };

  it('is a versioned hash of every input', () => {
    expect(verdictKey(base)).toMatch(/^ng:v1:verdict:[0-9a-f]{64}$/);
    expect(verdictKey(base)).toBe(verdictKey({ ...base }));
  });

  it('changes when any input changes', () => {
    const variants: VerdictKeyInput[] = [
      base,
      { ...base, artifact: `r.io/team/app@${OTHER_DIGEST}` },
      { ...base, artifact: `s.io/team/app@${DIGEST}` },
      { ...base, artifact: `r.io/team/other@${DIGEST}` },
      { ...base, signatureDigest: OTHER_DIGEST },
      { ...base, trustAnchorsSha256: hashTrustAnchors([FP2]) },
      { ...base, trustAnchorsSha256: hashTrustAnchors([FP1, FP2]) },
      { ...base, options: { ...base.options, maxSignatureAttempts: 11 } },
      { ...base, options: { ...base.options, level: 'permissive' } },
      { ...base, options: { ...base.options, policyHash: 'p2' } },
      { ...base, options: { ...base.options, extra: [1] } },
    ];
    expect(new Set(variants.map(verdictKey)).size).toBe(variants.length);
  });

  it('does not depend on the order of option keys or of trust anchors', () => {
    const reordered = verdictKey({
      artifact: base.artifact,
      trustAnchorsSha256: hashTrustAnchors([FP1.toLowerCase()]),
      options: { policyHash: 'p1', level: 'strict', maxSignatureAttempts: 10 },
    });
    expect(reordered).toBe(verdictKey(base));
    const anchors = { ...base, trustAnchorsSha256: hashTrustAnchors([FP1, FP2]) };
    expect(verdictKey({ ...anchors, trustAnchorsSha256: hashTrustAnchors([FP2, FP1]) })).toBe(verdictKey(anchors));
  });

  it('rejects misuse with TypeError', () => {
    expect(() => verdictKey({ ...base, artifact: 'r.io/team/app:v1' })).toThrow(TypeError);
    expect(() => verdictKey({ ...base, artifact: `app@${DIGEST}` })).toThrow(TypeError);
    expect(() => verdictKey({ ...base, trustAnchorsSha256: 'abc' })).toThrow(TypeError);
    expect(() => verdictKey({ ...base, signatureDigest: 'nope' })).toThrow(TypeError);
    expect(() => verdictKey({ ...base, options: { at: new Date(0) } })).toThrow(TypeError);
  });
});

describe('cacheKindOf', () => {
  it('names the cache of a key, for metrics', () => {
    expect(cacheKindOf(tagKey('r.io', 'a', 't'))).toBe('tag');
    expect(cacheKindOf(referrersKey('r.io', 'a', DIGEST))).toBe('referrers');
    expect(cacheKindOf(contentKey(DIGEST))).toBe('content');
    expect(cacheKindOf(verdictKey({ artifact: `r.io/a@${DIGEST}`, trustAnchorsSha256: hashTrustAnchors([]), options: {} }))).toBe('verdict');
    expect(cacheKindOf('something-else')).toBe('other');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and omits undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
    expect(hashJson({ x: 1, y: 2 })).toBe(hashJson({ y: 2, x: 1 }));
  });

  it.each([
    ['NaN', { n: Number.NaN }],
    ['Infinity', [Infinity]],
    ['bigint', { n: 1n }],
    ['a function', { f: () => 1 }],
    ['undefined in an array', [undefined]],
    ['a Date', { d: new Date(0) }],
    ['a Map', new Map()],
  ])('rejects %s rather than collapse it', (_what, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});
