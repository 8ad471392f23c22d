/**
 * Orchestration semantics with a scripted jobs port (the boundary the engine
 * owns): attestor counts and paths, errors vs failures under failurePolicy,
 * the deadline, skips, and per-request coalescing. The same engine runs
 * against the real registry and workers in test/e2e/engine.
 */
import { JobErrorCodes, JobFailure, type DiscoverRequest, type JobsPort, type VerifyRequest } from '@notary-gate/contracts';
import { parsePolicyDocuments } from '@notary-gate/policy';
import type { AdmissionRequest } from '@notary-gate/admission';
import { evaluateAdmission } from './evaluate-admission';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const IMAGE = 'registry.test/team/app:1.0';

function pod(...images: string[]): AdmissionRequest {
  return {
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    name: 'test',
    namespace: 'default',
    operation: 'CREATE',
    object: { kind: 'Pod', metadata: { name: 'test', namespace: 'default' }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } },
    oldObject: null,
  };
}

function policyYaml(attestors: string, extra = ''): string {
  return `apiVersion: kyverno.io/v2beta1
kind: ClusterPolicy
metadata: {name: p}
spec:
${extra}  rules:
    - name: r
      match: {any: [{resources: {kinds: [Pod]}}]}
      verifyImages:
        - type: Notary
          imageReferences: ['registry.test/*']
          skipImageReferences: ['registry.test/skipped/*']
          failureAction: Enforce
          attestors:
${attestors}`;
}

const certs = (...names: string[]) => names.map((name) => `                - certificates: {cert: '${name}'}`).join('\n');

/** A port whose verify answers by the trust anchor text: "good" verifies, "bad" fails, "down" is an outage, "hang" never answers. */
function scriptedPort(calls: { discover: DiscoverRequest[]; verify: VerifyRequest[] }): JobsPort {
  return {
    discover: async (request) => {
      calls.discover.push(request);
      return { repository: 'registry.test/team/app', descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 10 }, referrers: {} };
    },
    verify: async (request) => {
      calls.verify.push(request);
      const anchor = request.trustAnchorsPem.trim();
      if (anchor === 'good') return { verified: true, digest: DIGEST, signatureDigest: 'sha256:' + 'cd'.repeat(32) };
      if (anchor === 'down') throw new JobFailure(JobErrorCodes.registryUnavailable, 'registry.test: connection refused');
      if (anchor === 'hang') return new Promise(() => undefined);
      return { verified: false, digest: DIGEST, code: 'ERR_UNTRUSTED', message: `rejected by ${anchor}` };
    },
    evaluate: async () => ({ attestations: [] }),
  };
}

async function run(yaml: string, request = pod(IMAGE), deadline?: number) {
  const calls = { discover: [] as DiscoverRequest[], verify: [] as VerifyRequest[] };
  const verdict = await evaluateAdmission(request, parsePolicyDocuments(yaml, 'p.yaml').policies, {
    jobs: scriptedPort(calls),
    configMaps: { get: async () => null },
    ...(deadline !== undefined ? { deadline: Date.now() + deadline } : {}),
  });
  return { verdict, calls };
}

describe('attestor sets and count', () => {
  it('count 1: a later entry may verify after an earlier one failed', async () => {
    const { verdict } = await run(policyYaml(`            - count: 1\n              entries:\n${certs('bad', 'good')}`));
    expect(verdict.allowed).toBe(true);
    expect(verdict.patch).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${IMAGE}@${DIGEST}` });
  });

  it('count unset: every entry must verify, failures carry their entry path', async () => {
    const { verdict } = await run(policyYaml(`            - entries:\n${certs('good', 'bad', 'worse')}`));
    expect(verdict.allowed).toBe(false);
    expect(verdict.results[0]!.message).toBe(
      `failed to verify image ${IMAGE}: .attestors[0].entries[1]: failed to verify registry.test/team/app@${DIGEST}: rejected by bad; ` +
        `.attestors[0].entries[2]: failed to verify registry.test/team/app@${DIGEST}: rejected by worse`,
    );
  });

  it('every set must pass; the first failing set is reported', async () => {
    const { verdict } = await run(policyYaml(`            - entries:\n${certs('good')}\n            - entries:\n${certs('bad')}`));
    expect(verdict.results[0]!.message).toContain('.attestors[1].entries[0]: failed to verify');
  });

  it('nested attestors report their full path', async () => {
    const nested = `            - entries:\n                - attestor:\n                    entries:\n                      - certificates: {cert: 'bad'}`;
    const { verdict } = await run(policyYaml(nested));
    expect(verdict.results[0]!.message).toContain(': .attestors[0].entries[0].attestor.entries[0]: failed to verify');
  });
});

describe('failure policy, errors and the deadline', () => {
  it('a registry outage is a rule error: blocked under failurePolicy Fail', async () => {
    const { verdict } = await run(policyYaml(`            - entries:\n${certs('down')}`));
    expect(verdict.results[0]).toMatchObject({ status: 'error' });
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toContain('connection refused');
  });

  it('a registry outage is tolerated under failurePolicy Ignore, with a warning', async () => {
    const { verdict } = await run(policyYaml(`            - entries:\n${certs('down')}`, '  webhookConfiguration: {failurePolicy: Ignore}\n'));
    expect(verdict.allowed).toBe(true);
    expect(verdict.warnings[0]).toMatch(/^policy p\.r: failed to verify image .*connection refused$/);
  });

  it('Ignore does not tolerate a verified failure (Enforce + fail still blocks)', async () => {
    const { verdict } = await run(policyYaml(`            - entries:\n${certs('bad')}`, '  webhookConfiguration: {failurePolicy: Ignore}\n'));
    expect(verdict.allowed).toBe(false);
  });

  it('a tier that never answers: Fail denies within the deadline, naming the timeout', async () => {
    const started = Date.now();
    const { verdict } = await run(policyYaml(`            - entries:\n${certs('hang')}`, '  webhookConfiguration: {timeoutSeconds: 2}\n'), pod(IMAGE), 300);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toBe('notary-gate: verification did not complete within the webhook timeout of 2s for Pod/default/test (failurePolicy Fail)');
  });

  it('a tier that never answers: Ignore allows unmodified with a warning', async () => {
    const { verdict } = await run(policyYaml(`            - entries:\n${certs('hang')}`, '  webhookConfiguration: {failurePolicy: Ignore}\n'), pod(IMAGE), 200);
    expect(verdict).toMatchObject({ allowed: true, patch: [] });
    expect(verdict.warnings[0]).toContain('admitted unverified (failurePolicy Ignore)');
  });
});

describe('images of a request', () => {
  it('skipImageReferences skips with a warning and records skip', async () => {
    const { verdict, calls } = await run(policyYaml(`            - entries:\n${certs('bad')}`), pod('registry.test/skipped/app:1'));
    expect(verdict.allowed).toBe(true);
    expect(verdict.results[0]).toMatchObject({ status: 'skip', message: 'skipping image reference image registry.test/skipped/app:1, policy p ruleName r' });
    expect(verdict.warnings).toEqual(['policy p.r: skipping image reference image registry.test/skipped/app:1, policy p ruleName r']);
    expect(calls.verify).toHaveLength(0);
  });

  it('asks the tier once for the same image and trust material in one request', async () => {
    const { verdict, calls } = await run(policyYaml(`            - entries:\n${certs('good')}`), pod(IMAGE, IMAGE, IMAGE));
    expect(verdict.allowed).toBe(true);
    expect(calls.discover).toHaveLength(1);
    expect(calls.verify).toHaveLength(1);
    expect(verdict.patch.filter((op) => op.op === 'replace')).toHaveLength(3);
  });

  it('never pins an image that already carries a digest', async () => {
    const { verdict } = await run(policyYaml(`            - entries:\n${certs('good')}`), pod(`registry.test/team/app@${DIGEST}`));
    expect(verdict.allowed).toBe(true);
    expect(verdict.patch.some((op) => op.op === 'replace')).toBe(false);
  });
});
