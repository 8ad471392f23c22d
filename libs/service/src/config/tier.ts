/**
 * From the validated configuration to the tier's security objects: the tier
 * key ring, the NATS TLS/authentication files and the messaging options of a
 * NATS client. A process that uses a shared NATS or Redis refuses to start
 * without a tier key (DESIGN.md "Trust model": the bus and the cache are
 * untrusted); the embedded mode with neither needs none.
 */
import { readFileSync } from 'node:fs';
import { TierKeyError, TierKeys } from '@notary-gate/contracts';
import { natsConnectOptions, NatsSecurityError, type MessagingModuleOptions, type NatsSecurity } from '@notary-gate/messaging';
import type { CommonConfig } from './common';
import { ConfigError } from './schema';

type TierConfig = Pick<CommonConfig, 'tierKeyFile' | 'natsUrl' | 'redisUrl'>;

/** The tier keys of TIER_KEY_FILE, or undefined when unset; a file that holds no valid key is a ConfigError naming TIER_KEY_FILE (never the key). */
export function tierKeysOf(config: Pick<CommonConfig, 'tierKeyFile'>): TierKeys | undefined {
  if (config.tierKeyFile === undefined) return undefined;
  try {
    return TierKeys.parse(readFileSync(config.tierKeyFile, 'utf8'), config.tierKeyFile);
  } catch (error) {
    const message = error instanceof TierKeyError ? error.message : `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    throw new ConfigError([{ variable: 'TIER_KEY_FILE', message }]);
  }
}

/** The problem of a configuration that shares NATS or Redis without a tier key, or undefined. */
export function tierKeyProblem(config: TierConfig): { variable: string; message: string } | undefined {
  if (config.tierKeyFile !== undefined) return undefined;
  const shared = [config.natsUrl !== undefined ? 'NATS_URL' : undefined, config.redisUrl !== undefined ? 'REDIS_URL' : undefined].filter((name) => name !== undefined);
  if (shared.length === 0) return undefined;
  return {
    variable: 'TIER_KEY_FILE',
    message: `is required with ${shared.join(' and ')}: jobs, replies and cache values are sealed with the tier key, so that nobody with access to NATS or Redis alone can read a job or forge a verdict (generate one: head -c32 /dev/urandom | base64 > tier.key)`,
  };
}

/** The tier keys, required when NATS or Redis is configured: throws ConfigError naming TIER_KEY_FILE. */
export function requireTierKeys(config: TierConfig): TierKeys | undefined {
  const problem = tierKeyProblem(config);
  if (problem) throw new ConfigError([problem]);
  return tierKeysOf(config);
}

/** The NATS TLS and authentication files of the configuration. */
export function natsSecurityOf(
  config: Pick<CommonConfig, 'natsTlsCaFile' | 'natsTlsCertFile' | 'natsTlsKeyFile' | 'natsUser' | 'natsPasswordFile' | 'natsTokenFile' | 'natsNkeySeedFile' | 'natsCredsFile'>,
): NatsSecurity {
  const security: NatsSecurity = {};
  const set = <K extends keyof NatsSecurity>(key: K, value: NatsSecurity[K] | undefined): void => {
    if (value !== undefined) security[key] = value;
  };
  set('tlsCaFile', config.natsTlsCaFile);
  set('tlsCertFile', config.natsTlsCertFile);
  set('tlsKeyFile', config.natsTlsKeyFile);
  set('user', config.natsUser);
  set('passwordFile', config.natsPasswordFile);
  set('tokenFile', config.natsTokenFile);
  set('nkeySeedFile', config.natsNkeySeedFile);
  set('credsFile', config.natsCredsFile);
  return security;
}

/**
 * `MessagingModule.forRoot` options of a NATS client (the gateway): URL,
 * prefix, tier key, TLS/auth, ping interval, cluster name. Throws ConfigError
 * when NATS_URL or TIER_KEY_FILE is missing.
 */
export function natsClientOptions(config: CommonConfig, connectionName: string): MessagingModuleOptions {
  const problems = [
    ...(config.natsUrl === undefined ? [{ variable: 'NATS_URL', message: 'is required: the gateway sends its jobs to the workers over NATS' }] : []),
    ...[tierKeyProblem(config)].filter((problem) => problem !== undefined),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const security = checkedNatsSecurity(config);
  return {
    natsUrl: config.natsUrl,
    ...(config.subjectPrefix !== undefined ? { subjectPrefix: config.subjectPrefix } : {}),
    connectionName: config.clusterName ? `${connectionName}/${config.clusterName}` : connectionName,
    tierKeys: tierKeysOf(config)!,
    security,
    pingIntervalMs: config.natsPingIntervalMs,
    progressTimeoutMs: config.jobProgressTimeoutMs,
    // Replies come back under `_INBOX_<cluster>.>`: NATS permissions can then keep a cluster's gateway from reading another's (deploy/tier).
    ...(config.clusterName !== undefined ? { cluster: config.clusterName, inboxPrefix: `_INBOX_${config.clusterName}` } : {}),
  };
}

/** The RedisCacheStore connection options (TLS, ACL user, Sentinel, Cluster) of the configuration; files are read here. */
export function redisConnectionOf(
  config: Pick<CommonConfig, 'redisTlsCaFile' | 'redisTlsCertFile' | 'redisTlsKeyFile' | 'redisUsername' | 'redisPasswordFile' | 'redisSentinels' | 'redisSentinelName' | 'redisCluster'>,
): {
  tls?: { ca?: string; cert?: string; key?: string };
  username?: string;
  password?: string;
  sentinels?: { hosts: string[]; name: string };
  cluster?: boolean;
} {
  const read = (path: string | undefined, setting: string): string | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new ConfigError([{ variable: setting, message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
    }
  };
  const problems = [
    ...((config.redisTlsCertFile === undefined) !== (config.redisTlsKeyFile === undefined) ? [{ variable: 'REDIS_TLS_KEY_FILE', message: 'REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE are given together' }] : []),
    ...(config.redisSentinels.length > 0 && config.redisSentinelName === undefined ? [{ variable: 'REDIS_SENTINEL_NAME', message: 'is required with REDIS_SENTINELS' }] : []),
    ...(config.redisSentinels.length > 0 && config.redisCluster ? [{ variable: 'REDIS_CLUSTER', message: 'Sentinel and Cluster exclude each other' }] : []),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const tls = config.redisTlsCaFile !== undefined || config.redisTlsCertFile !== undefined
    ? {
        ...(config.redisTlsCaFile !== undefined ? { ca: read(config.redisTlsCaFile, 'REDIS_TLS_CA_FILE')! } : {}),
        ...(config.redisTlsCertFile !== undefined ? { cert: read(config.redisTlsCertFile, 'REDIS_TLS_CERT_FILE')! } : {}),
        ...(config.redisTlsKeyFile !== undefined ? { key: read(config.redisTlsKeyFile, 'REDIS_TLS_KEY_FILE')! } : {}),
      }
    : undefined;
  return {
    ...(tls ? { tls } : {}),
    ...(config.redisUsername !== undefined ? { username: config.redisUsername } : {}),
    ...(config.redisPasswordFile !== undefined ? { password: read(config.redisPasswordFile, 'REDIS_PASSWORD_FILE')! } : {}),
    ...(config.redisSentinels.length > 0 ? { sentinels: { hosts: config.redisSentinels, name: config.redisSentinelName! } } : {}),
    ...(config.redisCluster ? { cluster: true } : {}),
  };
}

/** The NATS security files, read once to check them: an unusable one is a ConfigError (naming the setting, never the secret). */
export function checkedNatsSecurity(config: Parameters<typeof natsSecurityOf>[0] & Pick<CommonConfig, 'natsUrl'>): NatsSecurity {
  const security = natsSecurityOf(config);
  try {
    natsConnectOptions(config.natsUrl ?? 'nats://127.0.0.1:4222', security);
  } catch (error) {
    if (error instanceof NatsSecurityError) throw new ConfigError([{ variable: /^[A-Z_]+/.exec(error.message)?.[0] ?? 'NATS_URL', message: error.message }]);
    throw error;
  }
  return security;
}
