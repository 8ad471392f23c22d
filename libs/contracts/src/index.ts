// libs/contracts — where the services meet: subjects, job types, error codes. Imports nothing of ours.
export { Subjects, QueueGroups, Headers, type Subject } from './subjects';
export { JobErrorCodes, JobFailure, isInconclusive, type JobErrorCode, type JobError } from './errors';
export type {
  AttestationToEvaluate,
  AttestationVerdict,
  DescriptorRef,
  DiscoverReply,
  DiscoverRequest,
  EvaluateReply,
  EvaluateRequest,
  JobMap,
  JobOptions,
  JobsPort,
  RegistryCredentialEntry,
  RegistryCredentials,
  VerifyReply,
  VerifyRequest,
} from './jobs';
export { TierKeys, TierKeyError, TierKeyErrorCodes, TIER_KEY_MIN_BYTES, type SealClaims } from './tier-key';
