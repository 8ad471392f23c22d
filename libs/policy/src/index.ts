// libs/policy — Kyverno policy semantics: model, matching, variables, JMESPath, operators (plain TypeScript).
// [model]
export { parsePolicyDocuments, DEFAULT_TIMEOUT_SECONDS, DEFAULT_AUTOGEN_CONTROLLERS, type LoadedDocuments } from './model/parse';
export { PolicyError } from './model/errors';
export { ruleApplies, kindMatches, selectorMatches, type ResourceFacts } from './model/match';
export { rulesWithAutogen } from './model/autogen';
export type {
  AnyAllConditions,
  Attestation,
  Attestor,
  AttestorSet,
  CertificateAttestor,
  Condition,
  ConfigMapContextEntry,
  ContextEntry,
  FailureAction,
  FailurePolicy,
  ImageVerification,
  LabelSelector,
  MatchResources,
  Policy,
  ResourceDescription,
  ResourceFilter,
  Rule,
  VariableContextEntry,
} from './model/types';
export { wildcardMatch, wildcardMatchAny } from './wildcard';
export { isKnownOperator } from './operators/names';
// [variables, jmespath, conditions] — exports of the expression engine below.
