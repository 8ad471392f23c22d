/**
 * Kyverno 1.13–1.15 matching, as pure functions (no I/O). The caller gathers the facts; a fact it could
 * not obtain is passed as `{ known: false, reason }` and an answer that depends on it is `undecided`
 * (apply failurePolicy and name `missing`) — never a match or an exclusion by default, and only when
 * the fact could change the answer (three-valued evaluation, then every relevant value: refine.ts).
 *
 * Per admission request (the engine):
 *   1. roles    = computeRequesterRoles(user, roleBindings, clusterRoleBindings)   // from the informers
 *      facts    = { group, version, kind (request's top-level GVK), subresource, name (or generateName),
 *                  namespace (the object's, else the request's; "" for cluster-scoped and Namespace objects),
 *                  operation, labels, annotations (of the new object; the old one on DELETE),
 *                  user (null only when there is no request info at all, e.g. the CLI without --userinfo),
 *                  roles: Fact, namespaceLabels: Fact }
 *   2. per policy and rule (autogen rules included):
 *        matchRule(rule, policy, facts)           → match | no-match | undecided
 *   3. per entry and image:
 *        selectImage(entry, imageParts)            → verify | skip | not-selected (all spellings)
 *   4. per matched rule, after context and preconditions:
 *        candidates = selectExceptions(exceptions.filter(e => exceptionNamespaceAllowed(e.namespace, flag)),
 *                                      policyKey, ruleName)   // key: ns/name | name
 *        resolveExceptions(candidates, policyKey, ruleName, facts, e => conditionsOf(e)) → skip | none | undecided
 *      (conditions are the caller's: they need the JMESPath context; a conditions error → `{ error }`);
 *      on skip, the rule's message is exceptionSkipMessage(outcome.exceptions)
 *   5. when a rule fails: effectiveFailureAction(policy, namespace, facts) → Audit | Enforce | undecided
 *      (per policy, as Kyverno 1.13–1.15: verifyImages[0].failureAction of the first rule that sets one,
 *      then validationFailureActionOverrides, then spec.validationFailureAction).
 */
export type { Fact, MatchFacts, MatchOutcome, RequestUser, RequesterRoles } from './facts';
export { matchRule, matchRuleBlocks, policyScopeMismatch } from './match-rule';
export { evaluateFilter, isEmptyFilter, type FilterMode, type FilterOutcome } from './filter';
export { parseKindSelector, checkKind, type KindSelector, type RequestKind } from './kind-selector';
export { checkSelector, type SelectorResult } from './label-selector';
export { overrideAction, effectiveFailureAction, type OverrideOutcome, type FailureActionOutcome, type OverrideFacts } from './failure-action';
export { computeRequesterRoles, type BindingSubject, type BindingRoleRef, type RoleBindingLike, type ClusterRoleBindingLike } from './roles';
export {
  exceptionCovers,
  selectExceptions,
  exceptionNamespaceAllowed,
  matchException,
  resolveExceptions,
  exceptionSkipMessage,
  type ExceptionConditionsResult,
  type ExceptionsOutcome,
} from './exceptions';
export {
  parseImageParts,
  kyvernoImageString,
  canonicalImageString,
  imageSpellings,
  skipSpellings,
  imageReferenceMatches,
  imageReferenceSkipped,
  selectImage,
  type ImageParts,
  type ImageSelection,
} from './image-spellings';
