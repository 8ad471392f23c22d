import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isNotaryError } from '../errors';
import { parseEnvelope, verifyEnvelope } from './envelope';
import { parseCanonicalJws, parseJws } from './jws';
import { buildPayload } from './payload';
import { signEnvelope } from './sign';
import { SIGNING_TIME, TARGET, signingIdentity } from './test-fixtures';
import { fixturePath } from '../../../../test/support/fixtures';

const CLI = fixturePath('notation-cli/cases');
const NG = fixturePath('notation-go/envelopes');

const compactEnvelopes = (): Array<[string, Buffer]> => [
  ...readdirSync(CLI)
    .filter((name) => name.startsWith('jws-'))
    .map((name) => [name, readFileSync(join(CLI, name, 'envelope.jws.json'))] as [string, Buffer]),
  ['jwsWithTimestamp', readFileSync(join(NG, 'notation-go/timestamp/jwsWithTimestamp.sig'))],
  ['jws_signature', readFileSync(join(NG, 'notation-go/internal-testdata/jws_signature.sig'))],
];

/** The envelope with every JSON member re-serialized by JSON.stringify (pretty-printed, so not the compact layout). */
const reformatted = (bytes: Buffer) => Buffer.from(JSON.stringify(JSON.parse(bytes.toString()), null, 2));

describe('JWS fast path (notation’s compact layout)', () => {
  it('takes the fast path for what notation and our signer write', () => {
    for (const [name, bytes] of compactEnvelopes()) expect([name, parseCanonicalJws(bytes) !== undefined]).toEqual([name, true]);
    const identity = signingIdentity('EC-256');
    const ours = signEnvelope({ format: 'jws', payload: buildPayload(TARGET), key: identity.key, certificateChain: identity.chain, signingTime: SIGNING_TIME, signingAgent: 'agent', timestampToken: Buffer.from([0x30, 0]) });
    expect(parseCanonicalJws(ours)).toBeDefined();
  });

  it('reads exactly what the full Go-compatible decode reads', () => {
    for (const [name, bytes] of compactEnvelopes()) {
      const fast = parseJws(bytes);
      const full = parseJws(reformatted(bytes));
      expect([name, fast.payload, fast.protected, fast.signature, fast.x5c, fast.signingAgent, fast.timestampSignature]).toEqual([
        name,
        full.payload,
        full.protected,
        full.signature,
        full.x5c,
        full.signingAgent,
        full.timestampSignature,
      ]);
      const strip = (content: ReturnType<typeof parseEnvelope>) => ({ ...content, signerInfo: { ...content.signerInfo, certificateChain: content.signerInfo.certificateChain.map((c) => c.sha256Fingerprint) } });
      expect(strip(parseEnvelope(bytes, 'application/jose+json'))).toEqual(strip(parseEnvelope(reformatted(bytes), 'application/jose+json')));
    }
  });

  it('leaves anything unusual to the full decode', () => {
    const [, bytes] = compactEnvelopes()[0]!;
    expect(parseCanonicalJws(reformatted(bytes))).toBeUndefined();
    const escaped = Buffer.from(bytes.toString().replace('"io.cncf.notary.signingAgent":"', '"io.cncf.notary.signingAgent":"\\u0041'));
    expect(parseCanonicalJws(escaped)).toBeUndefined();
    expect(parseJws(escaped).signingAgent.startsWith('A')).toBe(true);
    const newline = Buffer.from(bytes.toString().replace('"payload":"', '"payload":"\n'));
    expect(parseCanonicalJws(newline)).toBeUndefined();
    // a raw newline inside a JSON string is a JSON syntax error in Go, not something base64 would skip
    try {
      verifyEnvelope(newline, 'application/jose+json');
      throw new Error('verified');
    } catch (error) {
      expect(isNotaryError(error) && error.message).toBe("unable to parse the digital signature, error : invalid character '\\n' in string literal");
    }
    expect(parseCanonicalJws(Buffer.concat([bytes, Buffer.from('x')]))).toBeUndefined();
    expect(parseCanonicalJws(Buffer.concat([bytes, Buffer.from('\n')]))).toBeDefined();
  });

  it('answers a repeated verification from its memos with fresh, unshared results', () => {
    const [, bytes] = compactEnvelopes()[0]!;
    const first = verifyEnvelope(bytes, 'application/jose+json');
    const second = verifyEnvelope(bytes, 'application/jose+json');
    expect(second).toEqual(first);
    expect(second.signerInfo.signedAttributes.signingTime.date).not.toBe(first.signerInfo.signedAttributes.signingTime.date);
    first.signerInfo.signedAttributes.signingTime.date.setTime(0);
    expect(verifyEnvelope(bytes, 'application/jose+json').signerInfo.signedAttributes.signingTime.date.getTime()).not.toBe(0);
  });
});
