/**
 * Kyverno ClusterPolicy / Policy (kyverno.io/v1 and v2beta1) as notary-gate
 * uses them: normalised (both spellings of each setting folded into one field,
 * Kyverno's CRD defaults applied) so the engine never sees two forms.
 */

export type FailureAction = 'Audit' | 'Enforce';
export type FailurePolicy = 'Fail' | 'Ignore';

import type { AnyAllConditions, Condition } from '../conditions';

export type { AnyAllConditions, Condition };

export interface ResourceDescription {
  kinds?: string[];
  names?: string[];
  /** Deprecated single name. */
  name?: string;
  namespaces?: string[];
  annotations?: Record<string, string>;
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  /** Required for ServiceAccount. */
  namespace?: string;
}

export interface ResourceFilter {
  resources?: ResourceDescription;
  subjects?: Subject[];
  /** `<namespace>:<role>` strings, matched exactly against the requester's computed roles. */
  roles?: string[];
  clusterRoles?: string[];
}

export interface MatchResources {
  any?: ResourceFilter[];
  all?: ResourceFilter[];
}

/** One `imageExtractors[<kind>][]` item (pkg/utils/api/image.go). */
export interface ImageExtractor {
  path: string;
  value?: string;
  name?: string;
  key?: string;
  jmesPath?: string;
}

export interface ConfigMapContextEntry {
  name: string;
  configMap: { name: string; namespace?: string };
}

export interface VariableContextEntry {
  name: string;
  variable: { value?: unknown; jmesPath?: string; default?: unknown };
}

export type ContextEntry = ConfigMapContextEntry | VariableContextEntry;

export interface CertificateAttestor {
  /** PEM; may hold `{{ }}` variables resolved at admission time. */
  cert?: string;
  certChain?: string;
}

export interface Attestor {
  certificates?: CertificateAttestor;
  /** A nested attestor set. */
  attestor?: AttestorSet;
}

export interface AttestorSet {
  /** Unset (or 0) means every entry must verify. */
  count?: number;
  entries: Attestor[];
}

export interface Attestation {
  name?: string;
  /** `type`, or the deprecated `predicateType` when `type` is empty. */
  type: string;
  attestors: AttestorSet[];
  conditions: AnyAllConditions[];
}

export interface ImageVerification {
  type: 'Notary';
  imageReferences: string[];
  skipImageReferences: string[];
  attestors: AttestorSet[];
  attestations: Attestation[];
  mutateDigest: boolean;
  verifyDigest: boolean;
  required: boolean;
  /** false: never reuse a cached verdict for this entry. */
  useCache: boolean;
  failureAction?: FailureAction;
  validate?: { message?: string; deny?: { conditions: AnyAllConditions | Condition[] } };
  /**
   * `imageRegistryCredentials`: when set, this entry's registry reads use only the credentials of these
   * Secrets (read from the admission controller's own namespace), never the pod's imagePullSecrets
   * (KV@v1.14.0:pkg/engine/factories/registryclientfactory.go `GetClient` builds a fresh client).
   */
  imageRegistryCredentials?: { secrets: string[] };
}

export interface Rule {
  name: string;
  match: MatchResources;
  exclude?: MatchResources;
  context: ContextEntry[];
  preconditions?: AnyAllConditions;
  verifyImages: ImageVerification[];
  /** `imageExtractors` by resource kind: replace the built-in extraction for that kind. */
  imageExtractors?: Record<string, ImageExtractor[]>;
}

/** `kind/namespace/name` of a policy: its identity everywhere (verdicts, annotations, metrics). */
export interface PolicyIdentity {
  kind: 'ClusterPolicy' | 'Policy';
  name: string;
  /** Set for a namespaced Policy. */
  namespace?: string;
}

export interface ValidationFailureActionOverride {
  action: FailureAction;
  /** Unset (nil) and [] differ in Kyverno: nil → only the namespaceSelector decides; [] never matches. */
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
}

/** A non-fatal remark on a loaded policy (e.g. `repository` is ignored for Notary, as in Kyverno). */
export interface PolicyWarning {
  path: string;
  message: string;
}

export interface Policy {
  apiVersion: 'kyverno.io/v1' | 'kyverno.io/v2beta1';
  kind: 'ClusterPolicy' | 'Policy';
  name: string;
  /** Set for a namespaced Policy. */
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  /** Where the policy came from (file path), for messages. */
  source: string;
  /** SHA-256 of the policy document: part of every cache key, so an edited policy never reuses a verdict. */
  hash: string;
  validationFailureAction: FailureAction;
  validationFailureActionOverrides: ValidationFailureActionOverride[];
  failurePolicy: FailurePolicy;
  timeoutSeconds: number;
  applyRules: 'All' | 'One';
  /** Whether autogen rules are made for pod controllers (annotation `pod-policies.kyverno.io/autogen-controllers`). */
  autogenControllers: string[];
  /**
   * false when annotated `policies.kyverno.io/scored: "false"`: Kyverno then reports a failing rule as
   * `warn` in PolicyReports and the CLI's summary (a report/CLI matter; admission blocking is unchanged).
   */
  scored?: boolean;
  rules: Rule[];
  /** Rules notary-gate does not run (validate, mutate, generate…): Kyverno's to run; reported, never silently claimed. */
  ignoredRules: string[];
  /** Fields accepted with a documented difference (e.g. `repository`): shown by `apply` and the gateway's load report. */
  warnings: PolicyWarning[];
}

/** PolicyException (kyverno.io/v2, v2beta1): skips named rules of named policies for matching resources. */
export interface PolicyException {
  apiVersion: 'kyverno.io/v2' | 'kyverno.io/v2beta1';
  name: string;
  namespace: string;
  source: string;
  /** Only `any`/`all` (no legacy top-level resources). */
  match: MatchResources;
  conditions?: AnyAllConditions;
  /** policyName: `ns/name` for a Policy, `name` for a ClusterPolicy (exact); ruleNames: wildcards. */
  exceptions: { policyName: string; ruleNames: string[] }[];
}
