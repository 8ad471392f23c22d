/**
 * `@JobHandler(Subjects.verify)`: a Nest message handler for one job subject,
 * with the envelope interceptor and the exception filter every job handler
 * needs, so no worker can forget them.
 */
import { applyDecorators, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { Subject } from '@notary-gate/contracts';
import { JobEnvelopeInterceptor } from './job-envelope.interceptor';
import { JobFailureRpcFilter } from './job-failure-rpc.filter';

export function JobHandler(subject: Subject): MethodDecorator {
  return applyDecorators(MessagePattern(subject), UseInterceptors(JobEnvelopeInterceptor), UseFilters(JobFailureRpcFilter));
}
