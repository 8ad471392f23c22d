import { canonicalImageString, imageSpellings, kyvernoImageString, parseImageParts, skipSpellings } from './image-spellings';

describe('parseImageParts (KV pkg/utils/image/infos.go GetImageInfo)', () => {
  it.each([
    ['nginx', { registry: 'docker.io', path: 'nginx', tag: 'latest' }, 'docker.io/nginx:latest'],
    ['library/nginx:1', { registry: 'docker.io', path: 'library/nginx', tag: '1' }, 'docker.io/library/nginx:1'],
    ['myorg/app', { registry: 'docker.io', path: 'myorg/app', tag: 'latest' }, 'docker.io/myorg/app:latest'],
    ['localhost:5000/x', { registry: 'localhost:5000', path: 'x', tag: 'latest' }, 'localhost:5000/x:latest'],
    ['localhost/x', { registry: 'localhost', path: 'x', tag: 'latest' }, 'localhost/x:latest'],
    ['GHCR.IO/acme/app:1', { registry: 'GHCR.IO', path: 'acme/app', tag: '1' }, 'GHCR.IO/acme/app:1'],
    ['Myorg/app', { registry: 'Myorg', path: 'app', tag: 'latest' }, 'Myorg/app:latest'],
    ['UPPER/case', { registry: 'UPPER', path: 'case', tag: 'latest' }, 'UPPER/case:latest'],
    [`ghcr.io/a/b:1@sha256:${'e'.repeat(64)}`, { registry: 'ghcr.io', path: 'a/b', tag: '1', digest: `sha256:${'e'.repeat(64)}` }, `ghcr.io/a/b@sha256:${'e'.repeat(64)}`],
    [`ghcr.io/a/b@sha256:${'e'.repeat(64)}`, { registry: 'ghcr.io', path: 'a/b', digest: `sha256:${'e'.repeat(64)}` }, `ghcr.io/a/b@sha256:${'e'.repeat(64)}`],
    ['[::1]:5000/x:2', { registry: '[::1]:5000', path: 'x', tag: '2' }, '[::1]:5000/x:2'],
  ])('%s', (text, parts, kyverno) => {
    const parsed = parseImageParts(text);
    expect(parsed).toEqual(parts);
    expect(kyvernoImageString(parsed as typeof parts)).toBe(kyverno);
  });

  it.each(['', 'nginx:', 'ghcr.io/Acme/app', 'a:b:c', 'ghcr.io/x@sha256:short', 'ghcr.io/x:-bad'])('refuses %j', (text) => {
    expect(parseImageParts(text)).toEqual({ error: expect.stringContaining('invalid reference format') });
  });
});

describe('imageSpellings', () => {
  it("starts with Kyverno's own string and holds the Docker Hub aliases", () => {
    const spellings = imageSpellings({ registry: 'docker.io', path: 'nginx', tag: '1.25' });
    expect(spellings[0]).toBe('docker.io/nginx:1.25');
    expect(spellings).toEqual(
      expect.arrayContaining([
        'docker.io/library/nginx:1.25',
        'index.docker.io/nginx:1.25',
        'registry-1.docker.io/library/nginx:1.25',
        'docker.io:443/library/nginx:1.25',
        'nginx:1.25',
        'library/nginx:1.25',
      ]),
    );
    expect(spellings).not.toContain('nginx');
  });

  it('keeps ports other than 443, lower-cases the host, never invents a registry', () => {
    const spellings = imageSpellings({ registry: 'LOCALHOST:5000', path: 'app', tag: '1' });
    expect(spellings).toEqual(['LOCALHOST:5000/app:1', 'localhost:5000/app:1']);
  });

  it('a tag+digest image is spelled with the digest, with tag and digest, and with the tag', () => {
    const digest = `sha256:${'f'.repeat(64)}`;
    const spellings = imageSpellings({ registry: 'ghcr.io', path: 'a/b', tag: '1', digest });
    expect(spellings[0]).toBe(`ghcr.io/a/b@${digest}`);
    expect(spellings).toEqual(expect.arrayContaining([`ghcr.io/a/b:1@${digest}`, 'ghcr.io/a/b:1', `ghcr.io:443/a/b@${digest}`]));
    expect(spellings.some((s) => s.endsWith(':latest'))).toBe(false);
  });

  it('the implicit latest tag is also spelled without a tag', () => {
    expect(imageSpellings({ registry: 'ghcr.io', path: 'a', tag: 'latest' })).toEqual(['ghcr.io/a:latest', 'ghcr.io/a', 'ghcr.io:443/a:latest', 'ghcr.io:443/a']);
  });

  it('is kept by content: equal parts share one frozen answer, parts that would run together do not', () => {
    const first = imageSpellings({ registry: 'ghcr.io', path: 'a/b', tag: '1' });
    expect(imageSpellings({ registry: 'ghcr.io', path: 'a/b', tag: '1' })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => (first as string[]).push('x')).toThrow(TypeError);
    expect(imageSpellings({ registry: 'ghcr.io', path: 'a/b', tag: '1' })).toEqual(['ghcr.io/a/b:1', 'ghcr.io:443/a/b:1']);
    // An absent tag (latest) and an empty one, or a field boundary moved, are other images.
    expect(imageSpellings({ registry: 'ghcr.io', path: 'a' })).toContain('ghcr.io/a');
    expect(imageSpellings({ registry: 'ghcr.io', path: 'a', tag: '' })).not.toContain('ghcr.io/a');
    expect(imageSpellings({ registry: 'ghcr.io\n1', path: 'a', tag: '1' })[0]).toBe('ghcr.io\n1/a:1');
    expect(imageSpellings({ registry: 'ghcr.io', path: '1\na', tag: '1' })[0]).toBe('ghcr.io/1\na:1');
    // Past the bound, answers are still right.
    for (let n = 0; n < 1500; n++) expect(imageSpellings({ registry: 'r.io', path: `p${n}`, tag: '1' })[0]).toBe(`r.io/p${n}:1`);
    expect(imageSpellings({ registry: 'ghcr.io', path: 'a/b', tag: '1' })).toEqual(first);
  });

  it('skip spellings: Kyverno string and canonical string only', () => {
    expect(canonicalImageString({ registry: 'Index.Docker.IO:443', path: 'library/nginx', tag: '1' })).toBe('docker.io/library/nginx:1');
    expect(skipSpellings({ registry: 'ghcr.io', path: 'a', tag: '1' })).toEqual(['ghcr.io/a:1']);
    expect(skipSpellings({ registry: 'GHCR.IO:443', path: 'a', tag: '1' })).toEqual(['GHCR.IO:443/a:1', 'ghcr.io/a:1']);
  });
});
