/**
 * Wraps a worker handler: refuses a job whose deadline has already passed
 * (its answer could no longer be used), wraps the result as
 * `{ok: true, reply}`, and logs each job with its request id. Failures are
 * left to `JobFailureRpcFilter`.
 */
import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { map, tap, throwError, type Observable } from 'rxjs';
import { deadlinePassed } from '../failures';
import type { JobReplyEnvelope } from '../wire';
import { jobContextOf } from './job-context';

@Injectable()
export class JobEnvelopeInterceptor implements NestInterceptor<unknown, JobReplyEnvelope<unknown>> {
  private readonly logger = new Logger('Jobs');

  intercept(context: ExecutionContext, next: CallHandler<unknown>): Observable<JobReplyEnvelope<unknown>> {
    const job = jobContextOf(context.switchToRpc().getContext<NatsContext>());
    const started = Date.now();
    if (started >= job.deadline) return throwError(() => deadlinePassed(job.subject, started - job.deadline));
    return next.handle().pipe(
      map((reply): JobReplyEnvelope<unknown> => ({ ok: true, reply })),
      tap(() => this.logger.verbose(`${job.subject} request=${job.requestId || '-'} done in ${Date.now() - started} ms`)),
    );
  }
}
