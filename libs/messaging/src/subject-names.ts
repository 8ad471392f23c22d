/**
 * Subject naming on the wire. The contracts' subjects are fixed; an optional
 * prefix (`test-<uuid>` in tests, or a tenant name when several deployments
 * share one NATS) namespaces all of them at once, on client and server alike.
 */
import { Subjects, type Subject } from '@notary-gate/contracts';
import type { JobHandlerName } from './job-handlers';

// NATS subject tokens: no whitespace, no wildcards, no empty tokens (NATS protocol, "Subject names").
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Checks a subject prefix on entry; misuse is a `TypeError`. */
export function checkSubjectPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  if (!PREFIX.test(prefix)) {
    throw new TypeError(`subjectPrefix ${JSON.stringify(prefix)} is not a NATS subject prefix (dotted tokens of [A-Za-z0-9_-])`);
  }
  return prefix;
}

/** The subject as published: `<prefix>.notary.v1.verify`, or the bare subject without a prefix. */
export function wireSubject(prefix: string, subject: string): string {
  return prefix === '' ? subject : `${prefix}.${subject}`;
}

const WORKERS: Record<Subject, { handler: JobHandlerName; worker: string }> = {
  [Subjects.discover]: { handler: 'discover', worker: 'discovery' },
  [Subjects.verify]: { handler: 'verify', worker: 'signature-verifier' },
  [Subjects.evaluate]: { handler: 'evaluate', worker: 'attestation-evaluator' },
};

/** The worker role serving a subject, for messages ("no signature-verifier worker …"). */
export function workerName(subject: Subject): string {
  return WORKERS[subject].worker;
}

/** The `JobHandlers` method serving a subject. */
export function handlerName(subject: Subject): JobHandlerName {
  return WORKERS[subject].handler;
}
