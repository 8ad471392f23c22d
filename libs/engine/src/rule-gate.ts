/**
 * The steps before any image of a rule is verified, shared by the mutating
 * and the validating phase, in Kyverno's order (KV@v1.14.0:pkg/engine/engine.go
 * `invokeRuleHandler`; kyverno-match-semantics §1): match/exclude, the images
 * the rule selects (no image → no response at all), the `context` entries,
 * `preconditions`, variable substitution, then PolicyExceptions.
 */
import type { AdmissionRequest, ContainerImage, KubernetesObject } from '@notary-gate/admission';
import { extractCustomImages, extractImages, ImageExtractionError, imagesContext } from '@notary-gate/admission';
import type { ImageVerification, Jmespath, Policy, PolicyIdentity, Rule } from '@notary-gate/policy';
import { evaluateConditions, substituteVariables } from '@notary-gate/policy';
import { checkExceptions } from './exceptions';
import type { RequestFacts } from './facts';
import { kyvernoPolicyKey } from './identity';
import { imageReferenceMatches, matchRule } from './policy-semantics';
import { loadContextEntries, RuleContextError } from './rule-context';
import type { ConfigMapSource, RuleVariables } from './types';

export interface GateInput {
  policy: Policy;
  identity: PolicyIdentity;
  request: AdmissionRequest;
  object: KubernetesObject;
  facts: RequestFacts;
  /** The built-in extraction of the resource's images (rules without imageExtractors for its kind). */
  defaultImages: ContainerImage[];
  baseContext: Record<string, unknown>;
  configMaps: ConfigMapSource;
  jmespath: Jmespath;
  variables?: RuleVariables | undefined;
}

export type Gate =
  /** The rule does not apply, or selects no image: no response. */
  | { kind: 'none' }
  /** A fact the decision needs is missing: the admission follows failurePolicy. */
  | { kind: 'undecided'; reason: string }
  /** The rule answers without verifying (context error, preconditions not met, exception, extraction error). */
  | { kind: 'response'; status: 'error' | 'skip'; message: string }
  | { kind: 'ready'; images: ContainerImage[]; context: Record<string, unknown>; entries: ImageVerification[] };

/** Whether the rule applies and, if so, what to verify; `selects` says which entries take part in this phase. */
export async function gateRule(rule: Rule, input: GateInput, selects: (entry: ImageVerification) => boolean = () => true): Promise<Gate> {
  const outcome = matchRule(rule, input.policy, input.facts.match);
  if (outcome.result === 'undecided') return undecided(input, outcome.missing);
  if (outcome.result === 'no-match') return { kind: 'none' };

  let extracted: ContainerImage[] | null;
  try {
    extracted = extractCustomImages(input.object, rule.imageExtractors, (expression, value) => input.jmespath.search(expression, value));
  } catch (error) {
    if (!(error instanceof ImageExtractionError)) throw error;
    return { kind: 'response', status: 'error', message: `failed to instantiate handler: ${error.message}` };
  }
  const all = extracted ?? input.defaultImages;
  const images = all.filter((image) => rule.verifyImages.some((entry) => selects(entry) && imageReferenceMatches(entry.imageReferences, image)));
  if (images.length === 0) return { kind: 'none' };
  // Images found by the rule's own extractors are what its `images` variable holds.
  const base = extracted ? { ...input.baseContext, images: imagesContext(extracted) } : input.baseContext;

  const supplied = input.variables?.(input.policy, rule.name.replace(/^autogen-(cronjob-)?/, ''));
  let context: Record<string, unknown>;
  try {
    const entries = supplied ? rule.context.filter((entry) => !Object.keys(supplied).some((key) => key === entry.name || key.startsWith(`${entry.name}.`))) : rule.context;
    const start = supplied ? withVariables(base, supplied) : base;
    // No entry to load (most rules): the copy loadContextEntries would make, without an async step.
    context = entries.length === 0 ? { ...start } : await loadContextEntries(entries, start, input.policy, input.configMaps, input.jmespath);
  } catch (error) {
    if (!(error instanceof RuleContextError)) throw error;
    return { kind: 'response', status: 'error', message: error.message };
  }

  if (rule.preconditions) {
    let evaluation;
    try {
      // Kyverno's preconditions resolver reads an unresolved variable as "".
      evaluation = evaluateConditions(rule.preconditions, context, { jmespath: input.jmespath, onUnresolved: 'empty-string' });
    } catch (error) {
      return { kind: 'response', status: 'error', message: `failed to evaluate preconditions: ${(error as Error).message}` };
    }
    if (!evaluation.passed) return { kind: 'response', status: 'skip', message: `preconditions not met; ${evaluation.message}`.trim() };
  }

  // Variables everywhere except the conditions that run against attestation payloads.
  let entries: ImageVerification[];
  try {
    entries = rule.verifyImages.map((entry) => substituteEntry(entry, context, input.jmespath));
  } catch (error) {
    return { kind: 'response', status: 'error', message: `failed to substitute variables: ${(error as Error).message}` };
  }

  const exception = checkExceptions(input.identity, rule.name, input.facts, context, input.jmespath);
  if ('undecided' in exception) return undecided(input, exception.undecided);
  if (exception.applies) return { kind: 'response', status: 'skip', message: exception.message };
  return { kind: 'ready', images, context, entries };
}

function undecided(input: GateInput, missing: string): Gate {
  return { kind: 'undecided', reason: `cannot decide whether policy ${kyvernoPolicyKey(input.identity)} applies: ${missing}` };
}

/** A copy of the context with each dotted key set to its value (`request.operation`, `myvar.field`…). */
function withVariables(base: Record<string, unknown>, variables: Record<string, unknown>): Record<string, unknown> {
  const context = structuredClone(base);
  for (const [key, value] of Object.entries(variables)) {
    const path = key.split('.');
    let node: Record<string, unknown> = context;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      node = (node[segment] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return context;
}

/** The built-in images of a resource, or none for a kind the built-in extraction does not know. */
export function defaultImages(object: KubernetesObject): ContainerImage[] {
  return extractImages(object);
}

/**
 * Entries without a variable (outside the attestation conditions, substituted later against the payload):
 * their substitution is the same object admission after admission, so what is keyed by it downstream (image
 * pattern matches, job keys) is found again. Policies are never mutated once parsed.
 */
const CONSTANT_ENTRIES = new WeakMap<ImageVerification, ImageVerification>();

function substituteEntry(entry: ImageVerification, context: Record<string, unknown>, jmespath: Jmespath): ImageVerification {
  const known = CONSTANT_ENTRIES.get(entry);
  if (known !== undefined) return known;
  const { attestations, validate, ...rest } = entry;
  const substituted = substituteVariables(rest, context, { jmespath }) as Omit<ImageVerification, 'attestations' | 'validate'>;
  // substituteVariables hands a part without `{{` back as it is: identity means "nothing was substituted".
  let constant = substituted === rest;
  const result: ImageVerification = {
    ...substituted,
    attestations: attestations.map(({ conditions, ...attestation }) => {
      const attested = substituteVariables(attestation, context, { jmespath }) as Omit<typeof attestation, never>;
      constant &&= attested === attestation;
      return { ...attested, conditions };
    }),
    ...(validate
      ? {
          validate: {
            ...(validate.message !== undefined ? { message: validate.message } : {}),
            ...(validate.deny ? { deny: validate.deny } : {}),
          },
        }
      : {}),
  };
  if (constant) CONSTANT_ENTRIES.set(entry, result);
  return result;
}
