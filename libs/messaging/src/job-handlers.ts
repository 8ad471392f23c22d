/**
 * The worker functions behind the jobs port. The workers' NATS handlers and
 * the embedded in-process port call the same functions, so the two wirings
 * differ only in transport (DESIGN: "one path, three wirings").
 */
import type {
  DiscoverReply,
  JobOptions,
  DiscoverRequest,
  EvaluateReply,
  EvaluateRequest,
  VerifyReply,
  VerifyRequest,
} from '@notary-gate/contracts';

/** What a worker function knows about the job it runs, on either transport. */
export interface JobContext {
  /** The subject as published (with any subject prefix). */
  subject: string;
  requestId: string;
  traceId: string;
  /** Absolute deadline, epoch milliseconds (`Infinity` when the caller sent none). */
  deadline: number;
  /** CLUSTER_NAME of the gateway that sent the job ('' when unnamed or in-process). */
  cluster?: string;
  /** Aborted when the deadline passes: nobody will read a later answer. */
  signal: AbortSignal;
}

/**
 * The three worker functions. They resolve with the reply (a negative verdict
 * is a reply) and throw `JobFailure` for work that could not be done; any
 * other error is reported as `INTERNAL`.
 */
export interface JobHandlers {
  discover(request: DiscoverRequest, context: JobContext): Promise<DiscoverReply>;
  verify(request: VerifyRequest, context: JobContext): Promise<VerifyReply>;
  evaluate(request: EvaluateRequest, context: JobContext): Promise<EvaluateReply>;
}

/** The handler method serving each subject. */
export type JobHandlerName = keyof JobHandlers;

/** Job options with an optional trace id (defaults to the request id: one admission, one trace). */
export interface TracedJobOptions extends JobOptions {
  traceId?: string;
}
