// libs/workers — the worker functions behind notary.v1.discover / verify / evaluate: plain TypeScript
// composing oci, notary and policy. The NATS workers, the embedded mode and the CLI all call these.
export { RegistryAccess, type RegistryAccessOptions } from './registry-access';
export { CachingRepository, DEFAULT_LIFETIMES, type CacheLifetimes } from './caching-repository';
export { discoverJob } from './discover';
export { verifyJob, type VerifyJobOptions } from './verify';
export { evaluateJob, type EvaluateJobOptions } from './evaluate';
export { toJobFailure, asJob } from './job-errors';
export { createWorkers, type Workers, type WorkerOptions } from './workers';
export { createRevocationHttp, MAX_CRL_BYTES, MAX_OCSP_RESPONSE_BYTES, type UndiciRevocationHttp } from './revocation-http';
