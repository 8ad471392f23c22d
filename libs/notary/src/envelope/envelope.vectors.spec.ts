/**
 * The integrity step against every real envelope in the shared vectors:
 * notation-go's own test envelopes (with the verdicts notation-go gave,
 * `cases.json`), the notation CLI's envelopes (`notation-cli/`), and the
 * signatures inside the OCI layouts. Where notation failed integrity we must
 * fail with its exact message; everywhere else integrity must pass.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isNotaryError } from '../errors';
import { parseEnvelope, verifyEnvelope } from './envelope';
import { fixturePath } from '../../../../test/support/fixtures';

const VECTORS = fixturePath();
const NG = join(VECTORS, 'notation-go');
const CLI = join(VECTORS, 'notation-cli');

interface Case {
  id: string;
  kind: string;
  envelope?: string;
  signatureMediaType?: string;
  layout?: string;
  expected: { verdict: string; error: string | null; results?: Array<{ type: string; error: string | null }> };
}

const cases = (JSON.parse(readFileSync(join(NG, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

const isIntegrityMessage = (message: string): boolean =>
  message.startsWith('unable to parse the digital signature') || message.startsWith('signature is invalid');

/** The integrity error notation-go reported for a case, or null when integrity passed. */
function expectedIntegrityError(testCase: Case): string | null {
  const integrity = testCase.expected.results?.find((result) => result.type === 'integrity');
  if (integrity) return integrity.error;
  const error = testCase.expected.error;
  return error !== null && isIntegrityMessage(error) ? error : null;
}

function outcome(bytes: Buffer, mediaType: string): { ok: true } | { ok: false; code: string; message: string } {
  try {
    verifyEnvelope(bytes, mediaType);
    return { ok: true };
  } catch (error) {
    if (!isNotaryError(error)) throw error;
    return { ok: false, code: error.code, message: error.message };
  }
}

describe('notation-go cases (cases.json): the integrity step', () => {
  const envelopeCases = cases.filter((testCase) => testCase.envelope && testCase.signatureMediaType);
  it('covers every envelope case', () => {
    expect(envelopeCases.length).toBeGreaterThanOrEqual(80);
  });

  it.each(envelopeCases.map((testCase) => [testCase.id, testCase] as const))('%s', (_id, testCase) => {
    const bytes = readFileSync(join(NG, testCase.envelope!));
    const expected = expectedIntegrityError(testCase);
    const result = outcome(bytes, testCase.signatureMediaType!);
    if (expected === null) {
      expect(result).toEqual({ ok: true });
    } else {
      expect(result).toMatchObject({ ok: false, message: expected });
    }
  });
});

describe('every envelope file under notation-go/envelopes', () => {
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.p7s')) files.push(path);
    }
  };
  walk(join(NG, 'envelopes'));

  /** The media type notation would be told, and the outcome it gave (for files no case uses, derived from the README). */
  const expectations: Record<string, string | null> = {
    'notation/blob/malformed.jws.sig': "unable to parse the digital signature, error : invalid character 'm' looking for beginning of value",
    'notation-go/mock/ca_invalid_sig_env.json': 'signature is invalid. Error: illegal base64 data at input byte 242',
    'notation-go/mock/sa_invalid_sig_env.json': 'signature is invalid. Error: illegal base64 data at input byte 242',
    'derived-tampered/ca_valid_sig_env.payload-size-529.json': 'signature is invalid. Error: crypto/rsa: verification error',
    'derived-tampered/ca_valid_sig_env.protected-expiry-changed.json': 'signature is invalid. Error: crypto/rsa: verification error',
    'derived-tampered/jws_signature.x5c-replaced.sig': 'signature is invalid. Error: crypto/rsa: verification error',
    'derived-tampered/cose_signature.payload-size-482.sig': 'signature is invalid. Error: verification error',
    // encoding fixtures without a certificate chain (README: "not verifiable")
    'notation-core-go/jws-conformance.json': 'certificate chain is not present',
  };

  it.each(files.filter((file) => !file.endsWith('cose-conformance.json')).map((file) => [file.slice(NG.length + 11), file] as const))('%s', (name, file) => {
    const bytes = readFileSync(file);
    const mediaType = bytes[0] === 0xd2 ? 'application/cose' : 'application/jose+json';
    const expected = expectations[name] ?? null;
    const result = outcome(bytes, mediaType);
    if (expected === null) expect(result).toEqual({ ok: true });
    else expect(result).toMatchObject({ ok: false, message: expected });
  });
});

describe('notation CLI envelopes (notation-cli/cases)', () => {
  const caseNames = readdirSync(join(CLI, 'cases'));
  it.each(caseNames)('%s', (name) => {
    const directory = join(CLI, 'cases', name);
    const file = readdirSync(directory).find((entry) => entry.startsWith('envelope.'))!;
    const mediaType = file.endsWith('.cose') ? 'application/cose' : 'application/jose+json';
    const reason = /integrity validation failed\. Failure reason: (.*)$/m.exec(readFileSync(join(directory, 'notation-verify.txt'), 'utf8'))?.[1] ?? null;
    const result = outcome(readFileSync(join(directory, file)), mediaType);
    if (reason === null) expect(result).toEqual({ ok: true });
    else expect(result).toMatchObject({ ok: false, code: 'ERR_SIGNATURE_INVALID', message: reason });
  });
});

describe('signatures inside the OCI layouts', () => {
  const layouts = readdirSync(join(NG, 'oci-layouts'));
  /** digest of a signature manifest → the error notation reported for it, from the layout cases. */
  const reported = new Map<string, string>();
  for (const testCase of cases.filter((candidate) => candidate.kind === 'oci-layout')) {
    for (const match of (testCase.expected.error ?? '').matchAll(/failed to verify signature with digest (sha256:[0-9a-f]+), (.*)/g)) {
      reported.set(match[1]!, match[2]!);
    }
  }

  it.each(layouts)('%s', (layout) => {
    const blobs = join(NG, 'oci-layouts', layout, 'blobs', 'sha256');
    if (!existsSync(blobs)) return;
    let checked = 0;
    for (const name of readdirSync(blobs)) {
      let manifest: { config?: { mediaType?: string }; artifactType?: string; layers?: Array<{ mediaType: string; digest: string }> };
      try {
        manifest = JSON.parse(readFileSync(join(blobs, name), 'utf8'));
      } catch {
        continue;
      }
      const isSignature = manifest.artifactType === 'application/vnd.cncf.notary.signature' || manifest.config?.mediaType === 'application/vnd.cncf.notary.signature';
      if (!isSignature || !manifest.layers) continue;
      for (const layer of manifest.layers) {
        const bytes = readFileSync(join(blobs, layer.digest.slice('sha256:'.length)));
        const notationSaid = reported.get(`sha256:${name}`);
        const expected = notationSaid !== undefined && isIntegrityMessage(notationSaid) ? notationSaid : null;
        const result = outcome(bytes, layer.mediaType);
        if (expected === null) expect(result).toEqual({ ok: true });
        else expect(result).toMatchObject({ ok: false, message: expected });
        checked++;
      }
    }
    if (layout !== 'e2e') expect(checked).toBeGreaterThan(0);
  });
});

describe('parseEnvelope (unverified content, for inspect)', () => {
  it('reads a tampered envelope that verifyEnvelope rejects', () => {
    const bytes = readFileSync(join(CLI, 'cases', 'jws-tampered-payload', 'envelope.jws.json'));
    expect(() => verifyEnvelope(bytes, 'application/jose+json')).toThrow('signature is invalid. Error: crypto/rsa: verification error');
    const content = parseEnvelope(bytes, 'application/jose+json');
    expect(content.signerInfo.signatureAlgorithm).toBe('RSASSA-PSS-SHA-256');
    expect(JSON.parse(content.payload.content.toString()).targetArtifact.size).toBe(396);
  });

  it('shows the signed attributes of the real envelopes as notation inspect does', () => {
    const jws = parseEnvelope(readFileSync(join(NG, 'envelopes/notation-go/timestamp/jwsWithTimestamp.sig')), 'application/jose+json');
    expect(jws.signerInfo.signedAttributes.signingTime.text).toBe('2024-06-18T14:29:33+08:00');
    expect(jws.signerInfo.signedAttributes.signingTime.date.toISOString()).toBe('2024-06-18T06:29:33.000Z');
    expect(jws.signerInfo.unsignedAttributes.signingAgent).toBe('Notation/1.0.0');
    expect(jws.signerInfo.unsignedAttributes.timestampSignature?.length).toBe(5835);

    const cose = parseEnvelope(readFileSync(join(NG, 'envelopes/notation-go/internal-testdata/cose_signature.sig')), 'application/cose');
    expect(cose.mediaType).toBe('application/cose');
    expect(cose.signerInfo.signedAttributes.signingTime).toEqual({ date: new Date(1678769122 * 1000) });
    expect(cose.signerInfo.certificateChain[0]!.subject).toBe('CN=alpine,O=Notary,L=Seattle,ST=WA,C=US');
  });

  it('reads the capital-S SigningAgent of notation-go mock envelopes (Go matches JSON names case-insensitively)', () => {
    const content = verifyEnvelope(readFileSync(join(NG, 'envelopes/notation-go/mock/ca_valid_sig_env.json')), 'application/jose+json');
    expect(content.signerInfo.unsignedAttributes.signingAgent).toBe('Notation/1.0.0');
    expect(content.signerInfo.signedAttributes.expiry?.text).toBe('2120-11-09T07:00:00Z');
  });

  it('keeps plugin headers as critical extended attributes (the verifier rejects them later)', () => {
    const content = verifyEnvelope(readFileSync(join(NG, 'envelopes/notation-go/mock/ca_plugin_sig_env.json')), 'application/jose+json');
    expect(content.signerInfo.signedAttributes.extendedAttributes).toEqual(
      expect.arrayContaining([
        { key: 'SomeKey', value: 'SomeValue', critical: true },
        { key: 'io.cncf.notary.verificationPlugin', value: 'plugin-name', critical: true },
      ]),
    );
  });
});
