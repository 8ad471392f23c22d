// libs/notary — Notary Project signatures (plain TypeScript: no Nest, NATS or Redis).
// Each area appends its exports to its own section.
export * from './errors';
export * from './types';
export { Certificate, parseCertificate, parseCertificates } from './x509/certificate';
export { formatDistinguishedName } from './x509/name';
// [x509]
export { validateCodeSigningCertChain } from './x509/codesigning-chain';
export { validateTimestampingCertChain } from './x509/timestamp-chain';
export {
  keySpecOf,
  keySpecByName,
  keySpecBySignatureAlgorithm,
  signatureAlgorithmFromJws,
  signatureAlgorithmFromCose,
  jwsAlgorithmOf,
  coseAlgorithmOf,
  hashOf,
} from './x509/key-spec';
export type { KeySpec, KeySpecName, JwsAlgorithm, CoseAlgorithm } from './x509/key-spec';
export { formatRfc1123Z, formatAnsic, formatRfc3339, formatGoTimeString, rfc3339OffsetMinutes } from './x509/time-format';
export { goQuote } from './x509/go-quote';
export {
  generateTestCertificate,
  CertificateAuthority,
  buildCertificate,
  generateKeyPair,
  cachedKeyPair,
  notaryTestName,
  codeSigningLeafSpec,
  timestampingLeafSpec,
  certificateAuthoritySpec,
  toPem,
} from './x509/builder';
export type {
  KeyAlgorithm,
  KeyPair,
  DistinguishedName,
  CertificateSpec,
  ProfileOptions,
  IssuedCertificate,
  Issuer,
  TestCertificateOptions,
  CertificateSignatureAlgorithm,
  KeyUsageName,
  ExtendedKeyUsageName,
} from './x509/builder';
// [envelope]
export { verifyEnvelope, parseEnvelope, isEnvelopeMediaType, ENVELOPE_MEDIA_TYPES } from './envelope/envelope';
export { PARSE_ERROR_PREFIX } from './envelope/failure';
export type { EnvelopeFailurePhase } from './envelope/failure';
export { HEADER as NOTARY_HEADERS } from './envelope/codec';
export { JWS_MEDIA_TYPE } from './envelope/jws';
export { COSE_MEDIA_TYPE } from './envelope/cose';
export { signEnvelope, prepareEnvelope } from './envelope/sign';
export type { SignEnvelopeOptions, PreparedEnvelope, EnvelopeFormat } from './envelope/sign';
export { buildPayload } from './envelope/payload';
// [timestamp]
export { parseTimestampToken, parseSignedToken, readTstInfo, OID_TST_INFO } from './timestamp/token';
export type { TimestampToken, SignedToken, CmsSignerInfo, CmsAttribute } from './timestamp/token';
export { decodeTstInfo, validateTstInfo, timestampRange, TstInfoError, BASELINE_TIMESTAMP_POLICY } from './timestamp/tst-info';
export type { TstInfo, Accuracy, TimestampRange } from './timestamp/tst-info';
export { verifyTimestamp, verifyAuthenticTimestamp, checkTimestampingRevocation } from './timestamp/verify';
export type { VerifiedTimestamp, VerifyTimestampOptions, AuthenticTimestampOptions, TsaRootsSource } from './timestamp/verify';
export {
  checkChainValidityAgainstTimestamp,
  checkTimestampAfterSigningTime,
  boundedAfter,
  boundedBefore,
  formatTimestampRange,
} from './timestamp/range';
export { TimestampError } from './timestamp/errors';
export type { TimestampStep } from './timestamp/errors';
export { convertBerToDer } from './timestamp/ber';
export { buildTestToken } from './timestamp/test-tokens';
export type { TestTokenOptions } from './timestamp/test-tokens';
export {
  OfflineRevocationChecker,
  NotRevokedChecker,
  offlineRevocationChecker,
  notRevokedChecker,
  revocationEndpoints,
  isRevocable,
  summarizeRevocation,
} from './revocation';
export type {
  RevocationChecker,
  RevocationCheckOptions,
  RevocationPurpose,
  CertRevocationResult,
  CertRevocationStatus,
  RevocationSummary,
  RevocationEndpoints,
} from './revocation';
export { createOnlineRevocationChecker, DEFAULT_REVOCATION_TIMEOUT_MS } from './revocation/online-checker';
export type { OnlineRevocationOptions } from './revocation/online-checker';
export type { RevocationHttp } from './revocation/port';
export { memoryCrlCache } from './revocation/crl';
export type { CrlCache, ValidatedCrl } from './revocation/crl';
export { ocspRequestFor, certIdOf } from './revocation/ocsp';
// [verifier]
export { parseOciTrustPolicy, OciTrustPolicyDocument, SUPPORTED_POLICY_VERSIONS, TRUST_POLICY_LINK } from './trustpolicy/oci-policy';
export type { OciTrustPolicyStatement } from './trustpolicy/oci-policy';
export { parseBlobTrustPolicy, BlobTrustPolicyDocument } from './trustpolicy/blob-policy';
export type { BlobTrustPolicyStatement } from './trustpolicy/blob-policy';
export { validateStatement, WILDCARD, X509_SUBJECT } from './trustpolicy/statement';
export type { TrustPolicyStatement } from './trustpolicy/statement';
export { LEVELS, VALIDATION_TYPES, VALIDATION_ACTIONS, VERIFY_TIMESTAMP_OPTIONS, resolveVerificationLevel, resolveVerifyTimestamp } from './trustpolicy/levels';
export type { PresetLevelName, SignatureVerificationConfig, VerifyTimestampOption } from './trustpolicy/levels';
export { parseDistinguishedName, isSubsetDistinguishedName } from './trustpolicy/distinguished-name';
export type { ParsedDistinguishedName } from './trustpolicy/distinguished-name';
export { validateRegistryScope, artifactPathOf } from './trustpolicy/registry-scope';
export { TRUST_STORE_TYPES, TRUST_STORE_NAME_PATTERN, isTrustStoreType } from './truststore/types';
export type { TrustStore, TrustStoreType } from './truststore/types';
export { DirectoryTrustStore } from './truststore/directory-trust-store';
export { MemoryTrustStore } from './truststore/memory-trust-store';
export type { TrustedCertificateEntry } from './truststore/memory-trust-store';
export { verifySignature } from './verifier/verify-signature';
export type { VerifySignatureOptions } from './verifier/verify-signature';
export { verifyBlob } from './verifier/verify-blob';
export type { VerifyBlobOptions } from './verifier/verify-blob';
export { verifyArtifact } from './verifier/verify-artifact';
export type { VerifyArtifactOptions, ArtifactVerification, SignatureAttempt } from './verifier/verify-artifact';
export { isNotarySignatureManifest, envelopeBlobOf } from './verifier/signature-manifest';
// [signer]
export { signArtifact, DEFAULT_SIGNING_AGENT } from './signer/sign-artifact';
export type { SignArtifactOptions } from './signer/sign-artifact';
export { attachArtifact, DEFAULT_ATTACHMENT_MEDIA_TYPE, ANNOTATION_TITLE } from './signer/attach-artifact';
export type { AttachArtifactOptions } from './signer/attach-artifact';
export { buildSignatureManifest, chainThumbprintAnnotation, ANNOTATION_X509_CHAIN_THUMBPRINT } from './signer/signature-manifest';
export type { SignatureManifestOptions } from './signer/signature-manifest';
export { packManifest, ANNOTATION_CREATED } from './signer/pack-manifest';
export type { PackManifestOptions } from './signer/pack-manifest';
export { addUserMetadata, RESERVED_ANNOTATION_PREFIX } from './signer/user-metadata';
// [inspect]
export { inspectSignature, describeEnvelope, skippedOutcome, SKIPPED_SIGNATURES_MESSAGE } from './inspect/model';
export type {
  InspectOutcome,
  InspectSignatureInput,
  InspectedSignature,
  InspectedCertificate,
  InspectedTimestamp,
  InspectedAttribute,
  InspectTime,
} from './inspect/model';
export { describeCertificate } from './inspect/certificate-view';
export { envelopeMediaTypeFromFileName } from './inspect/blob-signature';
export { collectSignatures, DEFAULT_MAX_SIGNATURES } from './inspect/collect';
export type { CollectSignaturesOptions, CollectedSignatures } from './inspect/collect';
export {
  renderInspectTree,
  renderBlobInspectTree,
  renderInspectJson,
  renderBlobInspectJson,
  skippedWarnings,
  DEFAULT_INSPECT_STYLE,
} from './inspect/render';
export type { InspectStyle, InspectRenderOptions, InspectSignatures } from './inspect/render';
export { discoverReferrerGraph, renderDiscoverTree, renderDiscoverJson, DISCOVER_DEFAULTS, UNKNOWN_ARTIFACT_TYPE } from './inspect/discover';
export type { ReferrerGraph, ReferrerNode, DiscoverOptions } from './inspect/discover';
export { renderTree, treeNode, treePair } from './inspect/tree';
export type { TreeNode } from './inspect/tree';
