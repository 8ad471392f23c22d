/**
 * One policy against one resource: its rules (with autogen), each rule's
 * matching images verified per verifyImages entry, in parallel.
 */
import type { ContainerImage, JsonPatchOperation, ScopedImageStatus } from '@notary-gate/admission';
import { digestPatch } from '@notary-gate/admission';
import type { ImageVerification } from '@notary-gate/policy';
import { rulesWithAutogen } from '@notary-gate/policy';
import { verifyImage, type ImageResponse } from './image-verifier';
import type { ImageCredentials } from './registry-credentials';
import type { RequestJobs } from './request-jobs';
import { gateRule, type GateInput } from './rule-gate';
import { FactUnavailable, type RuleResult } from './types';

export interface PolicyRun {
  results: RuleResult[];
  digestPatches: JsonPatchOperation[];
  imageStatuses: ScopedImageStatus[];
  /** Set when a fact the policy needs could not be had: the admission follows failurePolicy. */
  undecided?: string;
}

export interface PolicyRunInput extends GateInput {
  jobs: RequestJobs;
  maxSignatureAttempts: number;
  /** Registry credentials per image (absent: jobs carry none). */
  credentials?: ImageCredentials | undefined;
}

/** The key of a policy in the `kyverno.io/verify-images-scoped` annotation: `<namespace>/<name>`, empty namespace for a ClusterPolicy. */
export function scopedAnnotationKey(input: Pick<GateInput, 'identity'>): string {
  return `${input.identity.kind === 'Policy' ? (input.identity.namespace ?? 'default') : ''}/${input.identity.name}`;
}

export async function runPolicy(input: PolicyRunInput): Promise<PolicyRun> {
  const run: PolicyRun = { results: [], digestPatches: [], imageStatuses: [] };
  for (const rule of rulesWithAutogen(input.policy)) {
    const gate = await gateRule(rule, input);
    if (gate.kind === 'none') continue;
    const result = (status: RuleResult['status'], message: string, extra: Partial<RuleResult> = {}): RuleResult => ({
      policy: input.policy.name,
      identity: input.identity,
      rule: rule.name,
      status,
      message,
      ...extra,
    });
    if (gate.kind === 'undecided') {
      run.undecided = gate.reason;
      return run;
    }
    if (gate.kind === 'response') {
      run.results.push(result(gate.status, gate.message, gate.status === 'error' ? { warn: true } : {}));
    } else {
      const policyKey = scopedAnnotationKey(input);
      const { context, entries, images } = gate;
      const responses = await Promise.all(
        entries.flatMap((entry) =>
          images.map(async (image) => {
            try {
              const response = await verifyImage(
                { policyName: input.policy.name, ruleName: rule.name, entry, jobs: input.jobs, maxSignatureAttempts: input.maxSignatureAttempts, context, credentials: input.credentials },
                image,
              );
              return { entry, image, response };
            } catch (error) {
              // A registry credential that cannot be had: the policy is undecided (failurePolicy), naming it.
              if (error instanceof FactUnavailable) return { entry, image, response: null, undecided: error.message };
              throw error;
            }
          }),
        ),
      );
      const missing = responses.find((candidate) => 'undecided' in candidate);
      if (missing && 'undecided' in missing) {
        run.undecided = missing.undecided;
        return run;
      }
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
    }
    // applyRules One: stop after the first rule that produced a pass or fail (KV@v1.14.0:pkg/engine/api/policyresponse.go `Add`).
    if (input.policy.applyRules === 'One' && run.results.some((candidate) => candidate.rule === rule.name && (candidate.status === 'pass' || candidate.status === 'fail'))) break;
  }
  return run;
}

function pinDigest(entry: ImageVerification, image: ContainerImage, response: ImageResponse): JsonPatchOperation | null {
  if (!entry.mutateDigest || image.digest || response.status !== 'pass' || !response.verifiedDigest) return null;
  return digestPatch(image, response.verifiedDigest);
}

function annotationStatus(status: RuleResult['status']): ScopedImageStatus['status'] {
  return status === 'pass' ? 'pass' : status === 'skip' || status === 'warn' ? 'skip' : 'fail';
}
