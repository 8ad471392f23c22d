import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseChallenges, selectChallenge } from './challenge';
import { DockerCredentials, defaultDockerConfigPath, loadDockerConfig } from './docker-config';

describe('WWW-Authenticate parsing', () => {
  it('reads a docker bearer challenge', () => {
    const [challenge] = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"');
    expect(challenge).toEqual({
      scheme: 'bearer',
      parameters: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
    });
  });

  it('reads several challenges, unquoted values and escapes, and prefers Bearer', () => {
    const challenges = parseChallenges('Basic realm="a \\"quoted\\" realm", Bearer realm=https://t.example/token, service=svc');
    expect(challenges).toEqual([
      { scheme: 'basic', parameters: { realm: 'a "quoted" realm' } },
      { scheme: 'bearer', parameters: { realm: 'https://t.example/token', service: 'svc' } },
    ]);
    expect(selectChallenge(challenges)?.scheme).toBe('bearer');
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('Basic')).toEqual([{ scheme: 'basic', parameters: {} }]);
  });
});

describe('docker config credentials', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'ng-docker-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('reads auth, username/password and identity tokens, normalising keys', async () => {
    const path = join(directory, 'config.json');
    writeFileSync(
      path,
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:pa:ss').toString('base64') },
          'ghcr.io': { username: 'octo', password: 'tok' },
          'https://registry.example:5000/v2/': { identitytoken: 'refresh' },
          'helper.example': {},
        },
        credsStore: 'desktop',
      }),
    );
    const credentials = await loadDockerConfig(path);
    expect(credentials.get('docker.io')).toEqual({ username: 'hub', password: 'pa:ss' });
    expect(credentials.get('registry-1.docker.io')).toEqual({ username: 'hub', password: 'pa:ss' });
    expect(credentials.get('GHCR.io')).toEqual({ username: 'octo', password: 'tok' });
    expect(credentials.lookup('registry.example:5000')).toEqual({ identityToken: 'refresh' });
    expect(credentials.get('helper.example')).toBeUndefined();
    expect(credentials.registries.sort()).toEqual(['docker.io', 'ghcr.io', 'registry.example:5000']);
  });

  it('treats a missing file as no credentials and a malformed one as ERR_CONFIG_INVALID without echoing it', async () => {
    expect((await loadDockerConfig(join(directory, 'absent.json'))).registries).toEqual([]);
    const path = join(directory, 'bad.json');
    writeFileSync(path, '{"auths": {"r.io": {"auth": "c2VjcmV0"}}}'); // "secret", no colon
    await expect(loadDockerConfig(path)).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    await expect(loadDockerConfig(path)).rejects.not.toThrow(/secret/);
    expect(() => DockerCredentials.fromJson('not json')).toThrow(/not valid JSON/);
  });

  it('finds the default path from the given environment', () => {
    expect(defaultDockerConfigPath({ DOCKER_CONFIG: '/etc/docker-cfg' })).toBe('/etc/docker-cfg/config.json');
    expect(defaultDockerConfigPath({ HOME: '/home/u' })).toBe('/home/u/.docker/config.json');
    expect(defaultDockerConfigPath({}, '/root')).toBe('/root/.docker/config.json');
  });
});
