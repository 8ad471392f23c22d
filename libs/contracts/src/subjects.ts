/**
 * NATS subjects: dotted and versioned. The handler decorators and the client
 * use these constants; no subject string is written anywhere else.
 */
export const Subjects = {
  /** tag → digest, and the referrers of a digest by artifactType. */
  discover: 'notary.v1.discover',
  /** Notary signatures of an artifact, verified against trust anchors. */
  verify: 'notary.v1.verify',
  /** Attestation payloads fetched by digest, their conditions and validate.deny evaluated. */
  evaluate: 'notary.v1.evaluate',
} as const;

export type Subject = (typeof Subjects)[keyof typeof Subjects];

/** Queue groups: replicas of one worker share a subject's load. */
export const QueueGroups = {
  discovery: 'notary-gate-discovery',
  verifier: 'notary-gate-signature-verifier',
  evaluator: 'notary-gate-attestation-evaluator',
} as const;

/** NATS headers carried on every job. */
export const Headers = {
  requestId: 'notary-request-id',
  traceId: 'notary-trace-id',
  /** Absolute deadline (epoch ms): a worker does not start work that can no longer be used. */
  deadline: 'notary-deadline',
  /** CLUSTER_NAME of the gateway that sent the job (logs, metrics); sealed too, and checked against the seal. */
  cluster: 'notary-cluster',
  /** On an empty message to the reply inbox: "I hold this job and am working on it" (sent at once, then periodically). */
  progress: 'notary-progress',
  /** On an empty request: "is any worker serving this subject?" — answered at once, empty, no job run. */
  probe: 'notary-probe',
} as const;
