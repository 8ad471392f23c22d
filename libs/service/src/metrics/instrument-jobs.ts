/**
 * Job metrics without touching the engine or the workers: the jobs port (the
 * caller's side) and the job handlers (the worker's side) are wrapped, timing
 * each job by subject and counting signature verifications by outcome —
 * failed (a decision) kept apart from inconclusive (STYLE.md §5).
 */
import { JobFailure, Subjects, isInconclusive, type JobsPort, type Subject, type VerifyReply } from '@notary-gate/contracts';
import type { JobHandlers } from '@notary-gate/messaging';
import type { ServiceMetrics, VerificationOutcome } from './service-metrics';

export interface InstrumentOptions {
  /**
   * Count `notary_gate_verifications_total` here. Default true. In one process
   * running both sides (embedded mode) count on one side only.
   */
  countVerifications?: boolean;
}

const outcomeOf = (error: unknown) => (error instanceof JobFailure ? error.code : 'INTERNAL');

function verificationOf(reply: VerifyReply | undefined, error: unknown): VerificationOutcome {
  if (reply) return reply.verified ? 'verified' : 'failed';
  return error instanceof JobFailure && !isInconclusive(error.code) ? 'failed' : 'inconclusive';
}

function timed<A extends unknown[], R>(
  subject: Subject,
  histogram: ServiceMetrics['jobDuration'],
  metrics: ServiceMetrics,
  countVerifications: boolean,
  call: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const end = histogram.startTimer({ subject });
    try {
      const reply = await call(...args);
      end({ outcome: 'ok' });
      if (countVerifications && subject === Subjects.verify) metrics.verification(verificationOf(reply as VerifyReply, undefined));
      return reply;
    } catch (error) {
      end({ outcome: outcomeOf(error) });
      if (countVerifications && subject === Subjects.verify) metrics.verification(verificationOf(undefined, error));
      throw error;
    }
  };
}

/** The engine's jobs port, timed into `notary_gate_job_duration_seconds`. */
export function instrumentJobsPort(port: JobsPort, metrics: ServiceMetrics, options: InstrumentOptions = {}): JobsPort {
  const count = options.countVerifications ?? true;
  return {
    discover: timed(Subjects.discover, metrics.jobDuration, metrics, false, port.discover.bind(port)),
    verify: timed(Subjects.verify, metrics.jobDuration, metrics, count, port.verify.bind(port)),
    evaluate: timed(Subjects.evaluate, metrics.jobDuration, metrics, false, port.evaluate.bind(port)),
  };
}

/** The worker functions, timed into `notary_gate_job_handler_duration_seconds`. */
export function instrumentJobHandlers(handlers: JobHandlers, metrics: ServiceMetrics, options: InstrumentOptions = {}): JobHandlers {
  const count = options.countVerifications ?? true;
  return {
    discover: timed(Subjects.discover, metrics.jobHandlerDuration, metrics, false, handlers.discover.bind(handlers)),
    verify: timed(Subjects.verify, metrics.jobHandlerDuration, metrics, count, handlers.verify.bind(handlers)),
    evaluate: timed(Subjects.evaluate, metrics.jobHandlerDuration, metrics, false, handlers.evaluate.bind(handlers)),
  };
}
