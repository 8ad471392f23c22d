/**
 * Robustness of certificate parsing and of the code-signing chain rules
 * against hostile bytes (x5c / x5chain entries, trust anchors in policies,
 * TSA certificates all come from outside). `parseCertificates` either returns
 * certificates whose every part reads without error, or throws an Error with
 * a message; `validateCodeSigningCertChain` either accepts or throws a
 * NotaryError — never another exception. Deterministic: fixed seeds and
 * counts; a failure prints how to replay it (test/support/fuzz.ts).
 */
import { readFileSync } from 'node:fs';
import { Rng, fuzzSeed, mutateBytes, runFuzz } from '../../../../test/support/fuzz';
import { fixturePath } from '../../../../test/support/fixtures';
import { NotaryError } from '../errors';
import { Certificate, parseCertificate, parseCertificates } from './certificate';
import { CertificateAuthority, toPem } from './builder';
import { validateCodeSigningCertChain } from './codesigning-chain';
import { goView } from './go-view';

const MAX_CASE_MS = 50;
const VECTOR_CERTS = ['ec-ca.pem', 'ec256-leaf.pem', 'ec384-leaf.pem', 'other-ca.pem', 'rsa-ca.pem', 'rsa-leaf.pem'].map((file) =>
  readFileSync(fixturePath('notation-cli/certs', file), 'utf8'),
);
const vectorCertificates = VECTOR_CERTS.flatMap((pem) => parseCertificates(pem));

const validity = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };
const root = CertificateAuthority.root({ keyAlgorithm: 'RSA-2048', ...validity });
const intermediate = root.intermediate({ keyAlgorithm: 'EC-256', ...validity });
const leaf = intermediate.issueCodeSigningLeaf({ keyAlgorithm: 'EC-256', ...validity });
/** A valid three-certificate chain, leaf first. */
const chain: Certificate[] = leaf.chain;
const ders = [...chain, ...vectorCertificates].map((certificate) => certificate.der);

/** Everything a caller reads from a certificate, lazily or not: none of it may throw once parsed. */
function readEverything(certificate: Certificate): void {
  void certificate.subject;
  void certificate.issuer;
  void certificate.rawSubject;
  void certificate.rawIssuer;
  void certificate.notBefore.getTime();
  void certificate.notAfter.getTime();
  void certificate.sha256Fingerprint;
  void certificate.publicKey.asymmetricKeyType;
  void goView(certificate).extKeyUsage;
}

function expectErrorWithMessage(error: unknown): void {
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string' || (error as Error).message === '') {
    throw new Error(`threw ${String(error)} without a message`);
  }
}

/** parseCertificates: certificates fully readable, or an Error with a message. */
function checkParse(input: Buffer | string): Certificate[] {
  let parsed: Certificate[];
  try {
    parsed = parseCertificates(input);
  } catch (error) {
    expectErrorWithMessage(error);
    return [];
  }
  for (const certificate of parsed) readEverything(certificate);
  return parsed;
}

function expectNotaryErrorOnly(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof NotaryError)) throw new Error(`threw ${(error as Error)?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)} instead of a NotaryError`);
    expect(error.code).not.toBe('ERR_INCONCLUSIVE');
    expect(error.message.length).toBeGreaterThan(0);
  }
}

function mutatePem(pem: string, rng: Rng): { mutation: string; input: string } {
  const lines = pem.trim().split('\n');
  const body = lines.slice(1, -1);
  const at = rng.int(body.length);
  switch (rng.int(8)) {
    case 0:
      return { mutation: 'END line removed', input: lines.slice(0, -1).join('\n') };
    case 1:
      return { mutation: 'BEGIN line misspelt', input: pem.replace('BEGIN CERTIFICATE', rng.pick(['BEGIN CERTIFICAT', 'BEGIN PRIVATE KEY', 'BEGIN  CERTIFICATE'])) };
    case 2:
      return { mutation: `base64 line ${at} dropped`, input: [lines[0], ...body.filter((_, i) => i !== at), lines[lines.length - 1]].join('\n') };
    case 3: {
      const junk = rng.pick(['!!!!', '====', '\u0000', 'é', '-----', ' '.repeat(10), '\r']);
      body[at] = body[at]!.slice(0, 10) + junk + body[at]!.slice(10);
      return { mutation: `junk ${JSON.stringify(junk)} in line ${at}`, input: [lines[0], ...body, lines[lines.length - 1]].join('\n') };
    }
    case 4:
      return { mutation: 'CRLF line ends', input: pem.replace(/\n/g, '\r\n') };
    case 5:
      return { mutation: 'two blocks, the second truncated', input: pem + pem.slice(0, rng.int(pem.length)) };
    case 6:
      return { mutation: 'empty block', input: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n' };
    default: {
      const text = body.join('');
      const position = rng.int(text.length);
      const changed = text.slice(0, position) + rng.pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/']) + text.slice(position + 1);
      return { mutation: `base64 character @${position} changed`, input: `${lines[0]}\n${changed.replace(/(.{64})/g, '$1\n')}\n${lines[lines.length - 1]}\n` };
    }
  }
}

describe('certificate fuzzing', () => {
  it('regression: every single-bit flip of a real certificate fails in parseCertificate or reads completely', () => {
    // Before certificates were decoded eagerly, flips in the key, a name or an
    // extension parsed here and threw later (publicKey, subject, the chain
    // rules' Go view), which the envelope code reported as "inconclusive".
    const der = parseCertificates(VECTOR_CERTS[1]!)[0]!.der;
    let refused = 0;
    for (let bit = 0; bit < der.length * 8; bit += 3) {
      const flipped = Buffer.from(der);
      flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
      let certificate: Certificate;
      try {
        certificate = parseCertificate(flipped);
      } catch (error) {
        expectErrorWithMessage(error);
        refused++;
        continue;
      }
      readEverything(certificate);
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('parseCertificates on mutated DER (single and concatenated): certificates or an Error: 1500 cases', async () => {
    await runFuzz('certificate DER', {
      seed: fuzzSeed(0xce470001),
      cases: 1500,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng) => {
        const base = rng.bool(0.7) ? rng.pick(ders) : Buffer.concat([rng.pick(ders), rng.pick(ders)]);
        return mutateBytes(base, rng);
      },
      check: (input) => void checkParse(input),
    });
  });

  it('parseCertificates on mutated PEM: certificates or an Error: 500 cases', async () => {
    await runFuzz('certificate PEM', {
      seed: fuzzSeed(0xce470002),
      cases: 500,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng) => {
        const pem = rng.bool() ? rng.pick(VECTOR_CERTS) : toPem(rng.pick(chain).der, 'CERTIFICATE');
        return rng.bool(0.8) ? mutatePem(pem, rng) : { mutation: 'bytes', input: mutateBytes(Buffer.from(pem), rng).input.toString('latin1') };
      },
      check: (input) => void checkParse(input),
      show: (input) => JSON.stringify(input),
    });
  });

  it('validateCodeSigningCertChain on mutated chains: accepted or a NotaryError, never another exception: 800 cases', async () => {
    const pool = [...chain, ...vectorCertificates];
    await runFuzz('code-signing chain', {
      seed: fuzzSeed(0xce470003),
      cases: 800,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng) => {
        const candidate = [...chain];
        const what: string[] = [];
        const edits = rng.range(1, 3);
        for (let i = 0; i < edits; i++) {
          const at = rng.int(candidate.length + 1);
          switch (rng.int(5)) {
            case 0: {
              // A corrupted certificate that still parses, if the mutation allows it.
              if (candidate.length === 0) break;
              const target = rng.int(candidate.length);
              const mutated = mutateBytes(candidate[target]!.der, rng);
              try {
                candidate[target] = parseCertificate(mutated.input);
                what.push(`[${target}] ${mutated.mutation}`);
              } catch {
                what.push(`[${target}] unparsable mutation skipped`);
              }
              break;
            }
            case 1:
              candidate.splice(at, 0, rng.pick(pool));
              what.push(`insert @${at}`);
              break;
            case 2:
              if (candidate.length > 0) candidate.splice(rng.int(candidate.length), 1);
              what.push('drop one');
              break;
            case 3:
              candidate.reverse();
              what.push('reverse');
              break;
            default:
              candidate.splice(0, candidate.length, ...Array.from({ length: rng.range(0, 4) }, () => rng.pick(pool)));
              what.push('random chain');
          }
        }
        const signingTime = rng.pick([undefined, new Date('2030-01-01T00:00:00Z'), new Date('1990-01-01T00:00:00Z'), new Date(8.64e15)]);
        return { mutation: `${what.join(', ')}; signingTime ${signingTime?.toISOString() ?? 'none'}`, input: { chain: candidate, signingTime } };
      },
      check: ({ chain: candidate, signingTime }) => expectNotaryErrorOnly(() => validateCodeSigningCertChain(candidate, signingTime)),
      show: ({ chain: candidate }) => candidate.map((certificate) => certificate.der.toString('base64')).join(' | '),
    });
  });
});
