/**
 * The match semantics the engine calls, in one place — all of them libs/policy's
 * (Kyverno 1.13–1.15 match/exclude with facts, exceptions, the per-policy
 * failure action with overrides, image spellings). Kept as one module so the
 * engine names each function once.
 */
export { matchRule, selectExceptions, resolveExceptions, effectiveFailureAction, imageReferenceMatches, imageReferenceSkipped } from '@notary-gate/policy';
