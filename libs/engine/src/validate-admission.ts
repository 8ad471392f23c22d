/**
 * Kyverno's validating phase for verifyImages (kyverno-notary-spec §3.5):
 * every image an entry with `verifyDigest` or `required` covers must carry a
 * digest and be verified.
 *
 * Kyverno decides "verified" from the `kyverno.io/verify-images(-scoped)`
 * annotation the mutating phase wrote. A client can write that annotation
 * itself, and when the mutating webhook was skipped (failurePolicy Ignore, a
 * timeout, reinvocation) nothing overwrites it: a forged "pass" admits an
 * unverified image (anchors §3.3, kyverno#16336). Here `required` is decided by
 * re-running the entry's verification for the image as it stands (the pinned
 * digest) through the jobs port, the same code as the mutating phase; the
 * workers' verdict cache makes that free for an image just verified. The
 * annotation never makes an image pass: it is read only to say, in the denial,
 * that a recorded "pass" was not trusted, and (as in Kyverno) an annotation
 * that cannot be parsed still fails the check.
 *
 * Messages keep Kyverno's text: `missing digest for <img>`, and
 * `unverified image <img>` followed by `; <why>` (the verification failure).
 * A tier that cannot be reached is a rule error (→ failurePolicy, as in the
 * mutating phase); the deadline applies failurePolicy the same way.
 */
import { randomUUID } from 'node:crypto';
import type { AdmissionRequest, ContainerImage, KubernetesObject } from '@notary-gate/admission';
import { extractImages } from '@notary-gate/admission';
import type { JobsPort } from '@notary-gate/contracts';
import type { ImageVerification, Policy, Rule } from '@notary-gate/policy';
import { createJmespath, rulesWithAutogen } from '@notary-gate/policy';
import { DEADLINE_MARGIN_MS, DeadlineExceeded, deadlineExceededVerdict, describeResource, policiesInScope, timeoutSeconds, undecidedVerdict } from './evaluate-admission';
import { gatherFacts, type RequestFacts } from './facts';
import { raceDeadline } from './failure-policy';
import { policyIdentity } from './identity';
import { verifyImage, type ImageResponse } from './image-verifier';
import { scopedAnnotationKey } from './policy-runner';
import { imageReferenceMatches, imageReferenceSkipped } from './policy-semantics';
import { imageCredentials, type ImageCredentials } from './registry-credentials';
import { RequestJobs } from './request-jobs';
import { baseContext } from './rule-context';
import { gateRule, type Gate, type GateInput } from './rule-gate';
import { FactUnavailable, type ClusterFacts, type ConfigMapSource, type RegistryCredentialsSource, type RuleResult, type RuleVariables, type Verdict } from './types';
import { decide } from './verdict';

export const VERIFY_IMAGES_ANNOTATION = 'kyverno.io/verify-images';
export const VERIFY_IMAGES_SCOPED_ANNOTATION = 'kyverno.io/verify-images-scoped';

export interface ValidateOptions {
  /** The verification tier: `required` images are verified again through it. */
  jobs: JobsPort;
  /** For rules whose `context` entries feed their preconditions and attestors. */
  configMaps: ConfigMapSource;
  /** Namespace labels, requester roles and PolicyExceptions, read only when a policy needs them. */
  clusterFacts?: ClusterFacts;
  /** Registry credentials per image, as for the mutating phase. */
  registryCredentials?: RegistryCredentialsSource;
  /** Variables supplied from outside (the CLI's values), as for the mutating phase. */
  variables?: RuleVariables;
  /** Absolute deadline (epoch ms); defaults to now + the policies' timeout minus a margin. */
  deadline?: number;
  requestId?: string;
  /** Notation's per-artifact signature limit; the mutating phase's (10) so its cached verdicts are reused. */
  maxSignatureAttempts?: number;
  now?: () => number;
}

type Status = string;
/** What the mutating phase recorded, as read back from the resource's annotations (diagnostics only). */
interface RecordedStatuses {
  /** `kyverno.io/verify-images-scoped`: policy key → rule → image → status. */
  scoped?: Record<string, Record<string, Record<string, Status>>>;
  /** `kyverno.io/verify-images`: image → status. */
  plain?: Record<string, Status>;
  /** The annotation could not be parsed: every required check fails with this. */
  problem?: string;
}

interface ValidationRun {
  jobs: RequestJobs;
  credentials: ImageCredentials | undefined;
  maxSignatureAttempts: number;
  recorded: RecordedStatuses;
}

/** Entries the validating phase checks (Kyverno's `VerifyImagesValidate` policy cache). */
const validates = (entry: ImageVerification) => entry.verifyDigest || entry.required;

/** The validating webhook's verdict for one admission request. */
export async function validateAdmission(request: AdmissionRequest, policies: Policy[], options: ValidateOptions): Promise<Verdict> {
  const allow: Verdict = { allowed: true, message: null, patch: [], warnings: [], results: [] };
  if (request.operation === 'DELETE' || request.object === null) return allow;
  const object = request.object;
  const resource = describeResource(request, object);
  const images = extractImages(object);
  const relevant = policiesInScope(policies, resource.namespace).filter((policy) => policy.rules.some((rule) => rule.verifyImages.some(validates)));
  const kind = String(object.kind ?? request.kind.kind);
  const customKinds = relevant.some((policy) => policy.rules.some((rule) => rule.imageExtractors !== undefined && Object.prototype.hasOwnProperty.call(rule.imageExtractors, kind)));
  if ((images.length === 0 && !customKinds) || relevant.length === 0) return allow;

  const now = options.now ?? Date.now;
  const deadline = options.deadline ?? now() + timeoutSeconds(relevant) * 1000 - DEADLINE_MARGIN_MS;
  const run: ValidationRun = {
    jobs: new RequestJobs(options.jobs, deadline, options.requestId ?? randomUUID()),
    credentials: imageCredentials(options.registryCredentials, object, resource.namespace),
    maxSignatureAttempts: options.maxSignatureAttempts ?? 10,
    recorded: readRecordedStatuses(object),
  };
  const base = baseContext(request, images);
  const jmespath = createJmespath({ now: () => new Date(now()) });
  const validatePolicy = async (policy: Policy, facts: RequestFacts): Promise<{ results: RuleResult[]; undecided?: string }> => {
    const results: RuleResult[] = [];
    const gateInput: GateInput = {
      policy,
      identity: policyIdentity(policy),
      request,
      object,
      facts,
      defaultImages: images,
      baseContext: base,
      configMaps: options.configMaps,
      jmespath,
      variables: options.variables,
    };
    for (const rule of rulesWithAutogen(policy)) {
      const gate = await gateRule(rule, gateInput, validates);
      if (gate.kind === 'none') continue;
      if (gate.kind === 'undecided') return { results, undecided: gate.reason };
      let result: RuleResult;
      try {
        result = gate.kind === 'response' ? ruleResult(gateInput, rule.name, gate.status, gate.message) : await validateRule(gateInput, rule, gate, run);
      } catch (error) {
        // A registry credential that cannot be had: the policy is undecided (failurePolicy), naming it.
        if (error instanceof FactUnavailable) return { results, undecided: error.message };
        throw error;
      }
      results.push(result);
      if (policy.applyRules === 'One' && (result.status === 'pass' || result.status === 'fail')) break;
    }
    return { results };
  };

  let outcome: { facts: RequestFacts; runs: { results: RuleResult[]; undecided?: string }[] };
  try {
    outcome = await raceDeadline(
      (async () => {
        const facts = await gatherFacts(request, object, relevant, options.clusterFacts);
        return { facts, runs: await Promise.all(relevant.map((policy) => validatePolicy(policy, facts))) };
      })(),
      deadline - now(),
      () => new DeadlineExceeded('deadline exceeded'),
    );
  } catch (error) {
    if (!(error instanceof DeadlineExceeded)) throw error;
    return deadlineExceededVerdict(resource, relevant);
  }
  const undecided = undecidedVerdict(relevant.map((policy, index) => ({ policy, reason: outcome.runs[index]!.undecided })), resource);
  if (undecided?.allowed === false) return undecided;
  const verdict = decide({ resource, policies: relevant, results: outcome.runs.flatMap((entry) => entry.results), patch: [], namespaceLabels: outcome.facts.match.namespaceLabels });
  return undecided ? { ...verdict, warnings: [...undecided.warnings, ...verdict.warnings] } : verdict;
}

function ruleResult(input: Pick<GateInput, 'policy' | 'identity'>, rule: string, status: RuleResult['status'], message: string, warn = status !== 'pass' && status !== 'skip'): RuleResult {
  return { policy: input.policy.name, identity: input.identity, rule, status, message, warn };
}

async function validateRule(input: GateInput, rule: Rule, gate: Extract<Gate, { kind: 'ready' }>, run: ValidationRun): Promise<RuleResult> {
  const result = (status: RuleResult['status'], message: string, warn?: boolean) => ruleResult(input, rule.name, status, message, warn);
  // Kyverno's order: entries, then images; each image is checked for its digest, then for `required`.
  const skipped: string[] = [];
  const checks: { entry: ImageVerification; image: ContainerImage }[] = [];
  for (const entry of gate.entries.filter(validates)) {
    for (const image of gate.images) {
      if (!imageReferenceMatches(entry.imageReferences, image)) continue;
      if (imageReferenceSkipped(entry.skipImageReferences, image)) skipped.push(image.reference);
      else checks.push({ entry, image });
    }
  }

  // §3.5: the first image that fails decides the rule's message. Nothing after the first missing digest is verified.
  const firstMissing = checks.findIndex(({ entry, image }) => entry.verifyDigest && !image.digest);
  const toVerify = firstMissing === -1 ? checks : checks.slice(0, firstMissing);
  const policyKey = scopedAnnotationKey(input);
  const verifyContext = (entry: ImageVerification) => ({
    policyName: input.policy.name,
    ruleName: rule.name,
    entry,
    jobs: run.jobs,
    credentials: run.credentials,
    maxSignatureAttempts: run.maxSignatureAttempts,
    context: gate.context,
  });
  const problems = await Promise.all(
    toVerify.map(async ({ entry, image }) => {
      if (!entry.required) return null;
      if (run.recorded.problem) return { status: 'fail' as const, message: run.recorded.problem };
      return unverified(image, await verifyImage(verifyContext(entry), image), recordedStatus(run.recorded, policyKey, rule.name, image.reference));
    }),
  );
  const problem = problems.find((candidate) => candidate !== null);
  if (problem) return result(problem.status, problem.message);
  if (firstMissing !== -1) {
    const { entry, image } = checks[firstMissing]!;
    const missing = `missing digest for ${image.reference}`;
    // KV@v1.14.0:pkg/engine/handlers/validation/validate_image.go fails a digest-less image outright. Under
    // failurePolicy Ignore that overturns the mutating phase, which admits an image it could not verify (tier or
    // registry unreachable) without pinning it: Kyverno's Ignore then admits nothing during an outage. Here an
    // Ignore policy asks the tier why the image is unpinned: still inconclusive → a rule error, which Ignore admits
    // with a warning exactly as the mutating phase did; decided either way → Kyverno's `missing digest`.
    if (input.policy.failurePolicy === 'Ignore' && (entry.attestors.length > 0 || entry.attestations.length > 0)) {
      const response = await verifyImage(verifyContext(entry), image);
      if (response?.status === 'error') return result('error', `${missing}; ${reasonOf(image, response)}`);
    }
    return result('fail', missing);
  }

  const skippedText = skipped.length > 0 ? `, skipped images: ${skipped.join(' ')}` : '';
  if (checks.length === 0 && skipped.length > 0) return result('skip', `image skipped${skippedText}`, true);
  return result('pass', `image verified${skippedText}`);
}

/** Null when the verification tier verified the image; else Kyverno's `unverified image <img>` and why. */
function unverified(image: ContainerImage, response: ImageResponse | null, recorded: Status | undefined): { status: 'fail' | 'error'; message: string } | null {
  if (response?.status === 'pass') return null;
  const imageString = image.reference;
  const reason = response === null ? 'the entry has no attestors or attestations to verify it with' : reasonOf(image, response);
  const distrusted = recorded === 'pass' ? '; the annotation recording it as verified was not trusted' : '';
  // An inconclusive verification (tier or registry unreachable) is a rule error: failurePolicy decides.
  return { status: response?.status === 'error' ? 'error' : 'fail', message: `unverified image ${imageString}; ${reason}${distrusted}` };
}

/** A verification response's message without Kyverno's `failed to verify image <img>: ` lead. */
function reasonOf(image: ContainerImage, response: ImageResponse): string {
  const prefix = `failed to verify image ${image.reference}: `;
  return response.message.startsWith(prefix) ? response.message.slice(prefix.length) : response.message;
}

function recordedStatus(recorded: RecordedStatuses, policyKey: string, ruleName: string, imageString: string): Status | undefined {
  return recorded.scoped ? recorded.scoped[policyKey]?.[ruleName]?.[imageString] : recorded.plain?.[imageString];
}

function readRecordedStatuses(object: KubernetesObject): RecordedStatuses {
  const annotations = object.metadata?.annotations ?? {};
  const scopedText = annotations[VERIFY_IMAGES_SCOPED_ANNOTATION];
  if (scopedText !== undefined) {
    try {
      const parsed = JSON.parse(scopedText) as { version?: unknown; policies?: unknown };
      if (parsed?.version !== 1 || typeof parsed.policies !== 'object' || parsed.policies === null) {
        return { problem: 'failed to parse scoped image metadata: expected {"version":1,"policies":{…}}' };
      }
      return { scoped: parsed.policies as RecordedStatuses['scoped'] };
    } catch (error) {
      return { problem: `failed to parse scoped image metadata: ${(error as Error).message}` };
    }
  }
  const plainText = annotations[VERIFY_IMAGES_ANNOTATION];
  if (plainText === undefined) return {};
  try {
    const parsed = JSON.parse(plainText) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { problem: 'failed to parse image metadata: expected a JSON object' };
    return { plain: parsed as Record<string, Status> };
  } catch (error) {
    return { problem: `failed to parse image metadata: ${(error as Error).message}` };
  }
}
