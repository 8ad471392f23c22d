import { isOciError } from './errors';
import { ImageReference, parseAnyReference, parseLayoutReference, parseReference } from './reference';

const D = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
const D512 = `sha512:${'f'.repeat(128)}`;

function reasonOf(input: string): string {
  try {
    parseReference(input);
  } catch (error) {
    if (isOciError(error, 'ERR_INVALID_REFERENCE')) return error.message;
    throw error;
  }
  throw new Error(`${input} parsed`);
}

describe('parseReference (distribution/reference ParseNormalizedNamed cases)', () => {
  it.each([
    // input, full string, registry, repository, tag, digest
    ['nginx', 'docker.io/library/nginx:latest', 'docker.io', 'library/nginx', 'latest', undefined],
    ['redis:latest', 'docker.io/library/redis:latest', 'docker.io', 'library/redis', 'latest', undefined],
    ['docker/docker', 'docker.io/docker/docker:latest', 'docker.io', 'docker/docker', 'latest', undefined],
    ['library/debian', 'docker.io/library/debian:latest', 'docker.io', 'library/debian', 'latest', undefined],
    ['docker.io/debian', 'docker.io/library/debian:latest', 'docker.io', 'library/debian', 'latest', undefined],
    ['index.docker.io/docker/docker', 'docker.io/docker/docker:latest', 'docker.io', 'docker/docker', 'latest', undefined],
    ['index.docker.io/debian', 'docker.io/library/debian:latest', 'docker.io', 'library/debian', 'latest', undefined],
    ['127.0.0.1:5000/docker/docker', '127.0.0.1:5000/docker/docker:latest', '127.0.0.1:5000', 'docker/docker', 'latest', undefined],
    ['127.0.0.1:5000/debian', '127.0.0.1:5000/debian:latest', '127.0.0.1:5000', 'debian', 'latest', undefined],
    ['localhost/debian', 'localhost/debian:latest', 'localhost', 'debian', 'latest', undefined],
    ['localhost:5000/x', 'localhost:5000/x:latest', 'localhost:5000', 'x', 'latest', undefined],
    ['test.com/foo', 'test.com/foo:latest', 'test.com', 'foo', 'latest', undefined],
    ['test_com/foo', 'docker.io/test_com/foo:latest', 'docker.io', 'test_com/foo', 'latest', undefined],
    ['test-com:8080/foo', 'test-com:8080/foo:latest', 'test-com:8080', 'foo', 'latest', undefined],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080/foo:latest', 'xn--n3h.com:18080', 'foo', 'latest', undefined],
    ['Xn--n3h.com/myimage:xn--n3h.com', 'Xn--n3h.com/myimage:xn--n3h.com', 'Xn--n3h.com', 'myimage', 'xn--n3h.com', undefined],
    ['[fc00::1]:5000/docker', '[fc00::1]:5000/docker:latest', '[fc00::1]:5000', 'docker', 'latest', undefined],
    ['docker.io/library/foo/bar', 'docker.io/library/foo/bar:latest', 'docker.io', 'library/foo/bar', 'latest', undefined],
    ['192.168.0.1', 'docker.io/library/192.168.0.1:latest', 'docker.io', 'library/192.168.0.1', 'latest', undefined],
    ['foo/foo_bar.com:8080', 'docker.io/foo/foo_bar.com:8080', 'docker.io', 'foo/foo_bar.com', '8080', undefined],
    ['docker---rules/docker', 'docker.io/docker---rules/docker:latest', 'docker.io', 'docker---rules/docker', 'latest', undefined],
    ['dock__er/docker', 'docker.io/dock__er/docker:latest', 'docker.io', 'dock__er/docker', 'latest', undefined],
    ['lowercase:Uppercase', 'docker.io/library/lowercase:Uppercase', 'docker.io', 'library/lowercase', 'Uppercase', undefined],
    [`redis@${D}`, `docker.io/library/redis@${D}`, 'docker.io', 'library/redis', undefined, D],
    [`busybox:latest@${D}`, `docker.io/library/busybox:latest@${D}`, 'docker.io', 'library/busybox', 'latest', D],
    [`test:5000/repo:tag@${D}`, `test:5000/repo:tag@${D}`, 'test:5000', 'repo', 'tag', D],
    [`ghcr.io/org/app@${D512}`, `ghcr.io/org/app@${D512}`, 'ghcr.io', 'org/app', undefined, D512],
    [`docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a`, 'docker.io/library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a:latest', 'docker.io', 'library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'latest', undefined],
    ['thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', 'docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest', 'docker.io', 'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', 'latest', undefined],
  ])('%s → %s', (input, full, registry, repository, tag, digest) => {
    const reference = parseReference(input);
    expect(reference.toString()).toBe(full);
    expect(reference.registry).toBe(registry);
    expect(reference.repository).toBe(repository);
    expect(reference.tag).toBe(tag);
    expect(reference.digest).toBe(digest);
  });

  it.each([
    ['', 'at least one component'],
    ['https://github.com/docker/docker', 'invalid reference format'],
    ['docker/Docker', 'must be lowercase'],
    ['docker.io/docker/Docker', 'must be lowercase'],
    ['Uppercase:tag', 'must be lowercase'],
    ['test:5000/Uppercase/lowercase:tag', 'must be lowercase'],
    ['-docker', 'invalid reference format'],
    ['-docker/docker', 'invalid reference format'],
    ['-docker.io/docker/docker', 'invalid reference format'],
    ['docker///docker', 'invalid reference format'],
    ['docker.io/docker///docker', 'invalid reference format'],
    ['docker-/docker', 'invalid reference format'],
    ['____/____', 'invalid reference format'],
    ['dock..er/docker', 'invalid reference format'],
    ['dock_.er/docker', 'invalid reference format'],
    ['docker/', 'invalid reference format'],
    [':justtag', 'invalid reference format'],
    [`@${D}`, 'invalid reference format'],
    ['repo@sha256:ffffffffffffffffffffffffffffffffff', 'invalid checksum digest length'],
    [`validname@invaliddigest:${'f'.repeat(64)}`, 'unsupported digest algorithm'],
    [`repo@sha256:${'F'.repeat(64)}`, 'lowercase'],
    ['repo:-tag', 'invalid reference format'],
    [`repo:${'a'.repeat(129)}`, 'invalid reference format'],
    ['[2001:db8::1]', 'invalid reference format'],
    ['1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', '64-byte hexadecimal'],
    [`${'a/'.repeat(128)}a:tag`, 'not be more than 255 characters'],
    ['this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker', '255'],
  ])('refuses %j (%s)', (input, reason) => {
    const message = reasonOf(input);
    expect(message).toContain(reason);
    expect(message).toContain(JSON.stringify(input));
  });

  it('gives the Docker Hub endpoint and familiar names', () => {
    const nginx = parseReference('nginx');
    expect(nginx.endpoint).toBe('registry-1.docker.io');
    expect(nginx.familiarName()).toBe('nginx');
    expect(nginx.familiarString()).toBe('nginx:latest');
    expect(parseReference('docker.io/library/foo/bar').familiarName()).toBe('library/foo/bar');
    expect(parseReference('fooo/bar').familiarName()).toBe('fooo/bar');
    expect(parseReference('127.0.0.1:8000/private/moonbase').familiarName()).toBe('127.0.0.1:8000/private/moonbase');
    expect(parseReference(`busybox:latest@${D}`).familiarString()).toBe(`busybox:latest@${D}`);
    expect(parseReference('ghcr.io/a/b').endpoint).toBe('ghcr.io');
  });

  it('renders tag and digest forms and pins a tag to a digest', () => {
    const reference = parseReference('localhost:5000/app:v1');
    expect(reference.taggedString()).toBe('localhost:5000/app:v1');
    expect(reference.target).toBe('v1');
    const pinned = reference.withDigest(D);
    expect(pinned.toString()).toBe(`localhost:5000/app:v1@${D}`);
    expect(pinned.digestString()).toBe(`localhost:5000/app@${D}`);
    expect(pinned.target).toBe(D);
    expect(() => reference.digestString()).toThrow(TypeError);
    expect(() => reference.withDigest('sha256:abc')).toThrow(/invalid checksum digest format/);
    expect(new ImageReference('r.io', 'a', undefined, D).taggedString()).toBe('r.io/a:latest');
  });
});

describe('oci-layout references', () => {
  it.each([
    ['oci-layout:./dir', './dir', undefined, undefined],
    ['oci-layout:/tmp/x:v1', '/tmp/x', 'v1', undefined],
    [`oci-layout:dir@${D}`, 'dir', undefined, D],
    ['oci-layout:C:/x', 'C:/x', undefined, undefined],
    ['oci-layout:a:b/c', 'a:b/c', undefined, undefined],
  ])('%s', (input, path, tag, digest) => {
    const reference = parseLayoutReference(input);
    expect(reference.kind).toBe('oci-layout');
    expect([reference.path, reference.tag, reference.digest]).toEqual([path, tag, digest]);
    expect(parseAnyReference(input).kind).toBe('oci-layout');
  });

  it('renders and refuses', () => {
    expect(parseLayoutReference('oci-layout:/x:v1').toString()).toBe('oci-layout:/x:v1');
    expect(parseLayoutReference(`oci-layout:/x@${D}`).toString()).toBe(`oci-layout:/x@${D}`);
    expect(() => parseLayoutReference('oci-layout:/x@sha256:zz')).toThrow(/invalid checksum digest format/);
    expect(() => parseLayoutReference('oci-layout:/x:-bad')).toThrow(/does not match/);
    expect(() => parseLayoutReference('oci-layout:')).toThrow(/empty/);
    expect(parseAnyReference('nginx').kind).toBe('registry');
  });
});
