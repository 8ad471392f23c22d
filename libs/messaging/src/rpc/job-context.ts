/**
 * The JobContext of a message received through Nest's NATS transport, read
 * once from its headers (request id, trace id, deadline) and shared by the
 * interceptor, the exception filter and the `@JobCtx()` parameter.
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import type { MsgHdrs } from 'nats';
import { timedOut } from '../failures';
import type { JobContext } from '../job-handlers';
import { decodeHeaders } from '../wire';

const contexts = new WeakMap<NatsContext, JobContext>();

// setTimeout's limit: a longer delay fires at once (Node: TimeoutOverflowWarning).
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The job context of a NATS message; a malformed deadline header throws `JobFailure` BAD_REQUEST. */
export function jobContextOf(rpc: NatsContext): JobContext {
  let context = contexts.get(rpc);
  if (context === undefined) {
    const subject = rpc.getSubject();
    const meta = decodeHeaders(rpc.getHeaders() as MsgHdrs | undefined);
    context = { subject, ...meta, signal: deadlineSignal(subject, meta.deadline) };
    contexts.set(rpc, context);
  }
  return context;
}

/** The request id of a message, for logs; never throws. */
export function requestIdOf(rpc: NatsContext): string {
  try {
    return jobContextOf(rpc).requestId || '-';
  } catch {
    return '-';
  }
}

/** A signal aborted (with a TIMEOUT JobFailure as reason) when the deadline passes. */
function deadlineSignal(subject: string, deadline: number): AbortSignal {
  const abort = new AbortController();
  if (!Number.isFinite(deadline)) return abort.signal;
  const budget = deadline - Date.now();
  const fire = (): void => abort.abort(timedOut(subject, Math.max(0, budget)));
  if (budget <= 0) fire();
  // unref: a pending deadline must not keep a stopping worker alive.
  else setTimeout(fire, Math.min(Math.ceil(budget), MAX_TIMER_MS)).unref();
  return abort.signal;
}

/** Handler parameter: the `JobContext` of the message being handled. */
export const JobCtx = createParamDecorator((_data: unknown, ctx: ExecutionContext): JobContext =>
  jobContextOf(ctx.switchToRpc().getContext<NatsContext>()),
);
