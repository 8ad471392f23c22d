/**
 * Pull-secret docker configs matched to images as the kubelet's keyring
 * matches them: scheme and API-version suffixes dropped, Docker Hub's names
 * one registry, ports exact, path prefixes by whole segment, `*` per label,
 * the most specific key first, the first Secret on a tie; malformed Secrets
 * named without their values.
 */
import { DockerConfigError, keyringOf, lookup } from './docker-keyring';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const json = (auths: Record<string, unknown>) => ({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) } });
const user = (name: string) => ({ auth: b64(`${name}:${name}-pw`) });

describe('docker keyring of pull secrets', () => {
  it('normalises keys: scheme, /v1/ suffix, Docker Hub aliases', () => {
    const keyring = keyringOf(json({ 'https://index.docker.io/v1/': user('hub'), 'http://registry.example:5000/v2/': user('local') }));
    expect(lookup([keyring], 'docker.io', 'library/nginx')).toEqual({ username: 'hub', password: 'hub-pw' });
    expect(lookup([keyring], 'index.docker.io', 'library/nginx')).toEqual({ username: 'hub', password: 'hub-pw' });
    expect(lookup([keyring], 'registry.example:5000', 'team/app')).toEqual({ username: 'local', password: 'local-pw' });
    // Ports are exact: the same host on another port, or without one, has no credential.
    expect(lookup([keyring], 'registry.example', 'team/app')).toBeUndefined();
    expect(lookup([keyring], 'registry.example:5001', 'team/app')).toBeUndefined();
  });

  it('path prefixes match whole segments, the most specific key wins, wildcards match one label', () => {
    const keyring = keyringOf(json({ 'registry.example': user('all'), 'registry.example/team': user('team'), '*.corp.example': user('wild') }));
    expect(lookup([keyring], 'registry.example', 'team/app')?.username).toBe('team');
    expect(lookup([keyring], 'registry.example', 'teams/app')?.username).toBe('all');
    expect(lookup([keyring], 'eu.corp.example', 'x')?.username).toBe('wild');
    expect(lookup([keyring], 'a.eu.corp.example', 'x')).toBeUndefined();
    expect(lookup([keyring], 'corp.example', 'x')).toBeUndefined();
  });

  it('on a tie the Secret listed first wins; a legacy dockercfg with username/password and tokens reads too', () => {
    const first = keyringOf({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify({ 'registry.example': { username: 'u', password: 'p', identitytoken: 'refresh' } })) } });
    const second = keyringOf(json({ 'registry.example': { registrytoken: 'bearer' } }));
    expect(lookup([first, second], 'registry.example', 'a')).toEqual({ username: 'u', password: 'p', identityToken: 'refresh' });
    expect(lookup([second, first], 'registry.example', 'a')).toEqual({ registryToken: 'bearer' });
  });

  it('refuses what is no docker config, naming the field and never the value', () => {
    const refusal = (secret: object) => {
      try {
        keyringOf(secret);
      } catch (error) {
        expect(error).toBeInstanceOf(DockerConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal({ type: 'Opaque', data: {} })).toBe('is of type "Opaque", not kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg');
    expect(refusal({ type: 'kubernetes.io/dockerconfigjson', data: {} })).toBe('has no .dockerconfigjson');
    expect(refusal({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{') } })).toBe('.dockerconfigjson is not JSON');
    expect(refusal({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{}') } })).toBe('.dockerconfigjson has no "auths" object');
    const badAuth = refusal(json({ 'registry.example': { auth: b64('secret-without-colon') } }));
    expect(badAuth).toBe('.dockerconfigjson: the "auth" of "registry.example" is not base64 of user:password');
    expect(badAuth).not.toContain('secret-without-colon');
  });
});
