/**
 * Conformance with the real notation CLI (v1.3.2): the 15 signatures of
 * `vectors/notation-cli/` verified from files — envelope against the target
 * descriptor, trust anchors = the listed certificates in an in-memory `ca`
 * store, under a strict `*`-scoped statement trusting any identity (what the
 * recorded `notation verify` runs used). The reason notation printed for an
 * invalid case must be our error, word for word.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNotaryError } from '../errors';
import type { TrustPolicyStatement } from '../trustpolicy/statement';
import { MemoryTrustStore } from '../truststore/memory-trust-store';
import { verifySignature } from '../verifier/verify-signature';
import { NOTATION_CLI_DIR, notationCliCases } from './vectors';

/**
 * The `*-expired` signatures were made with `--expiry 1s` on 2026-11-24 at
 * 23:05:08 UTC and verified right after; any time after 23:05:09 that day
 * (and before the certificates' 2036 expiry) reproduces the recorded runs.
 */
const NOW = new Date('2026-11-25T00:00:00Z');

const STATEMENT: TrustPolicyStatement = {
  name: 'vectors',
  signatureVerification: { level: 'strict' },
  trustStores: ['ca:vectors'],
  trustedIdentities: ['*'],
};

/** notation's words for a failed signature: `Signature sha256:… failed verification with error: <reason>`. */
function recordedReason(caseName: string): string | null {
  const output = readFileSync(join(NOTATION_CLI_DIR, 'cases', caseName, 'notation-verify.txt'), 'utf8');
  return /failed verification with error: (.*)$/m.exec(output)?.[1] ?? null;
}

describe('notation CLI vectors (from files)', () => {
  const cases = notationCliCases();
  it('has the 15 cases', () => expect(cases).toHaveLength(15));

  it.each(cases)('%s', async (name, c) => {
    const trustStore = new MemoryTrustStore();
    for (const anchor of c.trustAnchors) {
      trustStore.add('ca', 'vectors', { label: anchor, certificates: readFileSync(join(NOTATION_CLI_DIR, anchor)) });
    }
    const descriptor = JSON.parse(readFileSync(join(NOTATION_CLI_DIR, 'cases', name, 'target-descriptor.json'), 'utf8')) as typeof c.target;
    expect({ mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size }).toEqual(c.target);

    const outcome = await verifySignature({
      envelope: readFileSync(join(NOTATION_CLI_DIR, 'cases', name, c.envelope)),
      signatureMediaType: c.envelope.endsWith('.cose') ? 'application/cose' : 'application/jose+json',
      targetDescriptor: c.target,
      trustPolicy: STATEMENT,
      trustStore,
      now: NOW,
    });

    if (c.expected === 'valid') {
      expect(outcome.error).toBeNull();
      expect(outcome.results.map((result) => [result.type, result.action, result.error])).toEqual([
        ['integrity', 'enforce', null],
        ['authenticity', 'enforce', null],
        ['expiry', 'enforce', null],
        ['authenticTimestamp', 'enforce', null],
        ['revocation', 'enforce', null],
      ]);
    } else {
      expect(isNotaryError(outcome.error)).toBe(true);
      expect(outcome.error!.message).toContain(c.notationReason!);
      expect(outcome.error!.message).toBe(recordedReason(name));
    }
  });
});
