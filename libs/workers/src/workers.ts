/** The three worker functions over one registry access, and a jobs port that calls them in-process. */
import type { DiscoverReply, DiscoverRequest, EvaluateReply, EvaluateRequest, JobsPort, VerifyReply, VerifyRequest } from '@notary-gate/contracts';
import type { RegistryClient, RegistryClientOptions } from '@notary-gate/oci';
import { discoverJob } from './discover';
import { evaluateJob } from './evaluate';
import { RegistryAccess } from './registry-access';
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
  now?: () => Date;
}

export function createWorkers(options: WorkerOptions = {}): Workers {
  const access = new RegistryAccess(options.registry ?? {});
  const clock = options.now ? { now: options.now } : {};
  const discover = discoverJob(access);
  const verify = verifyJob(access, clock);
  const evaluate = evaluateJob(access, clock);
  return {
    discover,
    verify,
    evaluate,
    port: () => ({ discover: (request) => discover(request), verify: (request) => verify(request), evaluate: (request) => evaluate(request) }),
    close: () => access.close(),
  };
}
