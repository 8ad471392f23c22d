/**
 * The engine's jobs port over NATS request-reply.
 *
 * Built directly on the `nats` connection rather than Nest's `ClientNats`:
 * ClientNats publishes to a shared inbox and waits on an rxjs stream, so NATS'
 * "no responders" status never reaches it (a missing worker looks like a
 * timeout), it has no per-request timeout, and headers need a
 * `NatsRecordBuilder` per call. `connection.request()` gives all three: the
 * 503 no-responders answer, a timeout per request, and headers. The body it
 * sends is Nest's packet, so the workers still run on Nest's NATS transport.
 */
import {
  JobErrorCodes,
  JobFailure,
  Subjects,
  type DiscoverReply,
  type DiscoverRequest,
  type EvaluateReply,
  type EvaluateRequest,
  type JobMap,
  type JobsPort,
  type Subject,
  type VerifyReply,
  type VerifyRequest,
} from '@notary-gate/contracts';
import { ErrorCode, type NatsError } from 'nats';
import { deadlinePassed, noWorker, tierUnreachable, timedOut } from './failures';
import type { TracedJobOptions } from './job-handlers';
import type { NatsLink } from './nats-link';
import { checkSubjectPrefix, wireSubject, workerName } from './subject-names';
import { decodeReply, encodeHeaders, encodeRequest } from './wire';

export interface NatsJobsPortOptions {
  /** Namespace for all subjects (`<prefix>.notary.v1.verify`); default none. Workers must use the same. */
  subjectPrefix?: string;
}

export class NatsJobsPort implements JobsPort {
  private readonly prefix: string;

  constructor(
    private readonly link: NatsLink,
    options: NatsJobsPortOptions = {},
  ) {
    this.prefix = checkSubjectPrefix(options.subjectPrefix);
  }

  discover(request: DiscoverRequest, options: TracedJobOptions): Promise<DiscoverReply> {
    return this.request(Subjects.discover, request, options);
  }

  verify(request: VerifyRequest, options: TracedJobOptions): Promise<VerifyReply> {
    return this.request(Subjects.verify, request, options);
  }

  evaluate(request: EvaluateRequest, options: TracedJobOptions): Promise<EvaluateReply> {
    return this.request(Subjects.evaluate, request, options);
  }

  private async request<S extends Subject>(
    subject: S,
    request: JobMap[S]['request'],
    options: TracedJobOptions,
  ): Promise<JobMap[S]['reply']> {
    const target = wireSubject(this.prefix, subject);
    // The timeout is what is left of the absolute deadline; nothing is sent once it is gone.
    const budget = options.deadline - Date.now();
    if (!(budget > 0)) throw deadlinePassed(target, -budget);
    const down = this.link.unavailableReason();
    if (down !== undefined) throw tierUnreachable(target, down);

    const headers = encodeHeaders({
      requestId: options.requestId,
      traceId: options.traceId ?? options.requestId,
      deadline: options.deadline,
    });
    let reply;
    try {
      reply = await this.link.connection.request(target, encodeRequest(target, request), {
        timeout: Math.max(1, Math.ceil(budget)),
        headers,
      });
    } catch (error) {
      throw this.failureOf(error, subject, target, budget);
    }
    return decodeReply<JobMap[S]['reply']>(target, reply.data);
  }

  private failureOf(error: unknown, subject: Subject, target: string, budget: number): JobFailure {
    switch ((error as NatsError).code) {
      case ErrorCode.NoResponders:
        return noWorker(workerName(subject), target);
      case ErrorCode.Timeout: {
        // A request that timed out because the link went down is an unreachable tier, not a slow worker.
        const down = this.link.unavailableReason();
        return down === undefined ? timedOut(target, budget) : tierUnreachable(target, down);
      }
      case ErrorCode.ConnectionClosed:
      case ErrorCode.ConnectionDraining:
      case ErrorCode.Disconnect:
        return tierUnreachable(target, (error as Error).message);
      default:
        return new JobFailure(JobErrorCodes.internal, `${target}: ${(error as Error).message}`);
    }
  }
}
