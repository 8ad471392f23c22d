import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonVariables, cacheVariables } from './common';
import { renderConfigTable } from './docs';
import { ConfigError, env, loadConfig, mergeSchemas } from './schema';

const problemsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('applies defaults and parses every kind into a typed object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ng-config-'));
    const file = join(dir, 'cert.pem');
    writeFileSync(file, 'x');
    const schema = {
      name: env.string('NAME', { doc: 'a name', default: 'gate' }),
      port: env.int('PORT', { doc: 'a port', default: 9443, min: 1, max: 65535 }),
      debug: env.bool('DEBUG', { doc: 'debug', default: false }),
      url: env.url('SOME_URL', { doc: 'a url', protocols: ['nats:'] }),
      hosts: env.list('HOSTS', { doc: 'hosts', default: [] }),
      mode: env.enum('MODE', { doc: 'mode', values: ['a', 'b'] as const, default: 'a' }),
      wait: env.duration('WAIT', { doc: 'wait', default: 1000 }),
      cert: env.file('CERT', { doc: 'cert' }),
      dir: env.directory('DIR', { doc: 'dir', required: true }),
    };
    const config = loadConfig(schema, {
      PORT: '8443',
      DEBUG: 'yes',
      SOME_URL: 'nats://a:4222,nats://b:4222',
      HOSTS: 'a:5000, b ,,',
      MODE: 'b',
      WAIT: '1m30s',
      CERT: file,
      DIR: dir,
    });
    expect(config).toEqual({
      name: 'gate',
      port: 8443,
      debug: true,
      url: 'nats://a:4222,nats://b:4222',
      hosts: ['a:5000', 'b'],
      mode: 'b',
      wait: 90_000,
      cert: file,
      dir,
    });
    // Typed: `mode` is 'a' | 'b', `url` may be undefined.
    const mode: 'a' | 'b' = config.mode;
    const url: string | undefined = config.url;
    expect([mode, url]).toBeDefined();
  });

  it('lists every bad key at once, in declaration order', () => {
    const schema = mergeSchemas(commonVariables, {
      policyDir: env.directory('POLICY_DIR', { doc: 'policies', required: true }),
    });
    const problems = problemsOf(() =>
      loadConfig(schema, {
        NATS_URL: 'http://nats:4222',
        REDIS_URL: 'redis://:hunter2@redis:6379',
        LOG_LEVEL: 'loud',
        OPS_PORT: '70000',
        INSECURE_REGISTRIES: 'ok:5000,bad/path',
        REGISTRY_TIMEOUT: 'soon',
      }),
    );
    expect(problems.map((problem) => problem.variable)).toEqual([
      'NATS_URL',
      'LOG_LEVEL',
      'OPS_PORT',
      'INSECURE_REGISTRIES',
      'REGISTRY_TIMEOUT',
      'POLICY_DIR',
    ]);
    expect(problems[0]!.message).toBe('must be a nats: or tls: or ws: or wss: URL, got "http://nats:4222"');
    expect(problems[1]!.message).toBe('must be one of fatal, error, warn, info, debug, verbose, got "loud"');
    expect(problems[2]!.message).toBe('must be ≤ 65535, got 70000');
    expect(problems[3]!.message).toBe('"bad/path" is not host[:port]');
    expect(problems[5]!.message).toMatch(/^is required/);
  });

  it('says all of it in one message and never echoes a secret value', () => {
    const schema = { token: env.string('API_TOKEN', { doc: 'token', secret: true, pattern: /^[a-z]+$/ }), port: env.int('PORT', { doc: 'port' }) };
    let caught: ConfigError | undefined;
    try {
      loadConfig(schema, { API_TOKEN: 'S3CRET!', PORT: 'x' });
    } catch (error) {
      caught = error as ConfigError;
    }
    expect(caught?.code).toBe('ERR_CONFIG_INVALID');
    expect(caught?.message).toBe('invalid configuration (2 problems):\n  API_TOKEN: must match /^[a-z]+$/, got "[REDACTED]"\n  PORT: must be an integer, got "x"');
    expect(caught?.message).not.toContain('S3CRET');
  });

  it('treats empty values as unset and checks files exist', () => {
    expect(loadConfig(commonVariables, { NATS_URL: '', LOG_LEVEL: ' ' }).logLevel).toBe('info');
    const problems = problemsOf(() => loadConfig({ file: env.file('TLS_CERT_FILE', { doc: 'cert' }) }, { TLS_CERT_FILE: '/nonexistent/cert.pem' }));
    expect(problems).toEqual([{ variable: 'TLS_CERT_FILE', message: 'file "/nonexistent/cert.pem" does not exist' }]);
  });

  it('rejects misuse of the schema helpers with TypeError', () => {
    expect(() => env.int('lower', { doc: 'x' })).toThrow(TypeError);
    expect(() => env.int('OK', { doc: '' })).toThrow(TypeError);
    expect(() => mergeSchemas(commonVariables, { other: env.string('NATS_URL', { doc: 'dup' }) })).toThrow('NATS_URL is declared twice');
  });
});

describe('renderConfigTable', () => {
  it('documents every variable with its type and default, once', () => {
    const table = renderConfigTable([
      { title: 'Common', schema: commonVariables },
      { title: 'Cache', schema: cacheVariables },
      { title: 'Again', schema: { natsUrl: commonVariables.natsUrl } },
    ]);
    expect(table).toContain('### Common\n\n| Variable | Type | Default | Description |\n|---|---|---|---|\n');
    expect(table).toContain('| `OPS_PORT` | int (0–65535) | `9090` | HTTP port serving /healthz, /readyz and /metrics');
    expect(table).toContain('| `LOG_LEVEL` | enum (fatal \\| error \\| warn \\| info \\| debug \\| verbose) | `info` |');
    expect(table).toContain('| `CACHE_TAG_TTL` | duration | `1m` |');
    expect(table).not.toContain('### Again');
    for (const variable of [...Object.values(commonVariables), ...Object.values(cacheVariables)]) expect(table).toContain(`\`${variable.name}\``);
  });
});
