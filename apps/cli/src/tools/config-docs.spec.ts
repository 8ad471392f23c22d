import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationReference, withConfigurationReference } from './config-docs';

describe('README configuration reference', () => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');

  it('documents every environment variable the services read, as the code declares them (run `npm run docs:config` after a change)', () => {
    expect(withConfigurationReference(readme)).toBe(readme);
  });

  it('covers the variables of every role', () => {
    const reference = configurationReference();
    for (const name of ['NATS_URL', 'REDIS_URL', 'POLICY_DIR', 'CONFIGMAP_DIR', 'PORT', 'TLS_CERT_FILE', 'TLS_KEY_FILE', 'INSECURE_REGISTRIES', 'DOCKER_CONFIG', 'NOTARY_GATE_ROLE', 'WORKER_DRAIN_TIMEOUT']) {
      expect(reference).toContain(`| \`${name}\` |`);
    }
  });
});
