/**
 * The variables every notary-gate process understands (DESIGN.md "Two ways
 * to run"): the transport, the cache, logs, the ops port, registry access.
 * Apps merge these with their own (`mergeSchemas`).
 */
import { parseRegistryMirror } from '@notary-gate/oci';
import { env, type ConfigOf } from './schema';

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
  redisUrl: env.url('REDIS_URL', {
    doc: 'Redis for the shared cache. Unset: an in-memory cache per process. An outage degrades to no cache.',
    protocols: ['redis:', 'rediss:'],
    secret: true,
  }),
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
  cacheKeyPrefix: env.string('CACHE_KEY_PREFIX', { doc: 'Prefix of every Redis key (a namespace per deployment sharing one Redis).' }),
  revocationCheck: env.enum('REVOCATION_CHECK', {
    doc: "Certificate revocation checking during verification: `online` asks the certificates' OCSP responders, then their CRL distribution points (2 s per request, as Kyverno); `offline` makes every certificate that names such URLs fail as \"revocation status is unknown\".",
    values: REVOCATION_MODES,
    default: 'online',
  }),
};

export type CacheConfig = ConfigOf<typeof cacheVariables>;
