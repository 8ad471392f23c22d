// libs/policy — Kyverno policy semantics: wildcards, operators, conditions, variables, JMESPath
// (plain TypeScript: no Nest, NATS or Redis; no notary imports).

// [errors]
export { PolicyError, JmespathNotFoundError, JmespathFunctionError, VariableResolutionError } from './errors';
export type { PolicyErrorCode } from './errors';

// [wildcard]
export { wildcardMatch, wildcardMatchAny } from './wildcard';

// [operators]
export { CONDITION_OPERATORS, DEPRECATED_OPERATORS, isKnownOperator, resolveOperator } from './operators/names';
export type { ConditionOperator } from './operators/names';
export { evaluateOperator } from './operators/evaluate';

// [conditions]
export { evaluateConditions, evaluateCondition, validateConditions } from './conditions';
export type {
  Condition,
  AnyAllConditions,
  Conditions,
  ConditionsResult,
  EvaluateConditionsOptions,
  ConditionIssue,
} from './conditions';

// [variables]
export { substituteVariables, substituteString } from './variables/substitute';
export type { SubstitutionOptions } from './variables/substitute';

// [jmespath]
export { createJmespath } from './jmespath';
export type { Jmespath, JmespathOptions } from './jmespath';
export { normalizeImage } from './jmespath/functions/image';
export { decodeX509 } from './jmespath/functions/x509';

// [values] Go / Kubernetes value semantics reused by other libs
export { parseQuantity, compareQuantities, formatQuantity } from './values/quantity';
export type { Quantity, QuantityFormat } from './values/quantity';
export { parseGoDuration, formatGoDuration } from './values/duration';
export { goSprint, formatGoFloat } from './values/go-format';
export { parseSemver, compareSemver, parseSemverRange } from './values/semver';

// [match] Kyverno 1.13–1.15 match/exclude, exceptions, failure actions, roles, image spellings (see match/index.ts)
export type { Fact, MatchFacts, MatchOutcome, RequestUser, RequesterRoles } from './match';
export { matchRule, matchRuleBlocks, policyScopeMismatch, evaluateFilter, isEmptyFilter, parseKindSelector, checkKind, checkSelector } from './match';
export type { FilterMode, FilterOutcome, KindSelector, RequestKind, SelectorResult } from './match';
export { overrideAction, effectiveFailureAction, computeRequesterRoles } from './match';
export type { OverrideOutcome, FailureActionOutcome, OverrideFacts, BindingSubject, BindingRoleRef, RoleBindingLike, ClusterRoleBindingLike } from './match';
export { exceptionCovers, selectExceptions, exceptionNamespaceAllowed, matchException, resolveExceptions, exceptionSkipMessage } from './match';
export type { ExceptionConditionsResult, ExceptionsOutcome } from './match';
export { parseImageParts, kyvernoImageString, canonicalImageString, imageSpellings, skipSpellings, imageReferenceMatches, imageReferenceSkipped, selectImage } from './match';
export type { ImageParts, ImageSelection } from './match';

// [model] Kyverno ClusterPolicy / Policy / PolicyException documents: loading (strict fields), identity, matching, autogen
export { parsePolicyDocuments, DEFAULT_TIMEOUT_SECONDS, DEFAULT_AUTOGEN_CONTROLLERS, type LoadedDocuments } from './model/parse';
export { policyKey, policyIdentity, describePolicy } from './model/identity';
export { SCHEMAS as POLICY_FIELD_SCHEMAS, type FieldSpec as PolicyFieldSpec, type ObjectSchema as PolicyObjectSchema, type TypeName as PolicyTypeName } from './model/schema';
export { PolicyDocumentError } from './model/errors';
export { readYamlDocuments, type YamlDocument } from './model/yaml-documents';
export { ruleApplies, kindMatches, selectorMatches, toMatchFacts, type ResourceFacts } from './model/match';
export { rulesWithAutogen } from './model/autogen';
export type {
  Attestation,
  Attestor,
  AttestorSet,
  CertificateAttestor,
  ConfigMapContextEntry,
  ContextEntry,
  FailureAction,
  FailurePolicy,
  ImageExtractor,
  ImageVerification,
  LabelSelector,
  MatchResources,
  Policy,
  PolicyException,
  PolicyIdentity,
  PolicyWarning,
  ResourceDescription,
  ResourceFilter,
  Rule,
  Subject,
  ValidationFailureActionOverride,
  VariableContextEntry,
} from './model/types';
