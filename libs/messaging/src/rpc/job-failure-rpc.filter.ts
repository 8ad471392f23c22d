/**
 * The one RPC exception filter of the workers. Nest sends any error that is
 * not an `RpcException` as "Internal server error"; this filter instead
 * answers every failure as a normal reply `{ok: false, error: {code,
 * message}}`, so the client rebuilds the same `JobFailure`: a `JobFailure`
 * keeps its code, anything else becomes INTERNAL with its own message.
 */
import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException, type NatsContext } from '@nestjs/microservices';
import { JobErrorCodes, type JobError } from '@notary-gate/contracts';
import { of, type Observable } from 'rxjs';
import { isJobErrorCode, toJobError } from '../failures';
import type { JobReplyEnvelope } from '../wire';
import { requestIdOf } from './job-context';

@Catch()
export class JobFailureRpcFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Jobs');

  catch(exception: unknown, host: ArgumentsHost): Observable<JobReplyEnvelope<never>> {
    const error = exception instanceof RpcException ? fromRpcException(exception) : toJobError(exception);
    const rpc = host.switchToRpc().getContext<NatsContext | undefined>();
    const where = typeof rpc?.getSubject === 'function' ? `${rpc.getSubject()} request=${requestIdOf(rpc)}` : 'job';
    if (error.code === JobErrorCodes.internal) {
      this.logger.error(`${where} failed: ${error.message}`, exception instanceof Error ? exception.stack : undefined);
    } else {
      this.logger.warn(`${where} failed ${error.code}: ${error.message}`);
    }
    return of({ ok: false, error });
  }
}

/** An RpcException thrown by framework code (guards: "Forbidden resource") or carrying `{code, message}`. */
function fromRpcException(exception: RpcException): JobError {
  const inner = exception.getError();
  if (typeof inner === 'object' && inner !== null) {
    const { code, message } = inner as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : exception.message;
    return { code: isJobErrorCode(code) ? code : JobErrorCodes.internal, message: text };
  }
  return { code: JobErrorCodes.internal, message: typeof inner === 'string' ? inner : exception.message };
}
