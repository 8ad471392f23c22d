/**
 * What the demo asks and what the example policies must answer: one line per
 * AdmissionReview of `examples/admission-reviews/`. The demo exits 1 when a
 * decision differs, so it doubles as a smoke test of an installation.
 */
import type { DemoTag } from './world';

export interface DemoScenario {
  /** File name in examples/admission-reviews/. */
  review: string;
  /** What is special about the image, in one line. */
  story: string;
  expect: 'allowed' | 'denied';
  /** For an allowed image of the world: the tag whose verified digest the patch must pin. */
  pins?: DemoTag;
  /** Words every denial message must contain (the policy and the reason). */
  because?: string[];
}

export const DEMO_SCENARIOS: readonly DemoScenario[] = [
  {
    review: '01-signed.json',
    story: "signed by the demo CA's signer; its signed SBOM lists GPL-3.0 only; its signed VEX covers every trivy finding",
    expect: 'allowed',
    pins: 'signed',
  },
  {
    review: '02-unsigned.json',
    story: 'no signature, no attestation',
    expect: 'denied',
    because: ['check-image-notary:', 'no signature is associated with'],
  },
  {
    review: '03-other-key.json',
    story: 'signed, but by a key that does not chain to the demo CA',
    expect: 'denied',
    because: ['check-image-notary:', 'does not contain any trusted certificate'],
  },
  {
    review: '04-sbom-mit.json',
    story: 'signed; its signed SBOM lists an MIT component (the policy allows GPL-3.0 only)',
    expect: 'denied',
    because: ['check-image-attestation:', 'attestation checks failed'],
  },
  {
    review: '05-vex-gap.json',
    story: 'signed; trivy reports CVE-2023-9999, which its signed VEX does not mention',
    expect: 'denied',
    because: ['check-image-trivy-vex:', 'All vulnerabilities in trivy and vex should be same'],
  },
  {
    review: '06-not-covered.json',
    story: 'an image no policy covers (imageReferences is ghcr.io/kyverno/test-verify-image*)',
    expect: 'allowed',
  },
];
