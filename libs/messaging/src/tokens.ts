/** Injection tokens of the messaging module. */

/** The engine's `JobsPort` (NATS client or in-process). */
export const JOBS_PORT = Symbol.for('notary-gate.messaging.JOBS_PORT');

/** The worker functions (`JobHandlers`), supplied by the app for in-process mode and for workers. */
export const JOB_HANDLERS = Symbol.for('notary-gate.messaging.JOB_HANDLERS');
