import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNotaryError, type NotaryErrorCode } from '../errors';
import { parseCertificate } from '../x509/certificate';
import type { KeyAlgorithm } from '../x509/builder';
import { LABEL, encodeProtectedHeader, epochTime, parseCose } from './cose';
import { HEADER } from './codec';
import { parseEnvelope, verifyEnvelope } from './envelope';
import { jwtClaimsBytes } from './jws';
import { buildPayload } from './payload';
import { prepareEnvelope, signEnvelope, type EnvelopeFormat } from './sign';
import { SIGNING_TIME, TARGET, signingIdentity } from './test-fixtures';
import { fixturePath } from '../../../../test/support/fixtures';

const CLI = fixturePath('notation-cli/cases');
const MEDIA_TYPE = { jws: 'application/jose+json', cose: 'application/cose' } as const;

function codeOf(run: () => unknown): NotaryErrorCode | 'none' {
  try {
    run();
    return 'none';
  } catch (error) {
    if (isNotaryError(error)) return error.code;
    throw error;
  }
}

describe('buildPayload', () => {
  it('keeps only mediaType, digest, size and annotations, in Go field order', () => {
    const payload = buildPayload({ ...TARGET, artifactType: 'x', urls: ['u'], data: 'e30=', platform: { os: 'linux' }, annotations: { z: '1', a: '<2>' } });
    expect(payload.toString()).toBe(
      '{"targetArtifact":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9","size":517,"annotations":{"a":"\\u003c2\\u003e","z":"1"}}}',
    );
    expect(buildPayload({ ...TARGET, annotations: {} }).toString()).not.toContain('annotations');
  });

  it('reproduces the payload bytes of real notation envelopes (COSE: as is; JWS: re-marshalled as JWT claims)', () => {
    for (const [name, file] of [
      ['cose-rsa-chain', 'envelope.cose'],
      ['jws-rsa-chain', 'envelope.jws.json'],
      ['jws-user-metadata', 'envelope.jws.json'],
    ] as const) {
      const directory = join(CLI, name);
      const descriptor = JSON.parse(readFileSync(join(directory, 'target-descriptor.json'), 'utf8'));
      const content = parseEnvelope(readFileSync(join(directory, file)), file.endsWith('.cose') ? 'application/cose' : 'application/jose+json');
      const annotations = JSON.parse(content.payload.content.toString()).targetArtifact.annotations;
      const payload = buildPayload({ ...descriptor, ...(annotations ? { annotations } : {}) });
      expect(file.endsWith('.cose') ? payload : jwtClaimsBytes(payload)).toEqual(content.payload.content);
    }
  });
});

describe('signEnvelope round trips', () => {
  const keys: KeyAlgorithm[] = ['RSA-2048', 'RSA-3072', 'RSA-4096', 'EC-256', 'EC-384', 'EC-521'];
  const expectedAlgorithm: Record<string, string> = {
    'RSA-2048': 'RSASSA-PSS-SHA-256',
    'RSA-3072': 'RSASSA-PSS-SHA-384',
    'RSA-4096': 'RSASSA-PSS-SHA-512',
    'EC-256': 'ECDSA-SHA-256',
    'EC-384': 'ECDSA-SHA-384',
    'EC-521': 'ECDSA-SHA-512',
  };
  const formats: EnvelopeFormat[] = ['jws', 'cose'];

  it.each(keys.flatMap((key) => formats.map((format) => [key, format] as const)))('%s %s', (key, format) => {
    const identity = signingIdentity(key);
    const payload = buildPayload(TARGET);
    const envelope = signEnvelope({
      format,
      payload,
      key: identity.key,
      certificateChain: identity.chain,
      signingTime: new Date('2026-11-24T23:05:07.789Z'),
      expiry: new Date('2027-11-24T23:05:07.999Z'),
      signingAgent: 'notary-gate/test',
    });
    const content = verifyEnvelope(envelope, MEDIA_TYPE[format]);
    const { signedAttributes, unsignedAttributes } = content.signerInfo;
    expect(content.signerInfo.signatureAlgorithm).toBe(expectedAlgorithm[key]);
    expect(signedAttributes.signingScheme).toBe('notary.x509');
    expect(signedAttributes.signingTime.date.toISOString()).toBe('2026-11-24T23:05:07.000Z');
    expect(signedAttributes.expiry!.date.toISOString()).toBe('2027-11-24T23:05:07.000Z');
    expect(unsignedAttributes.signingAgent).toBe('notary-gate/test');
    expect(content.signerInfo.certificateChain.map((certificate) => certificate.der)).toEqual(identity.chain.map((certificate) => certificate.der));
    expect(JSON.parse(content.payload.content.toString())).toEqual({ targetArtifact: TARGET });
  });

  it('writes the JWS protected header as notation-go does (compact, sorted, UTC seconds)', () => {
    const identity = signingIdentity('RSA-2048');
    const envelope = signEnvelope({ format: 'jws', payload: buildPayload(TARGET), key: identity.key, certificateChain: identity.chain, signingTime: SIGNING_TIME, expiry: new Date('2027-11-24T23:05:08Z') });
    const json = JSON.parse(envelope.toString());
    expect(Object.keys(json)).toEqual(['payload', 'protected', 'header', 'signature']);
    expect(Object.keys(json.header)).toEqual(['x5c']);
    expect(Buffer.from(json.protected, 'base64url').toString()).toBe(
      '{"alg":"PS256","crit":["io.cncf.notary.signingScheme","io.cncf.notary.expiry"],"cty":"application/vnd.cncf.notary.payload.v1+json",' +
        '"io.cncf.notary.expiry":"2027-11-24T23:05:08Z","io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":"2026-11-24T23:05:07Z"}',
    );
    // the payload is the JWT claims form: keys sorted
    expect(Buffer.from(json.payload, 'base64url').toString()).toBe(
      '{"targetArtifact":{"digest":"sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9","mediaType":"application/vnd.oci.image.manifest.v1+json","size":517}}',
    );
  });

  it('writes the COSE protected header byte for byte as the notation CLI did', () => {
    const real = parseCose(readFileSync(join(CLI, 'cose-rsa-chain', 'envelope.cose')));
    const rebuilt = encodeProtectedHeader(
      new Map<number | string, never>([
        [LABEL.alg, -37 as never],
        [LABEL.crit, [HEADER.signingScheme] as never],
        [LABEL.contentType, 'application/vnd.cncf.notary.payload.v1+json' as never],
        [HEADER.signingScheme, 'notary.x509' as never],
        [HEADER.signingTime, epochTime(real.protected.get(HEADER.signingTime) ? new Date(Number((real.protected.get(HEADER.signingTime) as { value: number }).value) * 1000) : SIGNING_TIME) as never],
      ]),
    );
    expect(rebuilt).toEqual(real.rawProtected);

    const identity = signingIdentity('RSA-2048');
    const envelope = signEnvelope({ format: 'cose', payload: buildPayload(TARGET), key: identity.key, certificateChain: identity.chain, signingTime: new Date('2026-11-24T23:05:08Z') });
    expect(parseCose(envelope).rawProtected).toEqual(real.rawProtected);
  });

  it('signs under notary.x509.signingAuthority with a critical authentic signing time', () => {
    const identity = signingIdentity('EC-256');
    for (const format of formats) {
      const envelope = signEnvelope({ format, payload: buildPayload(TARGET), key: identity.key, certificateChain: identity.chain, signingScheme: 'notary.x509.signingAuthority', signingTime: SIGNING_TIME });
      const content = verifyEnvelope(envelope, MEDIA_TYPE[format]);
      expect(content.signerInfo.signedAttributes.signingScheme).toBe('notary.x509.signingAuthority');
      expect(content.signerInfo.signedAttributes.signingTime.date).toEqual(SIGNING_TIME);
    }
  });

  it('carries extended attributes and a timestamp token', () => {
    const identity = signingIdentity('EC-384');
    const token = Buffer.from('3003020101', 'hex');
    for (const format of formats) {
      const envelope = signEnvelope({
        format,
        payload: buildPayload(TARGET),
        key: identity.key,
        certificateChain: identity.chain,
        signingTime: SIGNING_TIME,
        extendedAttributes: [{ key: 'io.example.note', value: 'hello', critical: false }],
        timestampToken: (signature, hash) => {
          expect(hash).toBe('SHA-384');
          expect(signature.length).toBe(96);
          return token;
        },
      });
      const content = verifyEnvelope(envelope, MEDIA_TYPE[format]);
      expect(content.signerInfo.signedAttributes.extendedAttributes).toEqual([{ key: 'io.example.note', value: 'hello', critical: false }]);
      expect(content.signerInfo.unsignedAttributes.timestampSignature).toEqual(token);
    }
  });

  it('lets a caller fetch the timestamp asynchronously (prepareEnvelope)', async () => {
    const identity = signingIdentity('RSA-2048');
    const prepared = prepareEnvelope({ format: 'cose', payload: buildPayload(TARGET), key: identity.key, certificateChain: identity.chain, signingTime: SIGNING_TIME });
    const token = await Promise.resolve(Buffer.from([0x30, 0x00]));
    const content = verifyEnvelope(prepared.finish(token), 'application/cose');
    expect(content.signerInfo.signature).toEqual(prepared.signature);
    expect(content.signerInfo.unsignedAttributes.timestampSignature).toEqual(token);
  });
});

describe('signEnvelope refuses', () => {
  const identity = () => signingIdentity('RSA-2048');
  const base = () => ({ format: 'jws' as const, payload: buildPayload(TARGET), key: identity().key, certificateChain: identity().chain, signingTime: SIGNING_TIME });

  it('a key that is not the leaf certificate key', () => {
    expect(() => signEnvelope({ ...base(), key: signingIdentity('RSA-2048', 'other').key })).toThrow('"key and certificate" param is invalid. Error: key not matches certificate');
    expect(codeOf(() => signEnvelope({ ...base(), key: signingIdentity('RSA-2048', 'other').key }))).toBe('ERR_SIGNER_INVALID');
  });

  it('an unsupported key (RSA-1024, P-224)', () => {
    for (const key of ['RSA-1024', 'EC-224'] as const) {
      const weak = signingIdentity(key);
      expect(codeOf(() => signEnvelope({ ...base(), key: weak.key, certificateChain: weak.chain }))).toBe('ERR_SIGNER_INVALID');
    }
    const weak = signingIdentity('RSA-1024');
    expect(() => signEnvelope({ ...base(), key: weak.key, certificateChain: weak.chain })).toThrow('rsa key size 1024 bits is not supported');
  });

  it('an expiry not after the signing time (compared after truncation to seconds)', () => {
    expect(() => signEnvelope({ ...base(), expiry: new Date(SIGNING_TIME.getTime() + 999) })).toThrow('expiry cannot be equal or before the signing time');
  });

  it('a JWS payload that is not a JSON object, and colliding attributes', () => {
    expect(codeOf(() => signEnvelope({ ...base(), payload: Buffer.from('[1]') }))).toBe('ERR_SIGNER_INVALID');
    expect(() => signEnvelope({ ...base(), extendedAttributes: [{ key: 'alg', value: 'x', critical: false }] })).toThrow('attribute key:alg repeated');
    expect(() => signEnvelope({ ...base(), format: 'cose', extendedAttributes: [{ key: HEADER.signingScheme, value: 'x', critical: false }] })).toThrow(
      '"io.cncf.notary.signingScheme" already exists in the protected header',
    );
  });

  it('a chain notation would refuse (leaf not covering the signing time)', () => {
    expect(() => signEnvelope({ ...base(), signingTime: new Date('2000-01-01T00:00:00Z') })).toThrow(/^certificate-chain is invalid, /);
  });

  it('misuse with TypeError', () => {
    expect(() => signEnvelope({ ...base(), format: 'pkcs7' as never })).toThrow(TypeError);
    expect(() => signEnvelope({ ...base(), key: parseCertificate(identity().chain[0]!.der).publicKey })).toThrow(TypeError);
    expect(() => signEnvelope({ ...base(), certificateChain: [] })).toThrow(TypeError);
  });
});
