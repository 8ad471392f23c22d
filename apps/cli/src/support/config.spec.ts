import { readCliEnvironment } from './config';

describe('readCliEnvironment', () => {
  it('uses $DOCKER_CONFIG/config.json when set, as docker does', () => {
    expect(readCliEnvironment({ DOCKER_CONFIG: '/etc/ci/docker', HOME: '/home/ci' })).toEqual({ dockerConfigPath: '/etc/ci/docker/config.json' });
  });

  it('falls back to ~/.docker/config.json', () => {
    expect(readCliEnvironment({ HOME: '/home/ci' })).toEqual({ dockerConfigPath: '/home/ci/.docker/config.json' });
    expect(readCliEnvironment({ DOCKER_CONFIG: '', HOME: '/home/ci' })).toEqual({ dockerConfigPath: '/home/ci/.docker/config.json' });
  });
});
