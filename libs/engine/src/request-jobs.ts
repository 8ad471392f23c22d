/**
 * The jobs of one admission request: identical jobs (same image, same trust
 * anchors) are asked once, and every job carries the request's deadline.
 */
import { createHash } from 'node:crypto';
import type { DiscoverReply, DiscoverRequest, EvaluateReply, EvaluateRequest, JobsPort, VerifyReply, VerifyRequest } from '@notary-gate/contracts';

/**
 * Jobs may run this much past the request's deadline, so that when the tier is
 * too slow it is the engine's deadline that fires (one message naming the
 * webhook timeout), not a job's own timeout racing it.
 */
export const JOB_DEADLINE_GRACE_MS = 100;

export class RequestJobs {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly verifying = new Map<string, Map<string, Promise<unknown>>>();

  constructor(
    private readonly port: JobsPort,
    private readonly deadline: number,
    private readonly requestId: string,
  ) {}

  discover(request: DiscoverRequest): Promise<DiscoverReply> {
    return this.once(`d:${request.image}:${(request.artifactTypes ?? []).join(',')}:${credentialsTag(request)}`, () => this.port.discover(request, this.options()));
  }

  verify(request: VerifyRequest): Promise<VerifyReply> {
    // The trust anchors (kilobytes of PEM, the same string object admission after admission) key a map of their
    // own rather than being copied into a key string and hashed again on every admission.
    let byAnchors = this.verifying.get(request.trustAnchorsPem);
    if (byAnchors === undefined) this.verifying.set(request.trustAnchorsPem, (byAnchors = new Map()));
    return this.once(`v:${request.artifact}:${request.maxSignatureAttempts}:${request.noCache ? 'fresh' : 'any'}:${credentialsTag(request)}`, () => this.port.verify(request, this.options()), byAnchors);
  }

  evaluate(request: EvaluateRequest): Promise<EvaluateReply> {
    // Evaluations depend on the whole context: never shared.
    return this.port.evaluate(request, this.options());
  }

  private options() {
    return { deadline: this.deadline + JOB_DEADLINE_GRACE_MS, requestId: this.requestId };
  }

  private once<T>(key: string, run: () => Promise<T>, inFlight = this.inFlight): Promise<T> {
    const known = inFlight.get(key);
    if (known) return known as Promise<T>;
    const started = run();
    inFlight.set(key, started);
    return started;
  }
}

/**
 * Jobs under other credentials are other jobs (a pod's secret may see what another's does not); the
 * credentials enter the in-flight key only as a digest, never in clear.
 */
function credentialsTag(request: { registryCredentials?: unknown }): string {
  return request.registryCredentials === undefined ? '-' : createHash('sha256').update(JSON.stringify(request.registryCredentials)).digest('hex');
}
