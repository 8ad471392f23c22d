/**
 * The variables every notary-gate process understands (DESIGN.md "Two ways
 * to run"): the transport, the cache, logs, the ops port, registry access.
 * Apps merge these with their own (`mergeSchemas`).
 */
import { parseRegistryMirror } from '@notary-gate/oci';
import { env, type ConfigOf } from './schema';

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;

const HOST_PORT = /^[^\s/:]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const REVOCATION_MODES = ['online', 'offline'] as const;

export const commonVariables = {
  natsUrl: env.url('NATS_URL', {
    doc: 'NATS server(s), comma-separated. Set: jobs travel over NATS (distributed mode). Unset: the embedded in-process transport.',
    protocols: ['nats:', 'tls:', 'ws:', 'wss:'],
  }),
  subjectPrefix: env.string('NATS_SUBJECT_PREFIX', {
    doc: 'Namespace prepended to every NATS subject (`<prefix>.notary.v1.verify`); the gateway and the workers must agree.',
    pattern: /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
  }),
  tierKeyFile: env.file('TIER_KEY_FILE', {
    doc: 'The tier key shared by the gateways and workers of one tier: one base64 key of at least 32 bytes per line (`head -c32 /dev/urandom | base64`); the first seals jobs, replies and cache values, all are accepted (rotation: add the new key second, roll out, move it first, roll out, remove the old one). Required with NATS_URL or REDIS_URL; the embedded mode with neither needs none.',
    secret: true,
  }),
  clusterName: env.string('CLUSTER_NAME', {
    doc: 'Name of the cluster a gateway admits for (lower-case DNS label characters): carried sealed in its jobs, and in logs and metrics. Gateways of several clusters sharing one tier give distinct names.',
    pattern: CLUSTER_NAME,
  }),
  natsTlsCaFile: env.file('NATS_TLS_CA_FILE', { doc: "PEM CA bundle the NATS server's certificate must chain to (TLS is then required; `tls://` URLs require it too)." }),
  natsTlsCertFile: env.file('NATS_TLS_CERT_FILE', { doc: 'PEM client certificate for NATS mutual TLS (with NATS_TLS_KEY_FILE).' }),
  natsTlsKeyFile: env.file('NATS_TLS_KEY_FILE', { doc: 'PEM private key of NATS_TLS_CERT_FILE.', secret: true }),
  natsUser: env.string('NATS_USER', { doc: 'NATS user name (with NATS_PASSWORD_FILE). `nats://user:password@host` and `nats://token@host` in NATS_URL work too.' }),
  natsPasswordFile: env.file('NATS_PASSWORD_FILE', { doc: 'File holding the password of NATS_USER.', secret: true }),
  natsTokenFile: env.file('NATS_TOKEN_FILE', { doc: 'File holding a NATS authentication token.', secret: true }),
  natsNkeySeedFile: env.file('NATS_NKEY_SEED_FILE', { doc: 'File holding a NATS NKey user seed (`SU…`).', secret: true }),
  natsCredsFile: env.file('NATS_CREDS_FILE', { doc: 'NATS `.creds` file (user JWT and NKey seed, as `nsc` writes it).', secret: true }),
  natsPingIntervalMs: env.duration('NATS_PING_INTERVAL', {
    doc: 'How often the NATS client pings the server; two unanswered pings drop the connection (a frozen server is noticed within about three intervals).',
    default: 2_000,
    min: 100,
  }),
  jobProgressTimeoutMs: env.duration('JOB_PROGRESS_TIMEOUT', {
    doc: 'Gateway: a worker holding a job says so every 500 ms; after this long without a word the replica is taken for dead (or frozen, or NATS is) and the job is sent once more, to another replica — so a lost replica costs an admission this much, not the whole deadline.',
    default: 2_000,
    min: 600,
  }),
  redisUrl: env.url('REDIS_URL', {
    doc: 'Redis for the shared cache. Unset: an in-memory cache per process. An outage degrades to no cache.',
    protocols: ['redis:', 'rediss:'],
    secret: true,
  }),
  redisTlsCaFile: env.file('REDIS_TLS_CA_FILE', { doc: "PEM CA bundle the Redis server's certificate must chain to (TLS is then used; `rediss://` URLs use TLS with the system CAs otherwise)." }),
  redisTlsCertFile: env.file('REDIS_TLS_CERT_FILE', { doc: 'PEM client certificate for Redis TLS (with REDIS_TLS_KEY_FILE).' }),
  redisTlsKeyFile: env.file('REDIS_TLS_KEY_FILE', { doc: 'PEM private key of REDIS_TLS_CERT_FILE.', secret: true }),
  redisUsername: env.string('REDIS_USERNAME', { doc: 'Redis ACL user (with REDIS_PASSWORD_FILE); `redis://user:password@host` in REDIS_URL works too.' }),
  redisPasswordFile: env.file('REDIS_PASSWORD_FILE', { doc: 'File holding the Redis password (of REDIS_USERNAME, or of the default user).', secret: true }),
  redisSentinels: env.list('REDIS_SENTINELS', {
    doc: 'Redis Sentinel: the sentinels (`host:port`, comma-separated), with REDIS_SENTINEL_NAME; REDIS_URL then only gives the scheme, credentials and database.',
    default: [],
    item: (value) => (HOST_PORT.test(value) ? undefined : 'is not host[:port]'),
  }),
  redisSentinelName: env.string('REDIS_SENTINEL_NAME', { doc: 'Name of the master the sentinels monitor (REDIS_SENTINELS).' }),
  redisCluster: env.bool('REDIS_CLUSTER', { doc: 'Redis Cluster: REDIS_URL lists seed nodes, comma-separated.', default: false }),
  logLevel: env.enum('LOG_LEVEL', { doc: 'Lowest level written to the JSON logs on stdout.', values: LOG_LEVELS, default: 'info' }),
  opsPort: env.int('OPS_PORT', {
    doc: 'HTTP port serving /healthz, /readyz and /metrics (plain HTTP, for probes and Prometheus). 0 picks a free port.',
    default: 9090,
    min: 0,
    max: 65535,
  }),
  opsHost: env.string('OPS_HOST', { doc: 'Address the ops port binds to.', default: '0.0.0.0' }),
  insecureRegistries: env.list('INSECURE_REGISTRIES', {
    doc: 'Registries (`host[:port]`) reached over plain HTTP; every other registry is HTTPS only.',
    default: [],
    item: (value) => (HOST_PORT.test(value) ? undefined : 'is not host[:port]'),
  }),
  dockerConfig: env.directory('DOCKER_CONFIG', {
    doc: "Directory holding the registry credentials' `config.json` (docker's variable); default `~/.docker`.",
    mustExist: false,
  }),
  dockerConfigFile: env.file('DOCKER_CONFIG_FILE', {
    doc: 'Registry credentials file (docker `config.json` format); overrides DOCKER_CONFIG. Flag `--docker-config`.',
  }),
  registryMirrors: env.list('REGISTRY_MIRRORS', {
    doc: 'Registry mirrors, comma-separated `SOURCE=TARGET`: a registry host or repository prefix served from an OCI layout directory per repository (`ghcr.io=oci-layout:/bundle` reads `/bundle/<repository>`) or from another registry (`ghcr.io=mirror.internal:5000/ghcr`), for air-gapped clusters. A miss in a mirror is a miss (no fallback). Flag `--registry-mirror`.',
    default: [],
    item: (value) => {
      try {
        parseRegistryMirror(value);
        return undefined;
      } catch (error) {
        return (error as Error).message.replace(/^invalid registry mirror "[^"]*": /, 'is not a mirror: ');
      }
    },
  }),
  registryTimeoutMs: env.duration('REGISTRY_TIMEOUT', { doc: 'Idle timeout of registry HTTP requests.', default: 30_000, min: 1 }),
};

export type CommonConfig = ConfigOf<typeof commonVariables>;

/** The cache lifetimes of DESIGN.md "Caching" (workers and the embedded mode). */
export const cacheVariables = {
  tagTtlMs: env.duration('CACHE_TAG_TTL', { doc: 'How long a tag → digest resolution is reused (tags move).', default: 60_000, min: 0 }),
  referrersTtlMs: env.duration('CACHE_REFERRERS_TTL', { doc: 'How long a referrer list is reused (signatures get added).', default: 60_000, min: 0 }),
  contentTtlMs: env.duration('CACHE_CONTENT_TTL', {
    doc: 'How long manifests, envelopes and payloads (content-addressed, immutable) are kept.',
    default: 24 * 3_600_000,
    min: 0,
  }),
  verdictTtlMs: env.duration('CACHE_VERDICT_TTL', {
    doc: 'Longest a positive signature verdict is reused; never past the certificate or signature expiry.',
    default: 3_600_000,
    min: 0,
  }),
  memoryCacheBytes: env.int('CACHE_MEMORY_BYTES', { doc: 'Size bound of the in-memory cache (no REDIS_URL).', default: 64 * 1024 * 1024, min: 0 }),
  redisCommandTimeoutMs: env.duration('REDIS_COMMAND_TIMEOUT', {
    doc: 'How long a Redis command may take before the cache counts Redis as unavailable for it: the lookup misses, and a fill goes ahead without the fill lock (the tier keeps verifying; replicas may then fetch the same content twice).',
    default: 500,
    min: 1,
  }),
  cacheKeyPrefix: env.string('CACHE_KEY_PREFIX', { doc: 'Prefix of every Redis key (a namespace per deployment sharing one Redis).' }),
  revocationCheck: env.enum('REVOCATION_CHECK', {
    doc: "Certificate revocation checking during verification: `online` asks the certificates' OCSP responders, then their CRL distribution points (2 s per request, as Kyverno); `offline` makes every certificate that names such URLs fail as \"revocation status is unknown\".",
    values: REVOCATION_MODES,
    default: 'online',
  }),
};

export type CacheConfig = ConfigOf<typeof cacheVariables>;
