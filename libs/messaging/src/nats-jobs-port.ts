/**
 * The engine's jobs port over NATS.
 *
 * Built directly on the `nats` connection rather than Nest's `ClientNats`
 * (which waits on a shared inbox, never sees NATS' "no responders" status and
 * has no per-request timeout). Each attempt publishes the job (Nest's packet
 * around the sealed request, so the workers still run on Nest's NATS
 * transport) with a reply inbox of its own, and waits for
 *
 * - the 503 "no responders" status: no worker serves the subject (at once);
 * - progress beats: the worker that took the job says so at once and then
 *   every `WORKER_PROGRESS_INTERVAL_MS` while it works. Silence longer than
 *   `progressTimeoutMs` means the replica holding the job died or froze (or
 *   NATS did): the job is sent once more — the queue group gives it to
 *   another replica — and a second silence fails it (TIMEOUT), far sooner
 *   than the deadline;
 * - the sealed reply, opened and checked against this very job
 *   (`JobSealer`);
 * - the link dropping: every pending job is rejected at once
 *   (TIER_UNAVAILABLE), not at its deadline.
 */
import {
  Headers,
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
  type TierKeys,
  type VerifyReply,
  type VerifyRequest,
} from '@notary-gate/contracts';
import { createInbox, type Msg, type NatsError } from 'nats';
import { deadlinePassed, noWorker, tierUnreachable, timedOut } from './failures';
import type { TracedJobOptions } from './job-handlers';
import { minimalEvaluateRequest } from './minimal-jobs';
import type { NatsLink } from './nats-link';
import { JobSealer } from './sealing';
import { checkSubjectPrefix, wireSubject, workerName } from './subject-names';
import { decodeReply, encodeHeaders, encodeRequest } from './wire';

/** How often a worker beats while it holds a job (ms). */
export const WORKER_PROGRESS_INTERVAL_MS = 500;
/** Default silence after which the replica holding a job is taken for dead (ms). */
export const DEFAULT_PROGRESS_TIMEOUT_MS = 2_000;

export interface NatsJobsPortOptions {
  /** The tier key: jobs are sealed with it, replies must open with it. */
  tierKeys: TierKeys;
  /** Namespace for all subjects (`<prefix>.notary.v1.verify`); default none. Workers must use the same. */
  subjectPrefix?: string;
  /** CLUSTER_NAME of this gateway, carried (sealed) in every job. */
  cluster?: string;
  /** Silence (no progress beat) after which an attempt is abandoned; default 2000 ms. */
  progressTimeoutMs?: number;
}

class Silence extends Error {}

export class NatsJobsPort implements JobsPort {
  private readonly prefix: string;
  private readonly sealer: JobSealer;
  private readonly cluster: string;
  private readonly progressTimeoutMs: number;
  private readonly pending = new Set<(why: string) => void>();

  constructor(
    private readonly link: NatsLink,
    options: NatsJobsPortOptions,
  ) {
    this.prefix = checkSubjectPrefix(options?.subjectPrefix);
    this.sealer = new JobSealer(options?.tierKeys);
    this.cluster = options.cluster ?? '';
    this.progressTimeoutMs = options.progressTimeoutMs ?? DEFAULT_PROGRESS_TIMEOUT_MS;
    if (!(this.progressTimeoutMs > WORKER_PROGRESS_INTERVAL_MS)) throw new TypeError(`NatsJobsPort: progressTimeoutMs must exceed ${WORKER_PROGRESS_INTERVAL_MS} ms`);
    link.onDown((why) => {
      for (const reject of [...this.pending]) reject(why);
    });
  }

  discover(request: DiscoverRequest, options: TracedJobOptions): Promise<DiscoverReply> {
    return this.request(Subjects.discover, request, options);
  }

  verify(request: VerifyRequest, options: TracedJobOptions): Promise<VerifyReply> {
    return this.request(Subjects.verify, request, options);
  }

  evaluate(request: EvaluateRequest, options: TracedJobOptions): Promise<EvaluateReply> {
    return this.request(Subjects.evaluate, minimalEvaluateRequest(request), options);
  }

  private async request<S extends Subject>(subject: S, request: JobMap[S]['request'], options: TracedJobOptions): Promise<JobMap[S]['reply']> {
    const target = wireSubject(this.prefix, subject);
    const budget = options.deadline - Date.now();
    // Nothing is sent once the deadline is gone, nor while the link is down.
    if (!(budget > 0)) throw deadlinePassed(target, -budget);
    for (let attempt = 1; ; attempt++) {
      const down = this.link.unavailableReason();
      if (down !== undefined) throw tierUnreachable(target, down);
      try {
        return await this.attempt<JobMap[S]['reply']>(subject, target, request, options);
      } catch (error) {
        if (!(error instanceof Silence)) throw error;
        const left = options.deadline - Date.now();
        if (attempt >= 2 || left <= 0) {
          throw new JobFailure(JobErrorCodes.timeout, `no ${workerName(subject)} answered ${target} (${attempt} attempts, silent for ${this.progressTimeoutMs} ms each)`);
        }
      }
    }
  }

  private attempt<R>(subject: Subject, target: string, request: unknown, options: TracedJobOptions): Promise<R> {
    const connection = this.link.connection;
    const meta = { subject: target, requestId: options.requestId, deadline: Math.trunc(options.deadline), cluster: this.cluster };
    const { token, binding } = this.sealer.sealJob(request, meta);
    const budget = meta.deadline - Date.now();
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      const timers: { silence?: NodeJS.Timeout; expiry?: NodeJS.Timeout } = {};
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timers.silence);
        clearTimeout(timers.expiry);
        this.pending.delete(onDown);
        subscription.unsubscribe();
        outcome();
      };
      const onDown = (why: string): void => finish(() => reject(tierUnreachable(target, why)));
      const quiet = (): void => {
        clearTimeout(timers.silence);
        timers.silence = setTimeout(() => finish(() => reject(new Silence())), this.progressTimeoutMs);
      };
      const inbox = createInbox(this.link.inboxPrefix);
      const subscription = connection.subscribe(inbox, {
        callback: (error: NatsError | null, message: Msg) => {
          if (error) return finish(() => reject(new JobFailure(JobErrorCodes.internal, `${target}: ${error.message}`)));
          if (message.data.length === 0 && message.headers?.code === 503) return finish(() => reject(noWorker(workerName(subject), target)));
          if (message.headers?.get(Headers.progress)) return quiet();
          try {
            const reply = decodeReply<R>(target, message.data, (sealed) => this.sealer.openReply(sealed, binding));
            finish(() => resolve(reply));
          } catch (failure) {
            finish(() => reject(failure));
          }
        },
      });
      this.pending.add(onDown);
      timers.expiry = setTimeout(() => finish(() => reject(timedOut(target, budget))), Math.max(1, Math.ceil(budget)));
      quiet();
      try {
        connection.publish(target, encodeRequest(target, token), {
          reply: inbox,
          headers: encodeHeaders({ requestId: options.requestId, traceId: options.traceId ?? options.requestId, deadline: meta.deadline, cluster: this.cluster }),
        });
      } catch (error) {
        finish(() => reject(tierUnreachable(target, (error as Error).message)));
      }
    });
  }
}
