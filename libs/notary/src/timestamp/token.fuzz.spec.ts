/**
 * Robustness of RFC 3161 token parsing and verification against hostile
 * bytes, beyond the single-byte corruptions of verify.spec.ts: flips,
 * inserts, deletes, truncations, splices of a real GlobalSign token. Each
 * case returns or throws a TimestampError — never another exception, never
 * slowly. Deterministic: fixed seed and count (test/support/fuzz.ts).
 */
import { readFileSync } from 'node:fs';
import { fuzzSeed, mutateBytes, runFuzz } from '../../../../test/support/fuzz';
import { notationGoPath } from '../conformance/vectors';
import { parseCertificates } from '../x509/certificate';
import { TimestampError } from './errors';
import { parseTimestampToken } from './token';
import { readEnvelopeTimestampParts } from './vector-envelopes';
import { verifyTimestamp } from './verify';

const parts = readEnvelopeTimestampParts(notationGoPath('envelopes/notation-go/timestamp/jwsWithTimestamp.sig'), 'application/jose+json');
const tsaRoots = parseCertificates(readFileSync(notationGoPath('truststores/notation-go/truststore/x509/tsa/test-timestamp/globalsignRoot.cer')));

function expectTimestampErrorOnly(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof TimestampError)) throw new Error(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} instead of a TimestampError`);
    expect(error.code).not.toBe('ERR_INCONCLUSIVE');
  }
}

describe('timestamp token fuzzing', () => {
  it('mutated tokens: parsed and verified, or a TimestampError: 1000 cases', async () => {
    expect(() => verifyTimestamp({ token: parts.token!, signature: parts.signature, tsaRoots })).not.toThrow();
    await runFuzz('timestamp token', {
      seed: fuzzSeed(0x75a00001),
      cases: 1000,
      maxCaseMs: 50,
      generate: (rng) => mutateBytes(parts.token!, rng),
      check: (token) => {
        expectTimestampErrorOnly(() => parseTimestampToken(token));
        expectTimestampErrorOnly(() => verifyTimestamp({ token, signature: parts.signature, tsaRoots }));
      },
    });
  });
});
