/**
 * The known fields of every object in a Kyverno ClusterPolicy / Policy
 * (kyverno.io/v1, v2beta1) and PolicyException (kyverno.io/v2, v2beta1), as
 * Kyverno's CRDs declare them (config/crds/kyverno/kyverno.io_clusterpolicies.yaml,
 * kyverno.io_policyexceptions.yaml; Go types in api/kyverno/v1, v2beta1, v2 of
 * KV@v1.14.0), and what notary-gate does with each:
 *
 * - `read`: the parser reads it into the model (and enforces it there);
 * - `noEffect`: accepted; it changes nothing at admission, in Kyverno as in
 *   notary-gate — the reason says why (shown by the field table in the tests);
 * - `refused`: the policy is refused with that reason.
 *
 * A key that is in no table is refused as `kubectl apply` (strict field
 * validation) refuses it: `unknown field "<path>"`.
 *
 * Why our own table and not `@kubernetes-models/kyverno`: its validators
 * (0.3.4, CommonJS; 2.0.0, ESM-only) are compiled from the Go OpenAPI without
 * `additionalProperties: false`, so they never flag an unknown field — the
 * one check that matters most here — and their errors are JSON pointers
 * without Kyverno's wording. The field lists below were read from the CRD.
 */

export type Shape =
  | { kind: 'string'; enum?: readonly string[] }
  | { kind: 'boolean' }
  | { kind: 'integer'; minimum?: number; maximum?: number }
  | { kind: 'object'; type: TypeName }
  | { kind: 'list'; items: Shape }
  /** `map[string]X` (annotations, imageExtractors by kind). */
  | { kind: 'map'; values: Shape }
  /** `{any, all}` or the legacy plain list of conditions (preconditions, validate.deny.conditions). */
  | { kind: 'conditions' }
  /** x-kubernetes-preserve-unknown-fields: any JSON value, never inspected for fields. */
  | { kind: 'json' };

export type Treatment = 'read' | { noEffect: string } | { refused: string };

export interface FieldSpec {
  shape: Shape;
  treatment: Treatment;
  required?: boolean;
}

export type ObjectSchema = Readonly<Record<string, FieldSpec>>;

const string = (extra: { enum?: readonly string[] } = {}): Shape => ({ kind: 'string', ...extra });
const boolean: Shape = { kind: 'boolean' };
const integer = (minimum?: number, maximum?: number): Shape => ({ kind: 'integer', ...(minimum !== undefined ? { minimum } : {}), ...(maximum !== undefined ? { maximum } : {}) });
const object = (type: TypeName): Shape => ({ kind: 'object', type });
const list = (items: Shape): Shape => ({ kind: 'list', items });
const stringMap: Shape = { kind: 'map', values: string() };
const json: Shape = { kind: 'json' };

const read = (shape: Shape, required = false): FieldSpec => ({ shape, treatment: 'read', ...(required ? { required } : {}) });
const noEffect = (shape: Shape, why: string): FieldSpec => ({ shape, treatment: { noEffect: why } });
const refused = (shape: Shape, why: string): FieldSpec => ({ shape, treatment: { refused: why } });

export const ACTIONS = ['audit', 'enforce', 'Audit', 'Enforce'] as const;
export const ENTRY_ACTIONS = ['Audit', 'Enforce'] as const;
export const OPERATIONS = ['CREATE', 'CONNECT', 'UPDATE', 'DELETE'] as const;
export const VERIFICATION_TYPES = ['Cosign', 'SigstoreBundle', 'Notary'] as const;
export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
/** KV@v1.14.0:api/kyverno/v1/image_verification_types.go `Attestor.Validate` (empty = the CRD default sha256). */
export const SIGNATURE_ALGORITHMS = ['sha224', 'sha256', 'sha384', 'sha512'] as const;

const REPORTS_ONLY = 'PolicyReport content only; notary-gate writes no PolicyReports and Kyverno does not read it at admission';
const KYVERNO_RULES = "applies to Kyverno's generate/mutate rules only (listed as not run by notary-gate); no effect on verifyImages";
const SERVER_METADATA = 'object metadata kept by the API server; no effect on admission';
const COSIGN_KEYLESS = 'Keyless field is not allowed for type notary (deprecated Cosign keyless setting; Kyverno converts it into a keyless attestor)';

/** metav1.ObjectMeta, as kubectl's strict validation knows it. */
const OBJECT_META: ObjectSchema = {
  name: read(string(), true),
  namespace: read(string()),
  uid: read(string()),
  resourceVersion: read(string()),
  /** pod-policies.kyverno.io/autogen-controllers and policies.kyverno.io/scored are read; the others are documentation. */
  annotations: read(stringMap),
  labels: noEffect(stringMap, 'labels on the policy object select nothing at admission'),
  generateName: noEffect(string(), SERVER_METADATA),
  generation: noEffect(json, SERVER_METADATA),
  creationTimestamp: noEffect(json, SERVER_METADATA),
  deletionTimestamp: noEffect(json, SERVER_METADATA),
  deletionGracePeriodSeconds: noEffect(json, SERVER_METADATA),
  finalizers: noEffect(json, SERVER_METADATA),
  ownerReferences: noEffect(json, SERVER_METADATA),
  managedFields: noEffect(json, SERVER_METADATA),
  selfLink: noEffect(json, SERVER_METADATA),
};

const LABEL_SELECTOR: ObjectSchema = {
  matchLabels: read(stringMap),
  matchExpressions: read(list(object('LabelSelectorRequirement'))),
};

const LABEL_SELECTOR_REQUIREMENT: ObjectSchema = {
  key: read(string(), true),
  operator: read(string({ enum: SELECTOR_OPERATORS }), true),
  values: read(list(string())),
};

const RESOURCE_DESCRIPTION: ObjectSchema = {
  kinds: read(list(string())),
  name: read(string()),
  names: read(list(string())),
  namespaces: read(list(string())),
  annotations: read(stringMap),
  selector: read(object('LabelSelector')),
  namespaceSelector: read(object('LabelSelector')),
  operations: read(list(string({ enum: OPERATIONS }))),
};

const SUBJECT: ObjectSchema = {
  /** Not an enum in the CRD: Kyverno checks it programmatically (parse-match.ts). */
  kind: read(string(), true),
  name: read(string(), true),
  namespace: read(string()),
  apiGroup: noEffect(string(), 'Kyverno matches subjects by kind and name only (KV@v1.14.0:pkg/utils/match/subjects.go)'),
};

const RESOURCE_FILTER: ObjectSchema = {
  resources: read(object('ResourceDescription')),
  subjects: read(list(object('Subject'))),
  roles: read(list(string())),
  clusterRoles: read(list(string())),
};

/** kyverno.io/v1 MatchResources: any/all, or the legacy filter written inline. */
const MATCH_RESOURCES_V1: ObjectSchema = {
  any: read(list(object('ResourceFilter'))),
  all: read(list(object('ResourceFilter'))),
  resources: read(object('ResourceDescription')),
  subjects: read(list(object('Subject'))),
  roles: read(list(string())),
  clusterRoles: read(list(string())),
};

/** kyverno.io/v2beta1 MatchResources (policies and exceptions): only any/all. */
const MATCH_RESOURCES_V2: ObjectSchema = {
  any: read(list(object('ResourceFilter'))),
  all: read(list(object('ResourceFilter'))),
};

const CONDITION: ObjectSchema = {
  key: read(json),
  operator: read(string(), true),
  value: read(json),
  message: read(string()),
};

const ANY_ALL_CONDITIONS: ObjectSchema = {
  any: read(list(object('Condition'))),
  all: read(list(object('Condition'))),
};

const CONTEXT_ENTRY: ObjectSchema = {
  name: read(string(), true),
  configMap: read(object('ConfigMapReference')),
  variable: read(object('Variable')),
  apiCall: refused(json, 'context entries of this kind are not supported by notary-gate (configMap and variable are)'),
  imageRegistry: refused(json, 'context entries of this kind are not supported by notary-gate (configMap and variable are)'),
  globalReference: refused(json, 'context entries of this kind are not supported by notary-gate (configMap and variable are)'),
};

const CONFIG_MAP_REFERENCE: ObjectSchema = {
  name: read(string(), true),
  namespace: read(string()),
};

const VARIABLE: ObjectSchema = {
  value: read(json),
  jmesPath: read(string()),
  default: read(json),
};

const IMAGE_EXTRACTOR: ObjectSchema = {
  path: read(string(), true),
  value: read(string()),
  name: read(string()),
  key: read(string()),
  jmesPath: read(string()),
};

const ATTESTOR_SET: ObjectSchema = {
  count: read(integer(1)),
  entries: read(list(object('Attestor'))),
};

const ATTESTOR: ObjectSchema = {
  certificates: read(object('CertificateAttestor')),
  /** x-kubernetes-preserve-unknown-fields in the CRD; Kyverno decodes it as an AttestorSet, and so do we — strictly. */
  attestor: read(object('AttestorSet')),
  keys: refused(json, 'Keys field is not allowed for type notary'),
  keyless: refused(json, 'Keyless field is not allowed for type notary'),
  repository: read(string()),
  annotations: refused(stringMap, "signature annotations are checked by Cosign only; Kyverno's Notary verifier ignores them, so this constraint would not be enforced"),
  signatureAlgorithm: read(string()),
};

const CERTIFICATE_ATTESTOR: ObjectSchema = {
  cert: read(string()),
  certChain: read(string()),
  rekor: refused(json, "Rekor transparency-log checks are Cosign's; Kyverno's Notary verifier ignores them, so they would not be enforced"),
  ctlog: refused(json, "certificate-transparency checks are Cosign's; Kyverno's Notary verifier ignores them, so they would not be enforced"),
};

const ATTESTATION: ObjectSchema = {
  name: read(string()),
  type: read(string()),
  predicateType: read(string()),
  attestors: read(list(object('AttestorSet'))),
  conditions: read(list(object('AnyAllConditions'))),
};

const VALIDATE_IMAGE_VERIFICATION: ObjectSchema = {
  message: read(string()),
  deny: read(object('Deny')),
};

const DENY: ObjectSchema = {
  /** x-kubernetes-preserve-unknown-fields in the CRD; Kyverno decodes {any, all} or a list, and so do we — strictly. */
  conditions: read({ kind: 'conditions' }),
};

/**
 * KV@v1.14.0:api/kyverno/v1/image_verification_types.go `ImageRegistryCredentials`, used by
 * pkg/engine/factories/registryclientfactory.go `GetClient`: when set, a client built from only these.
 */
const IMAGE_REGISTRY_CREDENTIALS: ObjectSchema = {
  secrets: read(list(string())),
  allowInsecureRegistry: refused(
    boolean,
    'skipping TLS verification per policy is not supported: the verification tier is shared by clusters and its registry transport (REGISTRY_INSECURE for the whole tier) is not chosen per job, so this rule would not be verified the way it says',
  ),
  providers: refused(
    list(string({ enum: ['default', 'amazon', 'azure', 'google', 'github'] })),
    "cloud keychains (default, amazon, azure, google, github) are Kyverno's own process credentials; notary-gate does not implement them per policy, so the rule would be verified with other credentials than it names",
  ),
};

const IMAGE_VERIFICATION_V2: ObjectSchema = {
  type: read(string({ enum: VERIFICATION_TYPES })),
  imageReferences: read(list(string())),
  skipImageReferences: read(list(string())),
  attestors: read(list(object('AttestorSet'))),
  attestations: read(list(object('Attestation'))),
  mutateDigest: read(boolean),
  verifyDigest: read(boolean),
  required: read(boolean),
  useCache: read(boolean),
  failureAction: read(string({ enum: ENTRY_ACTIONS })),
  validate: read(object('ValidateImageVerification')),
  repository: read(string()),
  imageRegistryCredentials: read(object('ImageRegistryCredentials')),
};

/** kyverno.io/v1 adds the deprecated single-key fields that `ImageVerification.Convert()` folds into attestors. */
const IMAGE_VERIFICATION_V1: ObjectSchema = {
  ...IMAGE_VERIFICATION_V2,
  image: read(string()),
  key: refused(string(), 'Keys field is not allowed for type notary (deprecated Cosign key; Kyverno converts it into a keys attestor)'),
  roots: refused(string(), COSIGN_KEYLESS),
  subject: refused(string(), COSIGN_KEYLESS),
  issuer: refused(string(), COSIGN_KEYLESS),
  additionalExtensions: refused(stringMap, COSIGN_KEYLESS),
  annotations: refused(stringMap, "signature annotations are checked by Cosign only; Kyverno's Notary verifier ignores them, so this constraint would not be enforced"),
  cosignOCI11: noEffect(boolean, "switches Cosign's OCI 1.1 signature lookup; Kyverno's Notary verifier does not read it"),
};

const RULE_V2: ObjectSchema = {
  name: read(string(), true),
  match: read(object('MatchResourcesV2'), true),
  exclude: read(object('MatchResourcesV2')),
  context: read(list(object('ContextEntry'))),
  preconditions: read({ kind: 'conditions' }),
  celPreconditions: refused(json, 'CEL preconditions are not evaluated by notary-gate; use preconditions (JMESPath) instead'),
  imageExtractors: read({ kind: 'map', values: list(object('ImageExtractorConfig')) }),
  verifyImages: read(list(object('ImageVerificationV2'))),
  validate: read(json),
  mutate: read(json),
  generate: read(json),
  skipBackgroundRequests: noEffect(boolean, 'concerns background (generate/mutate-existing) requests only, never an admission of a verifyImages rule'),
};

const RULE_V1: ObjectSchema = {
  ...RULE_V2,
  match: read(object('MatchResourcesV1'), true),
  exclude: read(object('MatchResourcesV1')),
  verifyImages: read(list(object('ImageVerificationV1'))),
  reportProperties: noEffect(stringMap, REPORTS_ONLY),
};

const OVERRIDE: ObjectSchema = {
  action: read(string({ enum: ACTIONS })),
  namespaces: read(list(string())),
  namespaceSelector: read(object('LabelSelector')),
};

const WEBHOOK_CONFIGURATION: ObjectSchema = {
  failurePolicy: read(string({ enum: ['Ignore', 'Fail'] })),
  timeoutSeconds: read(integer()),
  matchConditions: read(list(json)),
};

const SPEC_COMMON: ObjectSchema = {
  validationFailureAction: read(string({ enum: ACTIONS })),
  validationFailureActionOverrides: read(list(object('ValidationFailureActionOverride'))),
  failurePolicy: read(string({ enum: ['Ignore', 'Fail'] })),
  webhookTimeoutSeconds: read(integer()),
  webhookConfiguration: read(object('WebhookConfiguration')),
  applyRules: read(string({ enum: ['All', 'One'] })),
  admission: read(boolean),
  background: noEffect(boolean, 'background scans write PolicyReports for existing resources; notary-gate acts at admission only (admission is unaffected in Kyverno too)'),
  emitWarning: noEffect(boolean, "enables API warnings for the results of Kyverno's mutate and validate rules (KV@v1.14.0:api/kyverno/v1/spec_types.go); verifyImages results are unaffected"),
  generateExisting: noEffect(boolean, KYVERNO_RULES),
  generateExistingOnPolicyUpdate: noEffect(boolean, KYVERNO_RULES),
  mutateExistingOnPolicyUpdate: noEffect(boolean, KYVERNO_RULES),
  useServerSideApply: noEffect(boolean, KYVERNO_RULES),
  schemaValidation: noEffect(boolean, 'deprecated: Kyverno 1.13+ does not read it'),
};

const SPEC_V1: ObjectSchema = { ...SPEC_COMMON, rules: read(list(object('RuleV1')), true) };
const SPEC_V2: ObjectSchema = { ...SPEC_COMMON, rules: read(list(object('RuleV2')), true) };

const ROOT_COMMON: ObjectSchema = {
  apiVersion: read(string(), true),
  kind: read(string(), true),
  metadata: read(object('ObjectMeta'), true),
  status: noEffect(json, "written by Kyverno's controllers; never read at admission"),
};

const POLICY_V1: ObjectSchema = { ...ROOT_COMMON, spec: read(object('SpecV1'), true) };
const POLICY_V2: ObjectSchema = { ...ROOT_COMMON, spec: read(object('SpecV2'), true) };

const EXCEPTION_ROOT: ObjectSchema = {
  apiVersion: read(string(), true),
  kind: read(string(), true),
  metadata: read(object('ObjectMeta'), true),
  spec: read(object('ExceptionSpec'), true),
};

const EXCEPTION_SPEC: ObjectSchema = {
  background: read(boolean),
  match: read(object('MatchResourcesV2'), true),
  conditions: read(object('AnyAllConditions')),
  exceptions: read(list(object('Exception')), true),
  podSecurity: refused(
    json,
    "podSecurity exempts Pod Security Standard controls of Kyverno's validate.podSecurity rules; for a verifyImages rule Kyverno ignores it and skips the whole rule, so its intent cannot be honoured — split the exception",
  ),
};

const EXCEPTION: ObjectSchema = {
  policyName: read(string(), true),
  ruleNames: read(list(string()), true),
};

export type TypeName =
  | 'ObjectMeta'
  | 'LabelSelector'
  | 'LabelSelectorRequirement'
  | 'ResourceDescription'
  | 'Subject'
  | 'ResourceFilter'
  | 'MatchResourcesV1'
  | 'MatchResourcesV2'
  | 'Condition'
  | 'AnyAllConditions'
  | 'ContextEntry'
  | 'ConfigMapReference'
  | 'Variable'
  | 'ImageExtractorConfig'
  | 'AttestorSet'
  | 'Attestor'
  | 'CertificateAttestor'
  | 'Attestation'
  | 'ValidateImageVerification'
  | 'ImageRegistryCredentials'
  | 'Deny'
  | 'ImageVerificationV1'
  | 'ImageVerificationV2'
  | 'RuleV1'
  | 'RuleV2'
  | 'ValidationFailureActionOverride'
  | 'WebhookConfiguration'
  | 'SpecV1'
  | 'SpecV2'
  | 'PolicyV1'
  | 'PolicyV2'
  | 'PolicyException'
  | 'ExceptionSpec'
  | 'Exception';

export const SCHEMAS: Readonly<Record<TypeName, ObjectSchema>> = {
  ObjectMeta: OBJECT_META,
  LabelSelector: LABEL_SELECTOR,
  LabelSelectorRequirement: LABEL_SELECTOR_REQUIREMENT,
  ResourceDescription: RESOURCE_DESCRIPTION,
  Subject: SUBJECT,
  ResourceFilter: RESOURCE_FILTER,
  MatchResourcesV1: MATCH_RESOURCES_V1,
  MatchResourcesV2: MATCH_RESOURCES_V2,
  Condition: CONDITION,
  AnyAllConditions: ANY_ALL_CONDITIONS,
  ContextEntry: CONTEXT_ENTRY,
  ConfigMapReference: CONFIG_MAP_REFERENCE,
  Variable: VARIABLE,
  ImageExtractorConfig: IMAGE_EXTRACTOR,
  AttestorSet: ATTESTOR_SET,
  Attestor: ATTESTOR,
  CertificateAttestor: CERTIFICATE_ATTESTOR,
  Attestation: ATTESTATION,
  ValidateImageVerification: VALIDATE_IMAGE_VERIFICATION,
  ImageRegistryCredentials: IMAGE_REGISTRY_CREDENTIALS,
  Deny: DENY,
  ImageVerificationV1: IMAGE_VERIFICATION_V1,
  ImageVerificationV2: IMAGE_VERIFICATION_V2,
  RuleV1: RULE_V1,
  RuleV2: RULE_V2,
  ValidationFailureActionOverride: OVERRIDE,
  WebhookConfiguration: WEBHOOK_CONFIGURATION,
  SpecV1: SPEC_V1,
  SpecV2: SPEC_V2,
  PolicyV1: POLICY_V1,
  PolicyV2: POLICY_V2,
  PolicyException: EXCEPTION_ROOT,
  ExceptionSpec: EXCEPTION_SPEC,
  Exception: EXCEPTION,
};

/** Every field name any table knows (the generative test misspells only into names outside it). */
export const ALL_FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(SCHEMAS).flatMap((schema) => Object.keys(schema)));
