/**
 * One admission, start to end: decode the AdmissionReview, run the engine
 * (mutate) or the validating check through the jobs port under the deadline,
 * and answer an AdmissionReview. A malformed review is an AdmissionError (→
 * 400, never an allow); any other failure applies failurePolicy here, so the
 * API server always gets an answer before its own timeout.
 */
import { Inject, Injectable } from '@nestjs/common';
import { AdmissionError, admissionResponse, parseAdmissionReview, type AdmissionRequest, type AdmissionReviewResponse } from '@notary-gate/admission';
import type { JobsPort } from '@notary-gate/contracts';
import { applyFailurePolicy, DEADLINE_MARGIN_MS, describeResource, effectiveFailurePolicy, evaluateAdmission, raceDeadline, timeoutSeconds, validateAdmission, type ClusterFacts, type ConfigMapSource, type EngineOptions, type RegistryCredentialsSource, type Verdict } from '@notary-gate/engine';
import type { Policy } from '@notary-gate/policy';
import { JsonLogger, ServiceMetrics } from '@notary-gate/service';
import { GATEWAY_CLUSTER_FACTS } from '../kubernetes/cluster-facts';
import { PolicyStore } from '../policies/policy-store';
import { GATEWAY_REGISTRY_CREDENTIALS } from '../kubernetes/kubernetes-registry-credentials';
import { GATEWAY_CONFIG_MAPS, GATEWAY_JOBS } from '../tokens';

export type Webhook = 'mutate' | 'validate';

/** Slack after the engine's deadline before the watchdog answers; still inside DEADLINE_MARGIN_MS. */
const WATCHDOG_SLACK_MS = 250;

@Injectable()
export class AdmissionService {
  constructor(
    @Inject(GATEWAY_JOBS) private readonly jobs: JobsPort,
    @Inject(GATEWAY_CONFIG_MAPS) private readonly configMaps: ConfigMapSource,
    @Inject(GATEWAY_CLUSTER_FACTS) private readonly clusterFacts: ClusterFacts,
    @Inject(GATEWAY_REGISTRY_CREDENTIALS) private readonly registryCredentials: RegistryCredentialsSource,
    private readonly policies: PolicyStore,
    private readonly logger: JsonLogger,
    private readonly metrics: ServiceMetrics,
  ) {}

  /**
   * Answers one AdmissionReview. `apiServerTimeout` is the API server's
   * `?timeout=10s` query parameter: the deadline honours the shorter of it
   * and the policies' timeout.
   */
  async review(webhook: Webhook, body: unknown, apiServerTimeout?: string): Promise<AdmissionReviewResponse> {
    const receivedAt = Date.now();
    const endStage = this.metrics.startStage(webhook);
    let request: AdmissionRequest;
    try {
      request = parseAdmissionReview(body);
      checkObjectKinds(request);
    } catch (error) {
      endStage();
      this.metrics.admission(webhook, 'error');
      throw error;
    }
    // The request id goes into each log line's fields rather than an async context (AsyncLocalStorage):
    // the only lines written on behalf of an admission are the two below, and an async context costs every
    // promise of the admission a hook. (The engine gets it as `requestId`.)
    const requestId = request.uid;
    const policies = this.policies.current();
    const deadline = receivedAt + deadlineSeconds(policies, apiServerTimeout) * 1000 - DEADLINE_MARGIN_MS;
    let verdict: Verdict;
    let failed = false;
    const notLoaded = this.policies.notLoaded();
    try {
      if (notLoaded !== undefined) throw new PoliciesNotLoaded(notLoaded);
      // The engine bounds its own work by the deadline; the watchdog guards everything around it too.
      verdict = await raceDeadline(this.decide(webhook, request, policies, deadline), deadline + WATCHDOG_SLACK_MS - Date.now(), () => new WatchdogExpired('no verdict before the webhook deadline'));
    } catch (error) {
      failed = true;
      // A malformed resource (e.g. an image reference no runtime can pull) is the client's mistake: one warning line,
      // no stack. Anything else is ours to look at.
      if (error instanceof AdmissionError) this.logger.warn(`${webhook}: admission could not be decided; applying failurePolicy: ${error.message}`, { requestId, code: error.code });
      else this.logger.error(`${webhook}: admission could not be decided; applying failurePolicy`, { requestId, error });
      // Without the policy set, no failurePolicy is known: deny (Kyverno's default, Fail).
      verdict = failurePolicyVerdict(request, error instanceof PoliciesNotLoaded ? 'Fail' : policies, (error as Error).message ?? String(error));
    }
    endStage();
    this.metrics.admission(webhook, failed ? 'error' : verdict.allowed ? 'allowed' : 'denied');
    this.logger.info(`${webhook}: ${verdict.allowed ? 'allowed' : 'denied'}`, {
      requestId,
      webhook,
      kind: request.kind.kind,
      namespace: request.namespace,
      name: request.name,
      operation: request.operation,
      allowed: verdict.allowed,
      durationMs: Date.now() - receivedAt,
      ...(verdict.message ? { denial: verdict.message } : {}),
      ...(verdict.warnings.length > 0 ? { warnings: verdict.warnings } : {}),
    });
    return admissionResponse({
      uid: request.uid,
      allowed: verdict.allowed,
      ...(verdict.message !== null ? { message: verdict.message } : {}),
      patch: verdict.patch,
      warnings: verdict.warnings,
    });
  }

  private decide(webhook: Webhook, request: AdmissionRequest, policies: Policy[], deadline: number): Promise<Verdict> {
    const options: EngineOptions = { jobs: this.jobs, configMaps: this.configMaps, clusterFacts: this.clusterFacts, registryCredentials: this.registryCredentials, deadline, requestId: request.uid };
    if (webhook === 'validate') return validateAdmission(request, policies, options);
    return evaluateAdmission(request, policies, options);
  }
}

/**
 * The object must be of the kind the request says (`request.kind`): policies
 * match on `request.kind`, images are read from the object, so a review whose
 * object is of another kind would be matched as one thing and checked as
 * another. The API server always sends them in agreement; a review that does
 * not is refused (400), never decided.
 */
export function checkObjectKinds(request: AdmissionRequest): void {
  const expected = { apiVersion: request.kind.group ? `${request.kind.group}/${request.kind.version}` : request.kind.version, kind: request.kind.kind };
  for (const [field, object] of [['object', request.object], ['oldObject', request.oldObject]] as const) {
    if (object === null) continue;
    const apiVersion = (object as { apiVersion?: unknown }).apiVersion;
    const kind = (object as { kind?: unknown }).kind;
    if (apiVersion !== expected.apiVersion || kind !== expected.kind) {
      throw new AdmissionError(
        'ERR_MALFORMED_REVIEW',
        `request.${field}`,
        `is ${JSON.stringify(apiVersion ?? null)}/${JSON.stringify(kind ?? null)} (apiVersion/kind), but request.kind says ${expected.apiVersion}/${expected.kind}: the object must be of the requested kind`,
      );
    }
  }
}

/** The policies' webhook timeout, shortened to the API server's own when it sent one (`?timeout=10s`). */
export function deadlineSeconds(policies: Policy[], apiServerTimeout: string | undefined): number {
  const policyTimeout = timeoutSeconds(policies);
  const match = /^(\d+)s$/.exec(apiServerTimeout ?? '');
  const fromApiServer = match ? Number(match[1]) : undefined;
  return fromApiServer !== undefined && fromApiServer > 0 ? Math.min(policyTimeout, fromApiServer) : policyTimeout;
}

/** failurePolicy for an admission that failed unexpectedly: Fail denies with the reason, Ignore admits with a warning. */
export function failurePolicyVerdict(request: AdmissionRequest, policies: Policy[] | 'Fail', reason: string): Verdict {
  const resource = describeResource(request, request.object ?? request.oldObject ?? {});
  const subject = `${resource.kind}/${resource.namespace}/${resource.name}`;
  return applyFailurePolicy(policies === 'Fail' ? 'Fail' : effectiveFailurePolicy(policies), `the admission of ${subject} could not be decided: ${reason}`);
}

class PoliciesNotLoaded extends Error {
  override readonly name = 'PoliciesNotLoaded';
}

class WatchdogExpired extends Error {
  override readonly name = 'WatchdogExpired';
}
