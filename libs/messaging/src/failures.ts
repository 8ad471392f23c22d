/**
 * The JobFailures both transports raise, worded once, and the mapping of any
 * thrown value to the `{code, message}` that crosses the wire. Only a
 * `JobFailure` keeps its code; everything else is a bug in the worker and
 * becomes `INTERNAL` with its own message (never Nest's opaque
 * "Internal server error").
 */
import { JobErrorCodes, JobFailure, type JobError, type JobErrorCode } from '@notary-gate/contracts';

const CODES = new Set<string>(Object.values(JobErrorCodes));

/** True when `code` is one of the contracts' job error codes. */
export function isJobErrorCode(code: unknown): code is JobErrorCode {
  return typeof code === 'string' && CODES.has(code);
}

/** The deadline had passed before the job was sent or started. */
export function deadlinePassed(subject: string, overdueMs: number): JobFailure {
  return new JobFailure(
    JobErrorCodes.timeout,
    `the deadline of ${subject} had passed ${Math.max(0, Math.round(overdueMs))} ms before the job started`,
  );
}

/** No reply within the budget the deadline left. */
export function timedOut(subject: string, budgetMs: number): JobFailure {
  return new JobFailure(JobErrorCodes.timeout, `no reply on ${subject} within ${Math.round(budgetMs)} ms (the job deadline)`);
}

/** NATS answered "no responders": nobody subscribes to the subject. */
export function noWorker(worker: string, subject: string): JobFailure {
  return new JobFailure(JobErrorCodes.tierUnavailable, `no ${worker} worker is running for ${subject}`);
}

/** The connection to NATS is closed or down. */
export function tierUnreachable(subject: string, why: string): JobFailure {
  return new JobFailure(JobErrorCodes.tierUnavailable, `cannot send ${subject}: ${why}`);
}

/** Any thrown value as the error that crosses the wire. */
export function toJobError(thrown: unknown): JobError {
  if (thrown instanceof JobFailure) return { code: thrown.code, message: thrown.message };
  if (thrown instanceof Error) return { code: JobErrorCodes.internal, message: thrown.message || thrown.name };
  return { code: JobErrorCodes.internal, message: typeof thrown === 'string' ? thrown : safeString(thrown) };
}

/** Any thrown value as a `JobFailure` (a `JobFailure` passes through unchanged). */
export function toJobFailure(thrown: unknown): JobFailure {
  if (thrown instanceof JobFailure) return thrown;
  const { code, message } = toJobError(thrown);
  return new JobFailure(code, message);
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
