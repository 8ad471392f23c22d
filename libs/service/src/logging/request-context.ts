/**
 * The request id of the work in progress, carried through async calls so
 * every log line written on behalf of an admission (or a job) names it
 * without threading a logger through every function.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context` visible to `currentRequestId()` (and so to the logger). */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The request id of the admission or job being handled, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
