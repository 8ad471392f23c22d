/**
 * One policy against one resource: its rules (with autogen), each rule's
 * matching images verified per verifyImages entry, in parallel.
 */
import type { AdmissionRequest, ContainerImage, JsonPatchOperation, ScopedImageStatus } from '@notary-gate/admission';
import { digestPatch } from '@notary-gate/admission';
import type { ImageVerification, Jmespath, Policy, ResourceFacts, Rule } from '@notary-gate/policy';
import { evaluateConditions, ruleApplies, rulesWithAutogen, substituteVariables, wildcardMatchAny } from '@notary-gate/policy';
import { verifyImage, type ImageResponse } from './image-verifier';
import type { RequestJobs } from './request-jobs';
import { loadContextEntries, RuleContextError } from './rule-context';
import type { ConfigMapSource, RuleResult } from './types';

export interface PolicyRun {
  results: RuleResult[];
  digestPatches: JsonPatchOperation[];
  imageStatuses: ScopedImageStatus[];
}

export interface PolicyRunInput {
  policy: Policy;
  request: AdmissionRequest;
  facts: ResourceFacts;
  images: ContainerImage[];
  baseContext: Record<string, unknown>;
  jobs: RequestJobs;
  configMaps: ConfigMapSource;
  maxSignatureAttempts: number;
  jmespath: Jmespath;
}

export async function runPolicy(input: PolicyRunInput): Promise<PolicyRun> {
  const run: PolicyRun = { results: [], digestPatches: [], imageStatuses: [] };
  for (const rule of rulesWithAutogen(input.policy)) {
    if (!ruleApplies(rule, input.facts)) continue;
    const applied = await runRule(rule, input, run);
    if (applied && input.policy.applyRules === 'One') break;
  }
  return run;
}

/** Returns whether the rule produced any response. */
async function runRule(rule: Rule, input: PolicyRunInput, run: PolicyRun): Promise<boolean> {
  const { policy } = input;
  const images = input.images.filter((image) => rule.verifyImages.some((entry) => wildcardMatchAny(entry.imageReferences, image.reference)));
  if (images.length === 0) return false;
  const result = (status: RuleResult['status'], message: string, extra: Partial<RuleResult> = {}): RuleResult => ({
    policy: policy.name,
    rule: rule.name,
    status,
    message,
    ...extra,
  });

  const prepared = await prepareRule(rule, input);
  if (!prepared.ready) {
    run.results.push(result(prepared.status, prepared.message, prepared.status === 'error' ? { warn: true } : {}));
    return true;
  }
  const { context, entries } = prepared;

  const policyKey = `${policy.namespace ?? ''}/${policy.name}`;
  const responses = await Promise.all(
    entries.flatMap((entry) =>
      images.map(async (image) => ({
        entry,
        image,
        response: await verifyImage(
          { policyName: policy.name, ruleName: rule.name, entry, jobs: input.jobs, maxSignatureAttempts: input.maxSignatureAttempts, context },
          image,
        ),
      })),
    ),
  );
  for (const { entry, image, response } of responses) {
    if (!response) continue;
    run.results.push(result(response.status, response.message, { image: response.image, warn: response.warn }));
    const pinned = pinDigest(entry, image, response);
    if (pinned) run.digestPatches.push(pinned);
    if (response.recorded) {
      const key = pinned ? `${image.registry}/${image.path}@${response.verifiedDigest}` : response.image;
      run.imageStatuses.push({ policyKey, rule: rule.name, image: key, status: annotationStatus(response.status) });
    }
  }
  return true;
}

/** A rule ready to verify images: its context loaded and its entries' variables substituted. */
export type PreparedRule =
  | { ready: true; context: Record<string, unknown>; entries: ImageVerification[] }
  | { ready: false; status: 'error' | 'skip'; message: string };

/**
 * The steps before any image of a rule is verified (kyverno-notary-spec §0.3):
 * `context` entries, `preconditions` (not met → skip), variable substitution.
 * The mutating and the validating phase share them.
 */
export async function prepareRule(rule: Rule, input: Pick<PolicyRunInput, 'policy' | 'baseContext' | 'configMaps' | 'jmespath'>): Promise<PreparedRule> {
  let context: Record<string, unknown>;
  try {
    context = await loadContextEntries(rule.context, input.baseContext, input.policy, input.configMaps, input.jmespath);
  } catch (error) {
    if (!(error instanceof RuleContextError)) throw error;
    return { ready: false, status: 'error', message: error.message };
  }

  if (rule.preconditions) {
    let evaluation;
    try {
      // Kyverno's preconditions resolver reads an unresolved variable as "".
      evaluation = evaluateConditions(rule.preconditions, context, { jmespath: input.jmespath, onUnresolved: 'empty-string' });
    } catch (error) {
      return { ready: false, status: 'error', message: `failed to evaluate preconditions: ${(error as Error).message}` };
    }
    if (!evaluation.passed) return { ready: false, status: 'skip', message: `preconditions not met; ${evaluation.message}`.trim() };
  }

  // Variables everywhere except the conditions that run against attestation payloads.
  try {
    return { ready: true, context, entries: rule.verifyImages.map((entry) => substituteEntry(entry, context, input.jmespath)) };
  } catch (error) {
    return { ready: false, status: 'error', message: `failed to substitute variables: ${(error as Error).message}` };
  }
}

function pinDigest(entry: ImageVerification, image: ContainerImage, response: ImageResponse): JsonPatchOperation | null {
  if (!entry.mutateDigest || image.digest || response.status !== 'pass' || !response.verifiedDigest) return null;
  return digestPatch(image, response.verifiedDigest);
}

function annotationStatus(status: RuleResult['status']): ScopedImageStatus['status'] {
  return status === 'pass' ? 'pass' : status === 'skip' || status === 'warn' ? 'skip' : 'fail';
}

function substituteEntry(entry: ImageVerification, context: Record<string, unknown>, jmespath: Jmespath): ImageVerification {
  const { attestations, validate, ...rest } = entry;
  const substituted = substituteVariables(rest, context, { jmespath }) as Omit<ImageVerification, 'attestations' | 'validate'>;
  return {
    ...substituted,
    attestations: attestations.map(({ conditions, ...attestation }) => ({
      ...(substituteVariables(attestation, context, { jmespath }) as Omit<typeof attestation, never>),
      conditions,
    })),
    ...(validate
      ? {
          validate: {
            ...(validate.message !== undefined ? { message: validate.message } : {}),
            ...(validate.deny ? { deny: validate.deny } : {}),
          },
        }
      : {}),
  };
}
