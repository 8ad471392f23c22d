/**
 * The three worker roles: which subject each serves, in which queue group its
 * replicas share the load, and the service name its logs and metrics carry.
 * One table, read by the worker apps, `notary-gate serve --role` and deploy/.
 */
import { QueueGroups, Subjects, type Subject } from '@notary-gate/contracts';

export interface WorkerRoleSpec {
  /** `service` label of logs and metrics, and the app folder (`apps/<service>`). */
  readonly service: string;
  readonly subject: Subject;
  readonly queue: string;
  /** Default OPS_PORT: one per role, so every role can run on one host with its defaults. */
  readonly opsPort: number;
}

export const WORKER_ROLES = {
  discovery: { service: 'discovery', subject: Subjects.discover, queue: QueueGroups.discovery, opsPort: 9091 },
  verifier: { service: 'signature-verifier', subject: Subjects.verify, queue: QueueGroups.verifier, opsPort: 9092 },
  evaluator: { service: 'attestation-evaluator', subject: Subjects.evaluate, queue: QueueGroups.evaluator, opsPort: 9093 },
} as const satisfies Record<string, WorkerRoleSpec>;

export type WorkerRole = keyof typeof WORKER_ROLES;

export function isWorkerRole(value: string): value is WorkerRole {
  return Object.prototype.hasOwnProperty.call(WORKER_ROLES, value);
}
