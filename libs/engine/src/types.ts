/**
 * The engine's inputs and its verdict. Rule results use Kyverno's vocabulary:
 * pass / fail / warn / error / skip.
 */
import type { AdmissionRequest, JsonPatchOperation } from '@notary-gate/admission';
import type { JobsPort, RegistryCredentialEntry } from '@notary-gate/contracts';
import type { Policy, PolicyException, PolicyIdentity, RequesterRoles, RequestUser } from '@notary-gate/policy';

export type RuleStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export interface RuleResult {
  /** The policy's name, as Kyverno prints it. */
  policy: string;
  /** Who the result belongs to: kind/namespace/name (two policies may share a name). */
  identity: PolicyIdentity;
  rule: string;
  status: RuleStatus;
  message: string;
  /** The image this response is about (Kyverno's image string), when any. */
  image?: string;
  /** Kyverno emits a warning for fail/error/warn responses and skipImageReferences skips. */
  warn?: boolean;
}

export interface Verdict {
  allowed: boolean;
  /** Kyverno's denial message when denied, else null. */
  message: string | null;
  /** JSONPatch for an allowed request (annotations first, then digest pins). */
  patch: JsonPatchOperation[];
  warnings: string[];
  results: RuleResult[];
}

/** A ConfigMap as `context` entries see it: `{data, metadata}`. */
export interface ConfigMapData {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** Where `configMap` context entries come from (the Kubernetes API, or manifests given to the CLI). */
export interface ConfigMapSource {
  /** null when the ConfigMap does not exist; throws when the source cannot be read. */
  get(namespace: string, name: string): Promise<ConfigMapData | null>;
}

/** A fact about the cluster could not be had (API unreachable, not synced, RBAC forbids): the admission is undecided. */
export class FactUnavailable extends Error {
  override readonly name = 'FactUnavailable';
}

/**
 * Facts about the cluster that match, exclude, overrides and exceptions need,
 * read where Kyverno reads them (the API, through watch-backed caches in the
 * gateway; files in the CLI). Each method throws FactUnavailable when the fact
 * cannot be known; it is called only when a policy needs that fact.
 */
export interface ClusterFacts {
  /** Labels of a namespace (always with `kubernetes.io/metadata.name`); null when the namespace does not exist. */
  namespaceLabels(namespace: string): Promise<Record<string, string> | null>;
  /** The requester's roles from RoleBindings and ClusterRoleBindings, as Kyverno's userinfo computes them. */
  requesterRoles(user: RequestUser): Promise<RequesterRoles>;
  /** PolicyExceptions in force (already restricted to the namespaces exceptions may live in). */
  policyExceptions(): Promise<PolicyException[]>;
}

/** What the engine asks for the registry credentials of one image under one verifyImages entry. */
export interface CredentialsQuery {
  /** The image's registry host as jobs name it (`docker.io`, `registry.example:5000`). */
  registry: string;
  /** `registry/path` of the image: docker config keys may name a repository path. */
  repository: string;
  /** The request's namespace: where the pod's pull secrets live. */
  namespace: string;
  /** The pod's (or its template's) `imagePullSecrets` names, in order. */
  pullSecrets: string[];
  /** The entry's `imageRegistryCredentials`: when set, only these Secrets are used, never the pod's. */
  ruleCredentials?: { secrets: string[] };
}

/**
 * Where registry credentials come from (the gateway: Secrets read from its
 * own cluster's API). Answers the credential for the image, or undefined for
 * none; throws FactUnavailable naming the Secret that cannot be had. It is
 * asked only when there is a Secret to read (the pod's imagePullSecrets or the
 * entry's imageRegistryCredentials): with neither, an image has none.
 */
export interface RegistryCredentialsSource {
  credentialsFor(query: CredentialsQuery): Promise<RegistryCredentialEntry | undefined>;
}

export interface EngineOptions {
  jobs: JobsPort;
  configMaps: ConfigMapSource;
  /** Cluster facts; the engine treats a missing port as "no such facts can be had" (undecided when needed). */
  clusterFacts?: ClusterFacts;
  /** Registry credentials per image; none (the CLI): jobs carry none and the workers use their own docker config. */
  registryCredentials?: RegistryCredentialsSource;
  /** Absolute deadline (epoch ms); defaults to now + the policies' timeout minus a margin. */
  deadline?: number;
  requestId?: string;
  /** Notation's per-artifact signature limit; Kyverno uses 10. */
  maxSignatureAttempts?: number;
  now?: () => number;
  /**
   * Variables supplied from outside (the CLI's `--values-file`): dotted paths
   * set in a rule's context; a `context` entry of the same name is not loaded
   * (Kyverno's CLI store: supplied values win).
   */
  variables?: RuleVariables;
}

/** The variables supplied for one rule of one policy, on one resource. */
export type RuleVariables = (policy: Policy, ruleName: string) => Record<string, unknown> | undefined;

export interface AdmissionInput {
  request: AdmissionRequest;
  policies: Policy[];
}
