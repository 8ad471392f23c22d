/**
 * What a job looks like on NATS. The body is Nest's NATS packet (the
 * `@nestjs/microservices` NATS server only replies to packets carrying an
 * `id`: `{id, pattern, data}` in, `{id, response | err, isDisposed}` out), the
 * `response` is our envelope `{ok: true, reply} | {ok: false, error}`, and the
 * request id, trace id and deadline ride in NATS headers.
 */
import { randomUUID } from 'node:crypto';
import { Headers, JobErrorCodes, JobFailure, type JobError } from '@notary-gate/contracts';
import { headers as natsHeaders, JSONCodec, type MsgHdrs } from 'nats';
import { isJobErrorCode } from './failures';

/** The reply of every job: its result, or why the work could not be done. */
export type JobReplyEnvelope<R> = { ok: true; reply: R } | { ok: false; error: JobError };

/** The metadata carried in the headers of every job. */
export interface JobHeaders {
  requestId: string;
  traceId: string;
  /** Absolute deadline, epoch milliseconds; `Infinity` when absent. */
  deadline: number;
  /** CLUSTER_NAME of the sending gateway; '' when unnamed. */
  cluster?: string;
}

const codec = JSONCodec<unknown>();

/** The request body: Nest's packet around the job request. */
export function encodeRequest(subject: string, request: unknown): Uint8Array {
  return codec.encode({ id: randomUUID(), pattern: subject, data: request });
}

/** NATS headers for a job. */
export function encodeHeaders(meta: JobHeaders): MsgHdrs {
  const h = natsHeaders();
  h.set(Headers.requestId, meta.requestId);
  h.set(Headers.traceId, meta.traceId);
  if (Number.isFinite(meta.deadline)) h.set(Headers.deadline, String(Math.trunc(meta.deadline)));
  if (meta.cluster) h.set(Headers.cluster, meta.cluster);
  return h;
}

/** Reads the job headers; a malformed deadline is a `BAD_REQUEST`. */
export function decodeHeaders(h: MsgHdrs | undefined): JobHeaders {
  const requestId = h?.get(Headers.requestId) ?? '';
  const traceId = h?.get(Headers.traceId) || requestId;
  const cluster = h?.get(Headers.cluster) ?? '';
  const rawDeadline = h?.get(Headers.deadline) ?? '';
  if (rawDeadline === '') return { requestId, traceId, deadline: Infinity, cluster };
  const deadline = Number(rawDeadline);
  if (!/^\d+$/.test(rawDeadline) || !Number.isSafeInteger(deadline)) {
    throw new JobFailure(JobErrorCodes.badRequest, `header ${Headers.deadline} is not epoch milliseconds: ${JSON.stringify(rawDeadline)}`);
  }
  return { requestId, traceId, deadline, cluster };
}

/**
 * The reply body back to the job's result, or the `JobFailure` it carries
 * with the same code and message. Anything else on the wire is `INTERNAL`.
 */
export function decodeReply<R>(subject: string, data: Uint8Array, open?: (sealed: unknown) => unknown): R {
  let packet: unknown;
  try {
    packet = codec.decode(data);
  } catch {
    throw malformed(subject, 'not JSON');
  }
  if (!isRecord(packet)) throw malformed(subject, 'not an object');
  if (open && packet.err !== undefined && packet.err !== null) open(undefined); // an unsealed error packet: refused, its text unread
  if (packet.err !== undefined && packet.err !== null) {
    // Nest's own error packet (e.g. no handler for the pattern): not produced by our filter.
    throw new JobFailure(JobErrorCodes.internal, `${subject}: ${describeNestError(packet.err)}`);
  }
  // Sealed: the response is a JWE that must open to this job's reply (`open` throws otherwise).
  const envelope = open ? open(packet.response) : packet.response;
  if (!isRecord(envelope)) throw malformed(subject, 'no response');
  if (envelope.ok === true && 'reply' in envelope) return envelope.reply as R;
  if (envelope.ok === false && isRecord(envelope.error)) {
    const { code, message } = envelope.error;
    const text = typeof message === 'string' ? message : '';
    if (isJobErrorCode(code)) throw new JobFailure(code, text);
    throw new JobFailure(JobErrorCodes.internal, `${subject}: unknown error code ${JSON.stringify(code)}: ${text}`);
  }
  throw malformed(subject, 'not a job reply envelope');
}

function malformed(subject: string, why: string): JobFailure {
  return new JobFailure(JobErrorCodes.internal, `malformed reply on ${subject}: ${why}`);
}

function describeNestError(err: unknown): string {
  if (typeof err === 'string') return err;
  if (isRecord(err) && typeof err.message === 'string') return err.message;
  return JSON.stringify(err);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
