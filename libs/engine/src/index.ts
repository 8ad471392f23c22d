// libs/engine — the orchestrator: policies + resource → jobs through a port under a deadline → verdict.
export { evaluateAdmission, timeoutSeconds, describeResource, DEADLINE_MARGIN_MS, DeadlineExceeded } from './evaluate-admission';
export { decide, failureAction, type ActionOutcome, type DecideInput } from './verdict';
export { policyIdentity, identityKey, kyvernoPolicyKey } from './identity';
export { applyFailurePolicy, effectiveFailurePolicy, raceDeadline } from './failure-policy';
export { staticConfigMaps } from './config-maps';
export { validateAdmission, VERIFY_IMAGES_ANNOTATION, VERIFY_IMAGES_SCOPED_ANNOTATION, type ValidateOptions } from './validate-admission';
export { FactUnavailable } from './types';
export { podPullSecrets } from './registry-credentials';
export type { AdmissionInput, RuleVariables, ClusterFacts, CredentialsQuery, RegistryCredentialsSource, ConfigMapData, ConfigMapSource, EngineOptions, RuleResult, RuleStatus, Verdict } from './types';
