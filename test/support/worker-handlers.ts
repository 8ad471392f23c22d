/** In-process job handlers over the worker functions: the embedded wiring, for suites that start a gateway. */
import type { JobHandlers } from '@notary-gate/messaging';
import type { Workers } from '@notary-gate/workers';

export const handlersOf = (worker: Workers): JobHandlers => ({
  discover: (job) => worker.discover(job),
  verify: (job) => worker.verify(job),
  evaluate: (job) => worker.evaluate(job),
});
