/**
 * The jobs port of the embedded mode: the worker functions called in this
 * process, with the semantics of the NATS port — nothing starts after the
 * deadline, a job still running at the deadline fails with TIMEOUT (and its
 * signal aborts), and any error that is not a JobFailure becomes INTERNAL.
 */
import {
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
import { deadlinePassed, timedOut, toJobFailure } from './failures';
import type { JobContext, JobHandlers, TracedJobOptions } from './job-handlers';
import { handlerName } from './subject-names';

export class InProcessJobsPort implements JobsPort {
  constructor(private readonly handlers: JobHandlers) {
    for (const name of ['discover', 'verify', 'evaluate'] as const) {
      if (typeof handlers?.[name] !== 'function') throw new TypeError(`InProcessJobsPort: handlers.${name} is not a function`);
    }
  }

  discover(request: DiscoverRequest, options: TracedJobOptions): Promise<DiscoverReply> {
    return this.run(Subjects.discover, request, options);
  }

  verify(request: VerifyRequest, options: TracedJobOptions): Promise<VerifyReply> {
    return this.run(Subjects.verify, request, options);
  }

  evaluate(request: EvaluateRequest, options: TracedJobOptions): Promise<EvaluateReply> {
    return this.run(Subjects.evaluate, request, options);
  }

  private async run<S extends Subject>(
    subject: S,
    request: JobMap[S]['request'],
    options: TracedJobOptions,
  ): Promise<JobMap[S]['reply']> {
    const budget = options.deadline - Date.now();
    if (!(budget > 0)) throw deadlinePassed(subject, -budget);

    const abort = new AbortController();
    const context: JobContext = {
      subject,
      requestId: options.requestId,
      traceId: options.traceId ?? options.requestId,
      deadline: options.deadline,
      signal: abort.signal,
    };
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const failure = timedOut(subject, budget);
        abort.abort(failure);
        reject(failure);
      }, Math.ceil(budget));
    });
    const handler = this.handlers[handlerName(subject)] as (
      request: JobMap[S]['request'],
      context: JobContext,
    ) => Promise<JobMap[S]['reply']>;
    try {
      // `async` wrapper: a handler that throws synchronously is mapped like one that rejects.
      return await Promise.race([(async () => handler.call(this.handlers, request, context))(), expiry]);
    } catch (error) {
      throw toJobFailure(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
