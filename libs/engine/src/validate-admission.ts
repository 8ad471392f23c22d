/**
 * Kyverno's validating phase for verifyImages (kyverno-notary-spec §3.5):
 * after the mutating webhook pinned and annotated a resource, every image an
 * entry with `verifyDigest` or `required` covers must carry a digest and be
 * recorded as verified in the `kyverno.io/verify-images-scoped` annotation
 * (`kyverno.io/verify-images` when only the older one is present). Nothing is
 * verified here: the check reads what the mutating phase wrote.
 */
import type { AdmissionRequest, ContainerImage, KubernetesObject } from '@notary-gate/admission';
import { extractImages } from '@notary-gate/admission';
import type { ImageVerification, Policy, Rule } from '@notary-gate/policy';
import { createJmespath, evaluateConditions, ruleApplies, rulesWithAutogen, wildcardMatchAny } from '@notary-gate/policy';
import { describeResource, resourceFacts } from './evaluate-admission';
import { baseContext, loadContextEntries, RuleContextError } from './rule-context';
import type { ConfigMapSource, RuleResult, Verdict } from './types';
import { decide } from './verdict';

export const VERIFY_IMAGES_ANNOTATION = 'kyverno.io/verify-images';
export const VERIFY_IMAGES_SCOPED_ANNOTATION = 'kyverno.io/verify-images-scoped';

export interface ValidateOptions {
  /** For rules whose `context` entries feed their preconditions. */
  configMaps: ConfigMapSource;
  now?: () => number;
}

type Status = string;
/** What the mutating phase recorded, as read back from the resource's annotations. */
interface RecordedStatuses {
  /** `kyverno.io/verify-images-scoped`: policy key → rule → image → status. */
  scoped?: Record<string, Record<string, Record<string, Status>>>;
  /** `kyverno.io/verify-images`: image → status. */
  plain?: Record<string, Status>;
  /** The annotation could not be parsed: every required check fails with this. */
  problem?: string;
}

/** Entries the validating phase checks (Kyverno's `VerifyImagesValidate` policy cache). */
const validates = (entry: ImageVerification) => entry.verifyDigest || entry.required;

/** The validating webhook's verdict for one admission request. */
export async function validateAdmission(request: AdmissionRequest, policies: Policy[], options: ValidateOptions): Promise<Verdict> {
  const allow: Verdict = { allowed: true, message: null, patch: [], warnings: [], results: [] };
  if (request.operation === 'DELETE' || request.object === null) return allow;
  const object = request.object;
  const images = extractImages(object);
  const relevant = policies.filter((policy) => policy.rules.some((rule) => rule.verifyImages.some(validates)));
  if (images.length === 0 || relevant.length === 0) return allow;

  const facts = resourceFacts(request, object);
  const recorded = readRecordedStatuses(object);
  const context = baseContext(request, images);
  const jmespath = createJmespath({ now: () => new Date((options.now ?? Date.now)()) });
  const results: RuleResult[] = [];
  for (const policy of relevant) {
    for (const rule of rulesWithAutogen(policy)) {
      if (!ruleApplies(rule, facts)) continue;
      const result = await validateRule(policy, rule, images, recorded, async () => {
        const loaded = await loadContextEntries(rule.context, context, policy, options.configMaps, jmespath);
        return rule.preconditions ? evaluateConditions(rule.preconditions, loaded, { jmespath, onUnresolved: 'empty-string' }).passed : true;
      });
      if (result) results.push(result);
      if (result && policy.applyRules === 'One') break;
    }
  }
  return decide(describeResource(request, object), relevant, results, []);
}

async function validateRule(
  policy: Policy,
  rule: Rule,
  images: ContainerImage[],
  recorded: RecordedStatuses,
  preconditionsMet: () => Promise<boolean>,
): Promise<RuleResult | null> {
  const entries = rule.verifyImages.filter(validates);
  if (!images.some((image) => entries.some((entry) => wildcardMatchAny(entry.imageReferences, image.reference)))) return null;
  const result = (status: RuleResult['status'], message: string, warn = status !== 'pass' && status !== 'skip'): RuleResult => ({
    policy: policy.name,
    rule: rule.name,
    status,
    message,
    warn,
  });
  try {
    if (!(await preconditionsMet())) return result('skip', 'preconditions not met');
  } catch (error) {
    if (error instanceof RuleContextError) return result('error', error.message);
    return result('error', `failed to evaluate preconditions: ${(error as Error).message}`);
  }

  const policyKey = `${policy.namespace ?? ''}/${policy.name}`;
  const skipped: string[] = [];
  let checked = 0;
  for (const entry of entries) {
    for (const image of images) {
      if (!wildcardMatchAny(entry.imageReferences, image.reference)) continue;
      if (wildcardMatchAny(entry.skipImageReferences, image.reference)) {
        skipped.push(image.reference);
        continue;
      }
      checked++;
      // §3.5: the first image that fails decides the rule's message.
      const problem = imageProblem(entry, image, recorded, policyKey, rule.name);
      if (problem) return result('fail', problem);
    }
  }
  const skippedText = skipped.length > 0 ? `, skipped images: ${skipped.join(' ')}` : '';
  if (checked === 0 && skipped.length > 0) return result('skip', `image skipped${skippedText}`, true);
  return result('pass', `image verified${skippedText}`);
}

function imageProblem(entry: ImageVerification, image: ContainerImage, recorded: RecordedStatuses, policyKey: string, ruleName: string): string | null {
  const imageString = image.reference;
  if (entry.verifyDigest && !image.digest) return `missing digest for ${imageString}`;
  if (!entry.required) return null;
  if (recorded.problem) return recorded.problem;
  const status = recorded.scoped ? recorded.scoped[policyKey]?.[ruleName]?.[imageString] : recorded.plain?.[imageString];
  // Kyverno's IsVerified: "pass", and "skip" for images a rule deliberately skipped.
  return status === 'pass' || status === 'skip' ? null : `unverified image ${imageString}`;
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
