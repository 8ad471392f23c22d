// libs/oci — OCI distribution client (plain TypeScript: no Nest, NATS or Redis).
export * from './types';
// [oci] exports below are maintained by the oci work.
export { OciError, isOciError, isInconclusiveCode } from './errors';
export type { OciErrorCode, OciErrorDetails } from './errors';
export { computeDigest, digestMatches, digestProblem, isDigest, parseDigest, referrersTag, sha256Digest, verifyDigest } from './digest';
export type { DigestAlgorithm, ParsedDigest } from './digest';
export {
  DOCKER_HUB,
  DOCKER_HUB_ENDPOINT,
  LAYOUT_PREFIX,
  ImageReference,
  LayoutReference,
  isValidTag,
  parseAnyReference,
  parseLayoutReference,
  parseReference,
} from './reference';
export type { AnyReference } from './reference';
export { MANIFEST_MEDIA_TYPES, checkDescriptor, effectiveArtifactType, isImageIndex, isManifestMediaType, parseManifest } from './manifest';
export type { OciRepository, Referrer, ReferrerListing, ReferrersOptions, SkippedReferrer } from './repository';
export { resolveLimits } from './limits';
export { mapWithConcurrency } from './concurrency';
export { DockerCredentials, defaultDockerConfigPath, loadDockerConfig } from './auth/docker-config';
export type { CredentialLookup, RegistryCredential } from './auth/docker-config';
export { parseChallenges } from './auth/challenge';
export type { AuthChallenge } from './auth/challenge';
export { DEFAULT_RETRY, parseRetryAfter, retryDelay } from './http/retry';
export type { RetryOptions } from './http/retry';
export { DEFAULT_USER_AGENT, RegistryClient, resolveMirrors } from './registry-client';
export { findMirror, mirroredLocation, parseRegistryMirror, parseRegistryMirrors } from './mirror';
export type { MirrorTarget, MirroredLocation, RegistryMirror } from './mirror';
export type { RegistryClientOptions } from './registry-client';
export { redactHeaders, redactUrl } from './http/registry-transport';
export type { ExchangeEvent, RetryEvent } from './http/registry-transport';
export { RegistryRepository } from './registry-repository';
export type { UploadProgress } from './registry-repository';
export { OciLayoutRepository, REF_NAME_ANNOTATION } from './layout';
export type { OciLayoutOptions } from './layout';
export { openRepository } from './open-repository';
export type { OpenedRepository } from './open-repository';
