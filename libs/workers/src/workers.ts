/** The three worker functions over one registry access, and a jobs port that calls them in-process. */
import type { DiscoverReply, DiscoverRequest, EvaluateReply, EvaluateRequest, JobsPort, TierKeys, VerifyReply, VerifyRequest } from '@notary-gate/contracts';
import type { CacheStore } from '@notary-gate/cache';
import { createOnlineRevocationChecker } from '@notary-gate/notary';
import type { RegistryClient, RegistryClientOptions } from '@notary-gate/oci';
import type { CacheLifetimes } from './caching-repository';
import { discoverJob } from './discover';
import { evaluateJob } from './evaluate';
import { RegistryAccess } from './registry-access';
import { createRevocationHttp } from './revocation-http';
import { verifyJob } from './verify';

export interface Workers {
  discover(request: DiscoverRequest): Promise<DiscoverReply>;
  verify(request: VerifyRequest): Promise<VerifyReply>;
  evaluate(request: EvaluateRequest): Promise<EvaluateReply>;
  /** The same functions as a JobsPort (embedded mode, CLI). */
  port(): JobsPort;
  close(): Promise<void>;
}

export interface WorkerOptions {
  registry?: RegistryClient | RegistryClientOptions;
  /** Shared cache (Redis or memory); without one every job goes to the registry. */
  cache?: CacheStore;
  lifetimes?: Partial<CacheLifetimes>;
  /** Longest a positive signature verdict is reused. */
  verdictTtlMs?: number;
  now?: () => Date;
  /**
   * Certificate revocation checking (default `online`, as Kyverno): OCSP,
   * then CRL, each request limited to `revocationTimeoutMs` (default 2 s).
   * `offline` makes a certificate carrying OCSP/CRL URLs fail the strict level.
   */
  revocation?: 'online' | 'offline';
  revocationTimeoutMs?: number;
  /** The tier key: names credential identities in cache keys by a keyed hash. */
  tierKeys?: TierKeys;
}

export function createWorkers(options: WorkerOptions = {}): Workers {
  const access = new RegistryAccess(options.registry ?? {}, {
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.lifetimes ? { lifetimes: options.lifetimes } : {}),
    ...(options.tierKeys ? { tierKeys: options.tierKeys } : {}),
  });
  const clock = options.now ? { now: options.now } : {};
  const discover = discoverJob(access);
  const revocationHttp = (options.revocation ?? 'online') === 'online' ? createRevocationHttp() : undefined;
  const revocation = revocationHttp
    ? {
        mode: 'online' as const,
        checker: createOnlineRevocationChecker({
          http: revocationHttp,
          ...(options.revocationTimeoutMs !== undefined ? { timeoutMs: options.revocationTimeoutMs } : {}),
          ...(options.now ? { now: options.now } : {}),
        }),
      }
    : { mode: 'offline' as const };
  const verify = verifyJob(access, { ...clock, revocation, ...(options.verdictTtlMs !== undefined ? { verdictTtlMs: options.verdictTtlMs } : {}) });
  const evaluate = evaluateJob(access, clock);
  return {
    discover,
    verify,
    evaluate,
    port: () => ({ discover: (request) => discover(request), verify: (request) => verify(request), evaluate: (request) => evaluate(request) }),
    close: async () => {
      await Promise.all([access.close(), revocationHttp?.close()]);
    },
  };
}
