/**
 * The orchestrator: an admission request and the policies in, a verdict out.
 * Policies run in parallel through the jobs port under one deadline; when the
 * deadline passes or the verification tier cannot be reached, failurePolicy
 * is applied here and nowhere else.
 */
import { randomUUID } from 'node:crypto';
import type { AdmissionRequest, KubernetesObject } from '@notary-gate/admission';
import { extractImages, verifyImagesAnnotationPatches } from '@notary-gate/admission';
import type { Policy, ResourceFacts } from '@notary-gate/policy';
import { createJmespath } from '@notary-gate/policy';
import { runPolicy, type PolicyRun } from './policy-runner';
import { RequestJobs } from './request-jobs';
import { baseContext } from './rule-context';
import type { EngineOptions, Verdict } from './types';
import { applyFailurePolicy, effectiveFailurePolicy, raceDeadline } from './failure-policy';
import { decide } from './verdict';

/** Time kept back from the webhook timeout to answer before the API server gives up. */
export const DEADLINE_MARGIN_MS = 1_000;
const MAX_WEBHOOK_TIMEOUT_SECONDS = 30;

/** The webhook timeout for these policies: the maximum of theirs, capped at 30 s (Kyverno's capTimeout). */
export function timeoutSeconds(policies: Policy[]): number {
  return Math.min(MAX_WEBHOOK_TIMEOUT_SECONDS, Math.max(1, ...policies.map((policy) => policy.timeoutSeconds)));
}

export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

export async function evaluateAdmission(request: AdmissionRequest, policies: Policy[], options: EngineOptions): Promise<Verdict> {
  const now = options.now ?? Date.now;
  const object = (request.operation === 'DELETE' ? request.oldObject : request.object) ?? {};
  const resource = describeResource(request, object);
  if (request.operation === 'DELETE') return allowEmpty();
  const facts = resourceFacts(request, object);
  const images = extractImages(object);
  if (images.length === 0 || policies.length === 0) return allowEmpty();

  const deadline = options.deadline ?? now() + timeoutSeconds(policies) * 1000 - DEADLINE_MARGIN_MS;
  const jobs = new RequestJobs(options.jobs, deadline, options.requestId ?? randomUUID());
  const context = baseContext(request, images);
  const jmespath = createJmespath({ now: () => new Date(now()) });
  const work = Promise.all(
    policies.map((policy) =>
      runPolicy({ policy, request, facts, images, baseContext: context, jobs, configMaps: options.configMaps, maxSignatureAttempts: options.maxSignatureAttempts ?? 10, jmespath }),
    ),
  );

  let runs: PolicyRun[];
  try {
    runs = await raceDeadline(work, deadline - now(), () => new DeadlineExceeded('deadline exceeded'));
  } catch (error) {
    if (!(error instanceof DeadlineExceeded)) throw error;
    return deadlineExceededVerdict(resource, policies);
  }
  const results = runs.flatMap((run) => run.results);
  const statuses = runs.flatMap((run) => run.imageStatuses);
  const digestPatches = dedupeByPath(runs.flatMap((run) => run.digestPatches));
  const patch = [...verifyImagesAnnotationPatches(object, statuses), ...digestPatches];
  return decide(resource, policies, results, patch);
}

/** failurePolicy for verification the deadline cut short, naming the webhook timeout and the resource. */
export function deadlineExceededVerdict(resource: { kind: string; namespace: string; name: string }, policies: Policy[]): Verdict {
  const subject = `${resource.kind}/${resource.namespace}/${resource.name}`;
  return applyFailurePolicy(effectiveFailurePolicy(policies), `verification did not complete within the webhook timeout of ${timeoutSeconds(policies)}s for ${subject}`);
}

function allowEmpty(): Verdict {
  return { allowed: true, message: null, patch: [], warnings: [], results: [] };
}

function dedupeByPath<T extends { path: string }>(patches: T[]): T[] {
  const seen = new Set<string>();
  return patches.filter((patch) => (seen.has(patch.path) ? false : (seen.add(patch.path), true)));
}

export function describeResource(request: AdmissionRequest, object: KubernetesObject) {
  return {
    kind: request.kind.kind,
    namespace: request.namespace ?? object.metadata?.namespace ?? '',
    name: request.name ?? object.metadata?.name ?? '',
  };
}

export function resourceFacts(request: AdmissionRequest, object: KubernetesObject): ResourceFacts {
  return {
    group: request.kind.group,
    version: request.kind.version,
    kind: request.kind.kind,
    name: request.name ?? object.metadata?.name ?? object.metadata?.generateName ?? '',
    namespace: request.namespace ?? object.metadata?.namespace ?? '',
    operation: request.operation,
    labels: (object.metadata?.labels as Record<string, string> | undefined) ?? {},
    annotations: object.metadata?.annotations ?? {},
    ...(request.userInfo?.username ? { username: request.userInfo.username } : {}),
    ...(request.userInfo?.groups ? { groups: request.userInfo.groups } : {}),
  };
}
