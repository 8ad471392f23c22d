/**
 * The orchestrator: an admission request and the policies in, a verdict out.
 * Policies run in parallel through the jobs port under one deadline; when the
 * deadline passes or the verification tier cannot be reached, failurePolicy
 * is applied here and nowhere else.
 */
import { randomUUID } from 'node:crypto';
import type { AdmissionRequest, KubernetesObject } from '@notary-gate/admission';
import { extractImages, verifyImagesAnnotationPatches } from '@notary-gate/admission';
import type { Policy } from '@notary-gate/policy';
import { createJmespath } from '@notary-gate/policy';
import { gatherFacts, type RequestFacts } from './facts';
import { policyIdentity } from './identity';
import { runPolicy, type PolicyRun } from './policy-runner';
import { imageCredentials } from './registry-credentials';
import { RequestJobs } from './request-jobs';
import { baseContext } from './rule-context';
import type { EngineOptions, Verdict } from './types';
import { applyFailurePolicy, effectiveFailurePolicy, raceDeadline } from './failure-policy';
import { decide } from './verdict';
import { perPolicySet } from './policy-set-memo';

/** Time kept back from the webhook timeout to answer before the API server gives up. */
export const DEADLINE_MARGIN_MS = 1_000;
const MAX_WEBHOOK_TIMEOUT_SECONDS = 30;

/** The webhook timeout for these policies: the maximum of theirs, capped at 30 s (Kyverno's capTimeout). */
export const timeoutSeconds: (policies: readonly Policy[]) => number = perPolicySet((policies) =>
  Math.min(MAX_WEBHOOK_TIMEOUT_SECONDS, Math.max(1, ...policies.map((policy) => policy.timeoutSeconds))),
);

export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

export async function evaluateAdmission(request: AdmissionRequest, policies: Policy[], options: EngineOptions): Promise<Verdict> {
  const now = options.now ?? Date.now;
  const object = (request.operation === 'DELETE' ? request.oldObject : request.object) ?? {};
  const resource = describeResource(request, object);
  // KV@v1.14.0:pkg/webhooks/server.go: DELETE never reaches verifyImages.
  if (request.operation === 'DELETE') return allowEmpty();
  const inScope = policiesInScope(policies, resource.namespace);
  const images = extractImages(object);
  if (inScope.length === 0 || (images.length === 0 && !hasExtractorsFor(inScope, String(object.kind ?? request.kind.kind)))) return allowEmpty();

  const deadline = options.deadline ?? now() + timeoutSeconds(inScope) * 1000 - DEADLINE_MARGIN_MS;
  const jobs = new RequestJobs(options.jobs, deadline, options.requestId ?? randomUUID());
  const context = baseContext(request, images);
  const jmespath = createJmespath({ now: () => new Date(now()) });
  const credentials = imageCredentials(options.registryCredentials, object, resource.namespace);
  const work = (async () => {
    const facts = await gatherFacts(request, object, inScope, options.clusterFacts);
    const runs = await Promise.all(
      inScope.map((policy) =>
        runPolicy({
          policy,
          identity: policyIdentity(policy),
          request,
          object,
          facts,
          defaultImages: images,
          baseContext: context,
          jobs,
          configMaps: options.configMaps,
          maxSignatureAttempts: options.maxSignatureAttempts ?? 10,
          credentials,
          jmespath,
          variables: options.variables,
        }),
      ),
    );
    return { facts, runs };
  })();

  let outcome: { facts: RequestFacts; runs: PolicyRun[] };
  try {
    outcome = await raceDeadline(work, deadline - now(), () => new DeadlineExceeded('deadline exceeded'));
  } catch (error) {
    if (!(error instanceof DeadlineExceeded)) throw error;
    return deadlineExceededVerdict(resource, inScope);
  }
  const { facts, runs } = outcome;
  const undecided = undecidedVerdict(inScope.map((policy, index) => ({ policy, reason: runs[index]!.undecided })), resource);
  if (undecided?.allowed === false) return undecided;
  const results = runs.flatMap((run) => run.results);
  const statuses = runs.flatMap((run) => run.imageStatuses);
  const digestPatches = dedupeByPath(runs.flatMap((run) => run.digestPatches));
  const patch = [...verifyImagesAnnotationPatches(object, statuses), ...digestPatches];
  const verdict = decide({ resource, policies: inScope, results, patch, namespaceLabels: facts.match.namespaceLabels });
  return undecided ? { ...verdict, warnings: [...undecided.warnings, ...verdict.warnings] } : verdict;
}

/**
 * Policies that can apply to a request in `namespace`: every ClusterPolicy, and
 * the namespaced Policies of that namespace only (KV@v1.14.0:pkg/policycache/store.go
 * `get`; pkg/engine/internal/match.go `checkNamespacedPolicy` — a Policy never
 * applies to a cluster-scoped resource).
 */
export function policiesInScope(policies: Policy[], namespace: string): Policy[] {
  const byNamespace = Object.isFrozen(policies) ? scopesOf(policies) : undefined;
  let inScope = byNamespace?.get(namespace);
  if (inScope === undefined) {
    inScope = policies.filter((policy) => policy.kind !== 'Policy' || (namespace !== '' && policyIdentity(policy).namespace === namespace));
    if (byNamespace !== undefined) {
      if (byNamespace.size >= SCOPES_KEPT) byNamespace.clear();
      // Frozen like the set it comes from, so that what is keyed by it downstream is remembered too.
      byNamespace.set(namespace, Object.freeze(inScope) as Policy[]);
    }
  }
  return inScope;
}

/** Namespaces whose scope is remembered per policy set (emptied when full). */
const SCOPES_KEPT = 4_096;
const scopesOf = perPolicySet((): Map<string, Policy[]> => new Map());

function hasExtractorsFor(policies: Policy[], kind: string): boolean {
  return policies.some((policy) => policy.rules.some((rule) => rule.imageExtractors !== undefined && Object.prototype.hasOwnProperty.call(rule.imageExtractors, kind)));
}

/**
 * Policies that could not be decided (a fact was missing) follow their own
 * failurePolicy: any with Fail denies, naming what was missing; with Ignore
 * the admission goes on without them, with a warning naming it.
 */
export function undecidedVerdict(outcomes: { policy: Policy; reason: string | undefined }[], resource: { kind: string; namespace: string; name: string }): Verdict | null {
  const undecided = outcomes.filter((outcome): outcome is { policy: Policy; reason: string } => outcome.reason !== undefined);
  if (undecided.length === 0) return null;
  const subject = `${resource.kind}/${resource.namespace}/${resource.name}`;
  const failing = undecided.filter((outcome) => outcome.policy.failurePolicy === 'Fail');
  if (failing.length > 0) return applyFailurePolicy('Fail', `${failing.map((outcome) => outcome.reason).join('; ')} (${subject})`);
  const warnings = undecided.flatMap((outcome) => applyFailurePolicy('Ignore', `${outcome.reason} (${subject})`).warnings);
  return { allowed: true, message: null, patch: [], warnings, results: [] };
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
