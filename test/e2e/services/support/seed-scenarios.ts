/**
 * The seed's scenarios (seed/README.md §3–§5, as the policy engine suite
 * states them) asked of a running gateway with real AdmissionReviews: allowed
 * responses carry the base64 JSONPatch pinning `tag@digest`, denials carry
 * Kyverno's message in `status.message` with code 403. One definition, run
 * against the distributed services and the embedded `serve` alike.
 */
import { applyPatch } from '@notary-gate/admission';
import { deploymentRequest, podRequest } from '../../../support/admission';
import { patchOf, review } from './review-client';
import type { SeedWorld } from './seed-world';

/** The policy directories a scenario runs under (one gateway each: two seed policies share a name). */
export type PolicySet = 'notary' | 'notary-audit' | 'sbom' | 'sbom-without-configmaps' | 'trivy-vex';

export interface PolicySetSpec {
  files: Record<string, string>;
  /** Serve the world's ConfigMap directory (default true). */
  configMaps?: boolean;
}

export function policySets(world: SeedWorld): Record<PolicySet, PolicySetSpec> {
  const seed = world.seed.policies;
  return {
    notary: { files: { 'check-image-notary.yaml': seed['check-image-notary.yaml']! } },
    'notary-audit': {
      files: { 'check-image-notary.yaml': seed['check-image-notary.yaml']!.replace('failureAction: Enforce', 'failureAction: Audit\n          mutateDigest: false') },
    },
    sbom: { files: { 'check-image-sbom-license.yaml': seed['check-image-sbom-license.yaml']! } },
    'sbom-without-configmaps': { files: { 'check-image-sbom-license.yaml': seed['check-image-sbom-license.yaml']! }, configMaps: false },
    'trivy-vex': { files: { 'check-image-trivy-vex.yaml': seed['check-image-trivy-vex.yaml']! } },
  };
}

/** Defines the scenarios as tests; `gateway(set)` is the URL of a gateway serving that policy set. */
export function describeSeedScenarios(world: () => SeedWorld, gateway: (set: PolicySet) => string): void {
  const image = (tag: string) => world().image(tag);
  const artifact = (tag: keyof SeedWorld['seed']['images']) => `${world().seed.repository}@${world().seed.images[tag].digest}`;

  describe('seed §3: check-image-notary', () => {
    it('allows the signed pod, pinning its tag to the verified digest in a base64 JSONPatch', async () => {
      const request = podRequest(image('signed'), { uid: 'signed-pod' });
      const response = await review(gateway('notary'), request);
      expect(response).toMatchObject({ uid: 'signed-pod', allowed: true, patchType: 'JSONPatch' });
      expect(response.status).toBeUndefined();
      const patch = patchOf(response);
      expect(patch).toContainEqual({ op: 'replace', path: '/spec/containers/0/image', value: `${image('signed')}@${world().seed.images.signed.digest}` });
      const mutated = applyPatch(request.object!, patch) as { metadata: { annotations: Record<string, string> }; spec: { containers: { image: string }[] } };
      expect(mutated.spec.containers[0]!.image).toBe(`${image('signed')}@${world().seed.images.signed.digest}`);
      expect(JSON.parse(mutated.metadata.annotations['kyverno.io/verify-images']!)).toEqual({ [artifact('signed')]: 'pass' });
    });

    it('denies the unsigned pod with 403 and the seed message, character for character', async () => {
      const response = await review(gateway('notary'), podRequest(image('unsigned')));
      expect(response.allowed).toBe(false);
      expect(response.patch).toBeUndefined();
      expect(response.status).toEqual({
        code: 403,
        message:
          '\n\nresource Pod/default/test was blocked due to the following policies \n\n' +
          'check-image-notary:\n' +
          `  verify-signature-notary: 'failed to verify image ${image('unsigned')}: .attestors[0].entries[0]: failed to verify ${artifact('unsigned')}: ` +
          `no signature is associated with "${artifact('unsigned')}", make sure the image was signed successfully'\n`,
      });
    });

    it('denies an image signed by a certificate the policy does not trust', async () => {
      const response = await review(gateway('notary'), podRequest(image('wrong-signer')));
      expect(response.allowed).toBe(false);
      expect(response.status?.code).toBe(403);
      expect(response.status?.message).toContain(
        `  verify-signature-notary: |-\n    failed to verify image ${image('wrong-signer')}: .attestors[0].entries[0]: failed to verify ${artifact('wrong-signer')}: signature verification failed\n    failed to verify signature with digest sha256:`,
      );
      expect(response.status?.message).toContain(", the signature's certificate chain does not contain any trusted certificate\n");
    });

    it('Audit mode allows the unsigned pod with a warning and records the failure', async () => {
      const response = await review(gateway('notary-audit'), podRequest(image('unsigned')));
      expect(response.allowed).toBe(true);
      expect(response.warnings).toHaveLength(1);
      expect(response.warnings![0]).toMatch(/^policy check-image-notary\.verify-signature-notary: failed to verify image .*no signature is associated with/);
      const patch = patchOf(response);
      expect(patch.find((op) => op.path === '/spec/containers/0/image')).toBeUndefined();
      expect(patch.find((op) => op.path === '/metadata/annotations/kyverno.io~1verify-images')?.value).toBe(`{"${image('unsigned')}":"fail"}`);
    });

    it('covers a Deployment through the autogen rule', async () => {
      const allowed = await review(gateway('notary'), deploymentRequest(image('signed')));
      expect(allowed.allowed).toBe(true);
      expect(patchOf(allowed)).toContainEqual({ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${image('signed')}@${world().seed.images.signed.digest}` });
      const denied = await review(gateway('notary'), deploymentRequest(image('unsigned'), 'web-unsigned'));
      expect(denied.allowed).toBe(false);
      expect(denied.status?.code).toBe(403);
      expect(denied.status?.message).toContain('resource Deployment/default/web-unsigned was blocked due to the following policies');
      expect(denied.status?.message).toContain('  autogen-verify-signature-notary: ');
    });

    it('the validating webhook admits the pod as mutated (pinned, recorded verified) and refuses it unpinned', async () => {
      const request = podRequest(image('signed'), { uid: 'validate-signed' });
      const mutated = applyPatch(request.object!, patchOf(await review(gateway('notary'), request)));
      const pinned = await review(gateway('notary'), { ...request, uid: 'validate-pinned', object: mutated as typeof request.object }, '/validate');
      expect(pinned).toEqual({ uid: 'validate-pinned', allowed: true });
      const unpinned = await review(gateway('notary'), { ...request, uid: 'validate-unpinned' }, '/validate');
      expect(unpinned.allowed).toBe(false);
      expect(unpinned.status?.code).toBe(403);
    });

    it('leaves images outside imageReferences alone: allowed, no patch', async () => {
      const response = await review(gateway('notary'), podRequest(`${world().registry.host}/other/app:1`));
      expect(response).toEqual({ uid: 'uid-test', allowed: true });
    });
  });

  describe('seed §4: check-image-sbom-license', () => {
    it('allows the pod whose SBOM lists only GPL-3.0, signed with the certificate', async () => {
      const response = await review(gateway('sbom'), podRequest(image('signed')));
      expect(response.allowed).toBe(true);
      expect(response.status).toBeUndefined();
    });

    it('denies the pod whose SBOM carries another license, with the attestation failure', async () => {
      const response = await review(gateway('sbom'), podRequest(image('mit')));
      expect(response.allowed).toBe(false);
      expect(response.status?.code).toBe(403);
      expect(response.status?.message).toContain('check-image-attestation:\n');
      expect(response.status?.message).toContain(
        `image attestations verification failed, verifiedCount: 0, requiredCount: 1, error: .attestations[0].attestors[0].entries[0]: attestation checks failed for ${artifact('mit')} and predicate sbom/cyclone-dx`,
      );
    });

    it('is a rule error (denied) when the context ConfigMap is missing', async () => {
      const response = await review(gateway('sbom-without-configmaps'), podRequest(image('signed')));
      expect(response.allowed).toBe(false);
      expect(response.status?.message).toContain('failed to load context: failed to retrieve config map for context entry keys: configmaps "keys" not found in namespace "kyverno"');
    });
  });

  describe('seed §5: check-image-trivy-vex', () => {
    it('allows the pod when every trivy vulnerability is in the VEX', async () => {
      const response = await review(gateway('trivy-vex'), podRequest(image('signed')));
      expect(response.allowed).toBe(true);
    });

    it('denies the pod when trivy reports a vulnerability the VEX does not', async () => {
      const response = await review(gateway('trivy-vex'), podRequest(image('vex-gap')));
      expect(response.allowed).toBe(false);
      expect(response.status?.code).toBe(403);
      expect(response.status?.message).toContain("check-image-attestation:\n  verify-attestation-notary: 'validation in verifyImages failed: All vulnerabilities in trivy and vex should be same'\n");
    });
  });
}
