// libs/messaging — the transport module: the engine's jobs port over NATS or in-process, and the workers' NATS handlers.
export { MessagingModule, type MessagingModuleOptions, type MessagingWorkerOptions } from './messaging.module';
export { JOBS_PORT, JOB_HANDLERS } from './tokens';
export { MessagingHealth } from './messaging-health';
export type { JobContext, JobHandlers, JobHandlerName, TracedJobOptions } from './job-handlers';
export { NatsJobsPort, WORKER_PROGRESS_INTERVAL_MS, DEFAULT_PROGRESS_TIMEOUT_MS, type NatsJobsPortOptions } from './nats-jobs-port';
export { InProcessJobsPort } from './in-process-jobs-port';
export { NearCacheJobsPort, type NearCacheOptions, type NearCacheStats } from './near-cache-jobs-port';
export { NatsLink, type NatsLinkOptions } from './nats-link';
export { natsConnectOptions, redactUrl, describeNatsError, NatsSecurityError, type NatsSecurity } from './nats-security';
export { JobSealer, type JobBinding, type ArrivedJob } from './sealing';
export { minimalEvaluateRequest, withoutEnvValues } from './minimal-jobs';
export { wireSubject, workerName } from './subject-names';
export { toJobError, toJobFailure } from './failures';
export type { JobReplyEnvelope, JobHeaders } from './wire';
// worker side (Nest microservices over NATS)
export { JobsNatsServer, natsWorkerOptions, type JobsNatsServerOptions } from './rpc/jobs-nats-server';
export { JobFailureRpcFilter } from './rpc/job-failure-rpc.filter';
export { JobEnvelopeInterceptor } from './rpc/job-envelope.interceptor';
export { JobHandler } from './rpc/job-handler.decorator';
export { JobCtx, jobContextOf } from './rpc/job-context';
export { DiscoverJobController, VerifyJobController, EvaluateJobController } from './rpc/job-controllers';
