import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OciLayoutRepository } from './layout';
import { findMirror, mirroredLocation, parseRegistryMirror, parseRegistryMirrors } from './mirror';
import { openRepository } from './open-repository';
import { parseReference } from './reference';
import { RegistryClient } from './registry-client';
import { RegistryRepository } from './registry-repository';
import { MediaTypes } from './types';

describe('parseRegistryMirror', () => {
  it('reads a registry → OCI layout mirror and a registry → registry mirror with prefixes', () => {
    expect(parseRegistryMirror('ghcr.io=oci-layout:/bundle')).toEqual({
      registry: 'ghcr.io',
      prefix: '',
      target: { kind: 'oci-layout', directory: '/bundle' },
      spec: 'ghcr.io=oci-layout:/bundle',
    });
    expect(parseRegistryMirror('index.docker.io/library=mirror.internal:5000/hub')).toMatchObject({
      registry: 'docker.io',
      prefix: 'library',
      target: { kind: 'registry', registry: 'mirror.internal:5000', prefix: 'hub' },
    });
  });

  it.each([
    ['ghcr.io', 'expected SOURCE=TARGET'],
    ['=oci-layout:/x', 'expected SOURCE=TARGET'],
    ['ghcr.io=', 'expected SOURCE=TARGET'],
    ['ghcr.io=oci-layout:', 'the OCI layout directory is empty'],
    ['ghcr.io/Kyverno=oci-layout:/x', 'source path "Kyverno" is not a repository path'],
    ['ghcr io=oci-layout:/x', 'source "ghcr io" is not a registry host[:port]'],
    ['ghcr.io=http://mirror', 'target "http:" is not a registry host[:port]'],
  ])('refuses %j: %s', (spec, reason) => {
    expect(() => parseRegistryMirror(spec)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_REFERENCE', message: expect.stringContaining(reason) }));
  });

  it('refuses two mirrors for one source', () => {
    expect(() => parseRegistryMirrors(['ghcr.io=oci-layout:/a', 'ghcr.io=oci-layout:/b'])).toThrow('another mirror already serves ghcr.io');
  });
});

describe('findMirror and mirroredLocation', () => {
  const mirrors = parseRegistryMirrors(['ghcr.io=oci-layout:/bundle', 'ghcr.io/kyverno=mirror:5000/k', 'docker.io=oci-layout:/hub']);

  it('picks the longest source on whole path components, and keeps tag and digest', () => {
    const kyverno = parseReference('ghcr.io/kyverno/app:1');
    expect(mirroredLocation(findMirror(mirrors, kyverno)!, kyverno)).toEqual({ kind: 'registry', reference: parseReference('mirror:5000/k/app:1') });
    const other = parseReference('ghcr.io/kyvernox/app@sha256:' + 'a'.repeat(64));
    expect(mirroredLocation(findMirror(mirrors, other)!, other)).toEqual({ kind: 'oci-layout', directory: join('/bundle', 'kyvernox', 'app') });
    const hub = parseReference('nginx');
    expect(mirroredLocation(findMirror(mirrors, hub)!, hub)).toEqual({ kind: 'oci-layout', directory: join('/hub', 'library', 'nginx') });
    expect(findMirror(mirrors, parseReference('quay.io/a/b'))).toBeUndefined();
  });

  it('finds the mirror under every spelling of the source registry (case, :443, Docker Hub names)', () => {
    for (const spelling of ['GHCR.IO/kyvernox/app:1', 'ghcr.io:443/kyvernox/app:1', 'Ghcr.Io:443/kyvernox/app:1']) {
      const reference = parseReference(spelling);
      expect({ spelling, location: mirroredLocation(findMirror(mirrors, reference)!, reference) }).toEqual({ spelling, location: { kind: 'oci-layout', directory: join('/bundle', 'kyvernox', 'app') } });
    }
    const upperSource = parseRegistryMirrors(['GHCR.IO:443=oci-layout:/b'])[0]!;
    expect(upperSource.registry).toBe('ghcr.io');
    for (const spelling of ['index.docker.io/library/nginx', 'registry-1.docker.io/library/nginx', 'INDEX.DOCKER.IO/library/nginx']) {
      const reference = parseReference(spelling);
      expect({ spelling, found: findMirror(mirrors, reference)?.spec }).toEqual({ spelling, found: 'docker.io=oci-layout:/hub' });
    }
    expect(findMirror(mirrors, parseReference('ghcr.io:5000/kyverno/app'))).toBeUndefined();
  });

  it('refuses a registry mirror that would leave no repository', () => {
    const [mirror] = parseRegistryMirrors(['ghcr.io/team/app=mirror:5000']);
    expect(() => mirroredLocation(mirror!, parseReference('ghcr.io/team/app:1'))).toThrow('maps to no repository on mirror:5000');
  });
});

describe('openRepository through a mirror', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'mirror-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('serves a registry reference from the OCI layout of its repository, with the name it was asked by', async () => {
    const layout = new OciLayoutRepository(join(directory, 'kyverno', 'app'));
    const config = await layout.pushBlob(Buffer.from('{}'), 'application/vnd.oci.image.config.v1+json');
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config, layers: [] }));
    const pushed = await layout.pushManifest(manifest, MediaTypes.ociManifest, 'v1');

    const client = new RegistryClient({ mirrors: [`ghcr.io=oci-layout:${directory}`] });
    try {
      const opened = openRepository('ghcr.io/kyverno/app:v1', client);
      expect(opened.repository).toBeInstanceOf(OciLayoutRepository);
      expect(opened.reference.toString()).toBe('ghcr.io/kyverno/app:v1');
      expect(await opened.repository.resolve(opened.reference.target)).toEqual(pushed);
      // A miss in the mirror is a miss: never a trip to ghcr.io.
      await expect(openRepository('ghcr.io/kyverno/other:v1', client).repository.resolve('v1')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
      // Other registries are untouched.
      expect(openRepository('quay.io/kyverno/app:v1', client).repository).toBeInstanceOf(RegistryRepository);
    } finally {
      await client.close();
    }
  });

  it('takes mirrors from client options too, and rewrites registry → registry', async () => {
    const opened = openRepository('ghcr.io/kyverno/app:v1', { mirrors: ['ghcr.io=localhost:5999/ghcr'], insecureRegistries: ['localhost:5999'] });
    expect(opened.repository.name).toBe('localhost:5999/ghcr/kyverno/app');
    expect(opened.reference.toString()).toBe('ghcr.io/kyverno/app:v1');
    await opened.close();
    expect(() => new RegistryClient({ mirrors: ['nonsense'] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_REFERENCE' }));
  });
});
