/**
 * Registry credentials on jobs (issue 9 §3): per image registry, per rule
 * (`imageRegistryCredentials` replaces the pod's pull secrets), a credential
 * that cannot be had follows failurePolicy naming it, none without a port,
 * and never in a verdict.
 */
import type { AdmissionRequest, KubernetesObject } from '@notary-gate/admission';
import type { DiscoverRequest, JobsPort, RegistryCredentialEntry, VerifyRequest } from '@notary-gate/contracts';
import { parsePolicyDocuments } from '@notary-gate/policy';
import { evaluateAdmission } from './evaluate-admission';
import { podPullSecrets } from './registry-credentials';
import { FactUnavailable, type CredentialsQuery, type RegistryCredentialsSource } from './types';
import { validateAdmission } from './validate-admission';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const SECRETS: Record<string, Record<string, RegistryCredentialEntry>> = {
  'pod-creds': { 'registry.test': { username: 'pod', password: 'pod-pw' }, 'other.test:5000': { username: 'pod-other', password: 'pod-other-pw' } },
  'policy-creds': { 'registry.test': { username: 'policy', password: 'policy-pw' } },
};

/** Secrets by name; the rule's secrets, when set, replace the pod's; the first Secret holding the registry wins. */
function tableSource(queries: CredentialsQuery[]): RegistryCredentialsSource {
  return {
    credentialsFor: async (query) => {
      queries.push(query);
      for (const name of query.ruleCredentials ? query.ruleCredentials.secrets : query.pullSecrets) {
        const secret = SECRETS[name];
        if (!secret) throw new FactUnavailable(`registry credentials unavailable: secret "${query.namespace}/${name}" not found`);
        if (secret[query.registry]) return secret[query.registry];
      }
      return undefined;
    },
  };
}

function recordingPort(calls: { discover: DiscoverRequest[]; verify: VerifyRequest[] }): JobsPort {
  return {
    discover: async (request) => {
      calls.discover.push(request);
      // `registry[:port]/path` without its tag or digest.
      const repository = request.image.split('@')[0]!.replace(/:[^:/]+$/, '');
      return { repository, descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 10 }, referrers: {} };
    },
    verify: async (request) => {
      calls.verify.push(request);
      return { verified: true, digest: DIGEST, signatureDigest: 'sha256:' + 'cd'.repeat(32) };
    },
    evaluate: async () => ({ attestations: [] }),
  };
}

function pod(images: string[], pullSecrets: string[]): AdmissionRequest {
  return {
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    name: 'app',
    namespace: 'team',
    operation: 'CREATE',
    object: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'app', namespace: 'team' },
      spec: { containers: images.map((image, index) => ({ name: `c${index}`, image })), imagePullSecrets: pullSecrets.map((name) => ({ name })) },
    },
    oldObject: null,
  };
}

function policy(rules: { name: string; references: string; credentials?: string }[], failurePolicy = 'Fail'): string {
  return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  failurePolicy: ${failurePolicy}
  rules:
${rules
  .map(
    (rule) => `    - name: ${rule.name}
      match: {any: [{resources: {kinds: [Pod]}}]}
      verifyImages:
        - type: Notary
          imageReferences: ['${rule.references}']
          failureAction: Enforce
${rule.credentials ? `          imageRegistryCredentials: {secrets: [${rule.credentials}]}\n` : ''}          attestors: [{entries: [{certificates: {cert: good}}]}]`,
  )
  .join('\n')}
`;
}

async function run(yaml: string, request: AdmissionRequest, withSource = true) {
  const calls = { discover: [] as DiscoverRequest[], verify: [] as VerifyRequest[] };
  const queries: CredentialsQuery[] = [];
  const verdict = await evaluateAdmission(request, parsePolicyDocuments(yaml, 'p.yaml').policies, {
    jobs: recordingPort(calls),
    configMaps: { get: async () => null },
    ...(withSource ? { registryCredentials: tableSource(queries) } : {}),
  });
  return { verdict, calls, queries };
}

const credentialsOf = (requests: { registryCredentials?: unknown }[]) => requests.map((request) => request.registryCredentials);

describe('registry credentials on jobs', () => {
  it("each image's jobs carry the pod's credential for that image's registry only", async () => {
    const { verdict, calls } = await run(policy([{ name: 'r', references: '*' }]), pod(['registry.test/team/app:1', 'other.test:5000/team/tool:2', 'public.test/x:1'], ['pod-creds']));
    expect(verdict.allowed).toBe(true);
    const byImage = Object.fromEntries(calls.discover.map((request) => [request.image, request.registryCredentials]));
    expect(byImage).toEqual({
      'registry.test/team/app:1': { 'registry.test': { username: 'pod', password: 'pod-pw' } },
      'other.test:5000/team/tool:2': { 'other.test:5000': { username: 'pod-other', password: 'pod-other-pw' } },
      'public.test/x:1': undefined,
    });
    const verifyByArtifact = Object.fromEntries(calls.verify.map((request) => [request.artifact.split('@')[0], request.registryCredentials]));
    expect(verifyByArtifact['registry.test/team/app']).toEqual({ 'registry.test': { username: 'pod', password: 'pod-pw' } });
    expect(verifyByArtifact['other.test:5000/team/tool']).toEqual({ 'other.test:5000': { username: 'pod-other', password: 'pod-other-pw' } });
    expect(verifyByArtifact['public.test/x']).toBeUndefined();
  });

  it("a rule's imageRegistryCredentials replace the pod's pull secrets for that rule only (Kyverno's fresh client)", async () => {
    const yaml = policy([
      { name: 'with-policy-creds', references: 'registry.test/*', credentials: 'policy-creds' },
      { name: 'with-pod-creds', references: 'registry.test/*' },
    ]);
    const { verdict, calls, queries } = await run(yaml, pod(['registry.test/team/app:1'], ['pod-creds']));
    expect(verdict.allowed).toBe(true);
    expect(new Set(credentialsOf(calls.discover).map((credentials) => JSON.stringify(credentials)))).toEqual(
      new Set([JSON.stringify({ 'registry.test': { username: 'policy', password: 'policy-pw' } }), JSON.stringify({ 'registry.test': { username: 'pod', password: 'pod-pw' } })]),
    );
    expect(queries).toEqual(
      expect.arrayContaining([
        { registry: 'registry.test', repository: 'registry.test/team/app', namespace: 'team', pullSecrets: ['pod-creds'], ruleCredentials: { secrets: ['policy-creds'] } },
        { registry: 'registry.test', repository: 'registry.test/team/app', namespace: 'team', pullSecrets: ['pod-creds'] },
      ]),
    );
    // Identical jobs under other credentials are not coalesced: two discovers, two verifies.
    expect(calls.discover).toHaveLength(2);
    expect(calls.verify).toHaveLength(2);
  });

  it('a credential that cannot be had follows failurePolicy, naming the secret; no job is sent', async () => {
    const denied = await run(policy([{ name: 'r', references: '*' }]), pod(['registry.test/team/app:1'], ['missing']));
    expect(denied.verdict.allowed).toBe(false);
    expect(denied.verdict.message).toContain('secret "team/missing" not found');
    expect(denied.calls.discover).toHaveLength(0);
    expect(denied.calls.verify).toHaveLength(0);

    const ignored = await run(policy([{ name: 'r', references: '*' }], 'Ignore'), pod(['registry.test/team/app:1'], ['missing']));
    expect(ignored.verdict.allowed).toBe(true);
    expect(ignored.verdict.patch).toEqual([]);
    expect(ignored.verdict.warnings.join('\n')).toContain('secret "team/missing" not found');
  });

  it('the validating phase carries the same credentials and follows failurePolicy the same way', async () => {
    const request = pod([`registry.test/team/app@${DIGEST}`], ['pod-creds']);
    const calls = { discover: [] as DiscoverRequest[], verify: [] as VerifyRequest[] };
    const policies = parsePolicyDocuments(policy([{ name: 'r', references: '*' }]), 'p.yaml').policies;
    const verdict = await validateAdmission(request, policies, { jobs: recordingPort(calls), configMaps: { get: async () => null }, registryCredentials: tableSource([]) });
    expect(verdict.allowed).toBe(true);
    expect(credentialsOf(calls.verify)).toEqual([{ 'registry.test': { username: 'pod', password: 'pod-pw' } }]);
    const missing = await validateAdmission(pod([`registry.test/team/app@${DIGEST}`], ['missing']), policies, { jobs: recordingPort(calls), configMaps: { get: async () => null }, registryCredentials: tableSource([]) });
    expect(missing.allowed).toBe(false);
    expect(missing.message).toContain('secret "team/missing" not found');
  });

  it('without a source (the CLI) jobs carry none', async () => {
    const { verdict, calls } = await run(policy([{ name: 'r', references: '*' }]), pod(['registry.test/team/app:1'], ['pod-creds']), false);
    expect(verdict.allowed).toBe(true);
    expect(credentialsOf([...calls.discover, ...calls.verify]).every((credentials) => credentials === undefined)).toBe(true);
  });

  it('credentials never reach the verdict (messages, results, warnings, patch)', async () => {
    const { verdict } = await run(policy([{ name: 'r', references: '*' }]), pod(['registry.test/team/app:1'], ['pod-creds']));
    expect(JSON.stringify(verdict)).not.toMatch(/pod-pw|pod-other-pw/);
  });
});

describe('podPullSecrets', () => {
  const withSpec = (kind: string, spec: unknown): KubernetesObject => ({ kind, metadata: { name: 'x' }, spec }) as KubernetesObject;
  it('reads the pod spec, a template, a CronJob job template; names in order, deduplicated', () => {
    const secrets = { imagePullSecrets: [{ name: 'a' }, { name: 'b' }, { name: 'a' }, {}, { name: 7 }] };
    expect(podPullSecrets(withSpec('Pod', secrets))).toEqual(['a', 'b']);
    expect(podPullSecrets(withSpec('Deployment', { template: { spec: secrets } }))).toEqual(['a', 'b']);
    expect(podPullSecrets(withSpec('CronJob', { jobTemplate: { spec: { template: { spec: secrets } } } }))).toEqual(['a', 'b']);
    expect(podPullSecrets(withSpec('ConfigMap', secrets))).toEqual([]);
    expect(podPullSecrets(withSpec('Pod', { imagePullSecrets: 'a' }))).toEqual([]);
  });
});
