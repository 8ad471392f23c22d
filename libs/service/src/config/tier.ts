/**
 * From the validated configuration to the tier's security objects: the tier
 * key ring, the NATS TLS/authentication files and the messaging options of a
 * NATS client. A process that uses a shared NATS or Redis refuses to start
 * without a tier key (DESIGN.md "Trust model": the bus and the cache are
 * untrusted); the embedded mode with neither needs none.
 */
import { readFileSync } from 'node:fs';
import { TierKeys } from '@notary-gate/contracts';
import type { MessagingModuleOptions, NatsSecurity } from '@notary-gate/messaging';
import type { CommonConfig } from './common';
import { ConfigError } from './schema';

type TierConfig = Pick<CommonConfig, 'tierKeyFile' | 'natsUrl' | 'redisUrl'>;

/** The tier keys of TIER_KEY_FILE, or undefined when unset. The file was checked by the schema. */
export function tierKeysOf(config: Pick<CommonConfig, 'tierKeyFile'>): TierKeys | undefined {
  return config.tierKeyFile === undefined ? undefined : TierKeys.parse(readFileSync(config.tierKeyFile, 'utf8'), config.tierKeyFile);
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
export function natsSecurityOf(config: CommonConfig): NatsSecurity {
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
  return {
    natsUrl: config.natsUrl,
    ...(config.subjectPrefix !== undefined ? { subjectPrefix: config.subjectPrefix } : {}),
    connectionName: config.clusterName ? `${connectionName}/${config.clusterName}` : connectionName,
    tierKeys: tierKeysOf(config)!,
    security: natsSecurityOf(config),
    pingIntervalMs: config.natsPingIntervalMs,
    ...(config.clusterName !== undefined ? { cluster: config.clusterName } : {}),
  };
}
