/**
 * The workers' NATS handlers: decode, call the worker function, return the
 * reply — one per subject, each around the `JobHandlers` the app supplies.
 */
import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  Subjects,
  type DiscoverReply,
  type DiscoverRequest,
  type EvaluateReply,
  type EvaluateRequest,
  type Subject,
  type VerifyReply,
  type VerifyRequest,
} from '@notary-gate/contracts';
import type { JobContext, JobHandlers } from '../job-handlers';
import { JOB_HANDLERS } from '../tokens';
import { JobCtx } from './job-context';
import { JobHandler } from './job-handler.decorator';

@Controller()
export class DiscoverJobController {
  constructor(@Inject(JOB_HANDLERS) private readonly handlers: Pick<JobHandlers, 'discover'>) {}

  @JobHandler(Subjects.discover)
  discover(@Payload() request: DiscoverRequest, @JobCtx() context: JobContext): Promise<DiscoverReply> {
    return this.handlers.discover(request, context);
  }
}

@Controller()
export class VerifyJobController {
  constructor(@Inject(JOB_HANDLERS) private readonly handlers: Pick<JobHandlers, 'verify'>) {}

  @JobHandler(Subjects.verify)
  verify(@Payload() request: VerifyRequest, @JobCtx() context: JobContext): Promise<VerifyReply> {
    return this.handlers.verify(request, context);
  }
}

@Controller()
export class EvaluateJobController {
  constructor(@Inject(JOB_HANDLERS) private readonly handlers: Pick<JobHandlers, 'evaluate'>) {}

  @JobHandler(Subjects.evaluate)
  evaluate(@Payload() request: EvaluateRequest, @JobCtx() context: JobContext): Promise<EvaluateReply> {
    return this.handlers.evaluate(request, context);
  }
}

/** The controller serving each subject. */
export const JOB_CONTROLLERS = {
  [Subjects.discover]: DiscoverJobController,
  [Subjects.verify]: VerifyJobController,
  [Subjects.evaluate]: EvaluateJobController,
} as const satisfies Record<Subject, new (...args: never[]) => unknown>;
