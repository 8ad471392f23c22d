/**
 * Hostile and malformed envelopes: each must fail integrity with its own
 * code and notation's wording (or ours, where we deliberately differ).
 */
import { isNotaryError, type NotaryErrorCode } from '../errors';
import { CborTag, decodeItem, encodeCbor, type CborValue } from './cbor';
import { HEADER } from './codec';
import { LABEL, epochTime } from './cose';
import { parseEnvelope, verifyEnvelope } from './envelope';
import { PARSE_ERROR_PREFIX } from './failure';
import { buildPayload } from './payload';
import { signEnvelope } from './sign';
import { SIGNING_TIME, TARGET, coseHeader, jwsHeader, rawCose, rawJws, signingIdentity } from './test-fixtures';

const JWS = 'application/jose+json';
const COSE = 'application/cose';

function failure(bytes: Buffer, mediaType: string): { code: NotaryErrorCode; message: string } {
  try {
    verifyEnvelope(bytes, mediaType);
  } catch (error) {
    if (isNotaryError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('the envelope verified');
}

const rsa = () => signingIdentity('RSA-2048');
const validJws = () => signEnvelope({ format: 'jws', payload: buildPayload(TARGET), key: rsa().key, certificateChain: rsa().chain, signingTime: SIGNING_TIME });
const validCose = () => signEnvelope({ format: 'cose', payload: buildPayload(TARGET), key: rsa().key, certificateChain: rsa().chain, signingTime: SIGNING_TIME });

interface JwsJson {
  payload: string;
  protected: string;
  signature: string;
  header: { x5c: string[] } & Record<string, unknown>;
  [member: string]: unknown;
}

/** Edit the JSON members of a JWS envelope. */
function editJws(bytes: Buffer, edit: (envelope: JwsJson) => void): Buffer {
  const envelope = JSON.parse(bytes.toString()) as JwsJson;
  edit(envelope);
  return Buffer.from(JSON.stringify(envelope));
}

describe('media type', () => {
  it('rejects anything but JWS and COSE with notation’s message', () => {
    expect(failure(validJws(), 'application/unsupported+json')).toEqual({
      code: 'ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE',
      message: 'unable to parse the digital signature, error : signature envelope format with media type "application/unsupported+json" is not supported',
    });
  });

  it('fails a JWS read as COSE, and a COSE read as JWS, in the parser', () => {
    expect(failure(validJws(), COSE)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}cbor: invalid COSE_Sign1_Tagged object` });
    expect(failure(validCose(), JWS)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}invalid character 'Ò' looking for beginning of value` });
  });
});

describe('JWS integrity', () => {
  it('accepts a valid envelope, also when it is not in notation’s compact layout', () => {
    expect(verifyEnvelope(validJws(), JWS).signerInfo.signatureAlgorithm).toBe('RSASSA-PSS-SHA-256');
    const pretty = Buffer.from(JSON.stringify(JSON.parse(validJws().toString()), null, 2));
    expect(verifyEnvelope(pretty, JWS).signerInfo.signatureAlgorithm).toBe('RSASSA-PSS-SHA-256');
    const renamed = editJws(validJws(), (envelope) => {
      const { x5c, ...rest } = envelope.header;
      envelope.Header = { ...rest, X5C: x5c };
      delete (envelope as Partial<JwsJson>).header;
    });
    expect(verifyEnvelope(renamed, JWS).signerInfo.certificateChain).toHaveLength(2);
  });

  it('rejects a tampered payload', () => {
    const tampered = editJws(validJws(), (envelope) => {
      envelope.payload = Buffer.from(JSON.stringify({ targetArtifact: { ...TARGET, size: 518 } })).toString('base64url');
    });
    expect(failure(tampered, JWS)).toEqual({ code: 'ERR_SIGNATURE_INVALID', message: 'signature is invalid. Error: crypto/rsa: verification error' });
  });

  it('rejects a tampered signature (RSA and ECDSA)', () => {
    const flip = (bytes: Buffer) =>
      editJws(bytes, (envelope) => {
        const signature = Buffer.from(envelope.signature, 'base64url');
        signature[10]! ^= 0x01;
        envelope.signature = signature.toString('base64url');
      });
    expect(failure(flip(validJws()), JWS)).toEqual({ code: 'ERR_SIGNATURE_INVALID', message: 'signature is invalid. Error: crypto/rsa: verification error' });
    const ec = signingIdentity('EC-256');
    const ecEnvelope = signEnvelope({ format: 'jws', payload: buildPayload(TARGET), key: ec.key, certificateChain: ec.chain, signingTime: SIGNING_TIME });
    expect(failure(flip(ecEnvelope), JWS)).toEqual({ code: 'ERR_SIGNATURE_INVALID', message: 'signature is invalid. Error: crypto/ecdsa: verification error' });
  });

  it('rejects a signature verified against another certificate', () => {
    const other = signingIdentity('RSA-2048', 'other');
    const swapped = editJws(validJws(), (envelope) => {
      envelope.header.x5c = other.chain.map((certificate) => certificate.der.toString('base64'));
    });
    expect(failure(swapped, JWS).code).toBe('ERR_SIGNATURE_INVALID');
  });

  it('rejects base64 padding and illegal characters with Go’s offsets', () => {
    const padded = editJws(validJws(), (envelope) => {
      envelope.payload += '=';
    });
    const payloadLength = JSON.parse(validJws().toString()).payload.length;
    expect(failure(padded, JWS)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `signature is invalid. Error: illegal base64 data at input byte ${payloadLength}` });
    const badCertificate = editJws(validJws(), (envelope) => {
      envelope.header.x5c[0] = `*${envelope.header.x5c[0]}`;
    });
    expect(failure(badCertificate, JWS)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}illegal base64 data at input byte 0` });
  });

  it('rejects truncated bytes and garbage as malformed', () => {
    const bytes = validJws();
    expect(failure(bytes.subarray(0, bytes.length / 2), JWS)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}unexpected end of JSON input` });
    expect(failure(Buffer.alloc(0), JWS)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}unexpected end of JSON input` });
    expect(failure(Buffer.from('\x00\x01garbage'), JWS)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}invalid character '\\x00' looking for beginning of value` });
    expect(failure(Buffer.from('[]'), JWS)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}json: cannot unmarshal array into Go value of type jws.jwsEnvelope` });
    expect(failure(Buffer.from('{"payload":1}'), JWS).message).toBe(`${PARSE_ERROR_PREFIX}json: cannot unmarshal number into Go struct field jwsEnvelope.payload of type string`);
  });

  it('requires a certificate chain with a parsable leaf', () => {
    const empty = editJws(validJws(), (envelope) => {
      envelope.header.x5c = [];
    });
    expect(failure(empty, JWS)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: 'certificate chain is not present' });
    const junk = editJws(validJws(), (envelope) => {
      envelope.header.x5c = [Buffer.from('not a certificate').toString('base64')];
    });
    expect(failure(junk, JWS)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: 'malformed leaf certificate' });
  });

  it('rejects an unknown critical header (the spec’s rule; notation-go would accept it)', () => {
    const header = jwsHeader('PS256', { crit: [HEADER.signingScheme, 'io.example.critical'], 'io.example.critical': 'x' });
    const envelope = rawJws({ header, identity: rsa() });
    expect(failure(envelope, JWS)).toEqual({ code: 'ERR_CRITICAL_HEADER', message: 'critical header "io.example.critical" is not supported' });
    // inspect still shows it
    expect(parseEnvelope(envelope, JWS).signerInfo.signedAttributes.extendedAttributes).toEqual([{ key: 'io.example.critical', value: 'x', critical: true }]);
  });

  it('leaves critical headers to a named verification plugin (the verifier then refuses the plugin)', () => {
    const header = jwsHeader('PS256', {
      crit: [HEADER.signingScheme, 'io.example.critical', HEADER.verificationPlugin],
      'io.example.critical': 'x',
      [HEADER.verificationPlugin]: 'example-plugin',
    });
    const attributes = verifyEnvelope(rawJws({ header, identity: rsa() }), JWS).signerInfo.signedAttributes.extendedAttributes;
    expect(attributes).toEqual(
      expect.arrayContaining([
        { key: 'io.example.critical', value: 'x', critical: true },
        { key: HEADER.verificationPlugin, value: 'example-plugin', critical: true },
      ]),
    );
  });

  it('enforces the crit rules (§4.2)', () => {
    const verify = (header: Record<string, unknown>) => failure(rawJws({ header, identity: rsa() }), JWS);
    const withoutCrit = jwsHeader('PS256');
    delete withoutCrit.crit;
    expect(verify(withoutCrit)).toEqual({ code: 'ERR_CRITICAL_HEADER', message: 'missing "crit" header' });
    expect(verify(jwsHeader('PS256', { [HEADER.expiry]: '2027-01-01T00:00:00Z' }))).toEqual({
      code: 'ERR_CRITICAL_HEADER',
      message: 'these required headers are not marked as critical: [io.cncf.notary.expiry]',
    });
    expect(verify(jwsHeader('PS256', { crit: ['io.example.other'], 'io.example.other': 1 }))).toEqual({
      code: 'ERR_CRITICAL_HEADER',
      message: 'these required headers are not marked as critical: [io.cncf.notary.signingScheme]',
    });
    expect(verify(jwsHeader('PS256', { crit: [HEADER.signingScheme, 'io.example.absent'] }))).toEqual({
      code: 'ERR_CRITICAL_HEADER',
      message: '"io.example.absent" header is marked critical but not present',
    });
  });

  it('enforces the signing scheme and time rules', () => {
    const verify = (header: Record<string, unknown>) => failure(rawJws({ header, identity: rsa() }), JWS);
    expect(verify(jwsHeader('PS256', { [HEADER.signingScheme]: 'notary.other' }))).toEqual({ code: 'ERR_HEADER_INVALID', message: 'unsupported SigningScheme: `notary.other`' });
    const authority = (extra: Record<string, unknown>) =>
      jwsHeader('PS256', { crit: [HEADER.signingScheme, HEADER.authenticSigningTime], [HEADER.signingScheme]: 'notary.x509.signingAuthority', ...extra });
    expect(verify(authority({}))).toEqual({
      code: 'ERR_HEADER_INVALID',
      message: '"io.cncf.notary.signingTime" header must not be present for notary.x509.signingAuthority signing scheme',
    });
    expect(verify(authority({ [HEADER.signingTime]: null }))).toEqual({
      code: 'ERR_HEADER_INVALID',
      message: '"io.cncf.notary.authenticSigningTime" header must be present for notary.x509 signing scheme',
    });
    expect(verify(jwsHeader('PS256', { [HEADER.authenticSigningTime]: '2026-11-24T23:05:07Z' }))).toEqual({
      code: 'ERR_HEADER_INVALID',
      message: '"io.cncf.notary.authenticSigningTime" header must not be present for notary.x509 signing scheme',
    });
    expect(verify(jwsHeader('PS256', { [HEADER.signingTime]: null }))).toEqual({ code: 'ERR_HEADER_INVALID', message: 'signing-time not present' });
    expect(verify(jwsHeader('PS256', { crit: [HEADER.signingScheme, HEADER.expiry], [HEADER.expiry]: '2026-11-24T23:05:07Z' }))).toEqual({
      code: 'ERR_HEADER_INVALID',
      message: 'expiry cannot be equal or before the signing time',
    });
    const badTime = verify(jwsHeader('PS256', { [HEADER.signingTime]: '24 Nov 2026' }));
    expect(badTime.code).toBe('ERR_HEADER_INVALID');
    expect(badTime.message).toMatch(/^jws envelope protected header can't be decoded: parsing time /);
  });

  it('rejects algorithms outside notation’s six, and an alg that does not match the key', () => {
    const verify = (header: Record<string, unknown>) => failure(rawJws({ header, identity: rsa(), signWith: 'PS256' }), JWS);
    expect(verify(jwsHeader('RS256' as never))).toEqual({ code: 'ERR_UNSUPPORTED_ALGORITHM', message: 'signature is invalid. Error: signing method RS256 is invalid' });
    expect(verify(jwsHeader('XX1' as never))).toEqual({ code: 'ERR_UNSUPPORTED_ALGORITHM', message: 'signature is invalid. Error: signing method (alg) is unavailable.' });
    const withoutAlg = jwsHeader('PS256');
    delete withoutAlg.alg;
    expect(verify(withoutAlg)).toEqual({ code: 'ERR_UNSUPPORTED_ALGORITHM', message: 'signature is invalid. Error: signing method (alg) is unspecified.' });
    expect(verify(jwsHeader('ES256'))).toEqual({ code: 'ERR_ALGORITHM_MISMATCH', message: 'signature is invalid. Error: key is of invalid type' });
    // PS384 with an RSA-2048 key verifies cryptographically; the key-derived algorithm then disagrees.
    expect(failure(rawJws({ header: jwsHeader('PS384'), identity: rsa() }), JWS)).toEqual({
      code: 'ERR_ALGORITHM_MISMATCH',
      message: 'mismatch between signature algorithm derived from signing certificate (1) and signing algorithm specified (2s)',
    });
  });

  it('rejects a weak key (RSA-1024) in the certificate-chain check', () => {
    const weak = signingIdentity('RSA-1024');
    const result = failure(rawJws({ header: jwsHeader('PS256'), identity: weak }), JWS);
    expect(result.code).toBe('ERR_WEAK_KEY');
    expect(result.message).toMatch(/^certificate-chain is invalid, .*rsa key size 1024 bits is not supported/);
  });

  it('rejects a chain in the wrong order', () => {
    const identity = rsa();
    const result = failure(rawJws({ header: jwsHeader('PS256'), identity, chain: [identity.chain[0]!, identity.chain[1]!, identity.chain[1]!] }), JWS);
    expect(result.code).toBe('ERR_CERT_CHAIN_INVALID');
    expect(result.message).toMatch(/^certificate-chain is invalid, /);
  });

  it('checks the payload: a JSON object (JWT claims), of the Notary content type', () => {
    expect(failure(rawJws({ header: jwsHeader('PS256'), identity: rsa(), payload: Buffer.from('[1]') }), JWS)).toEqual({
      code: 'ERR_PAYLOAD_INVALID',
      message: 'signature is invalid. Error: json: cannot unmarshal array into Go value of type jwt.MapClaims',
    });
    expect(failure(rawJws({ header: jwsHeader('PS256'), identity: rsa(), payload: Buffer.from('{"a":') }), JWS)).toEqual({
      code: 'ERR_ENVELOPE_MALFORMED',
      message: 'signature is invalid. Error: unexpected EOF',
    });
    const otherType = rawJws({ header: jwsHeader('PS256', { cty: 'application/json' }), identity: rsa() });
    expect(failure(otherType, JWS)).toEqual({ code: 'ERR_PAYLOAD_INVALID', message: 'payload content type "application/json" not supported' });
    expect(parseEnvelope(otherType, JWS).payload.contentType).toBe('application/json');
  });
});

describe('COSE integrity', () => {
  /** Re-encode a COSE envelope with one of its four elements replaced. */
  function editCose(bytes: Buffer, index: number, replacement: Buffer): Buffer {
    const items: Buffer[] = [];
    let offset = 2;
    for (let i = 0; i < 4; i++) {
      const item = decodeItem(bytes, offset);
      items.push(bytes.subarray(item.start, item.end));
      offset = item.end;
    }
    items[index] = replacement;
    return Buffer.concat([bytes.subarray(0, 2), ...items]);
  }
  const unprotected = (entries: Array<[number | string, CborValue]>) => new Map<number | string, CborValue>(entries);

  it('accepts a valid envelope', () => {
    expect(verifyEnvelope(validCose(), COSE).mediaType).toBe('application/cose');
  });

  it('rejects a tampered payload and a tampered signature', () => {
    const payload = editCose(validCose(), 2, encodeCbor(Buffer.from(JSON.stringify({ targetArtifact: { ...TARGET, size: 518 } }))));
    expect(failure(payload, COSE)).toEqual({ code: 'ERR_SIGNATURE_INVALID', message: 'signature is invalid. Error: verification error' });
    const bytes = Buffer.from(validCose());
    bytes[bytes.length - 5]! ^= 0x01;
    expect(failure(bytes, COSE)).toEqual({ code: 'ERR_SIGNATURE_INVALID', message: 'signature is invalid. Error: verification error' });
  });

  it('requires COSE_Sign1_Tagged', () => {
    expect(failure(validCose().subarray(1), COSE)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}cbor: invalid COSE_Sign1_Tagged object` });
  });

  it('rejects truncated bytes and garbage as malformed', () => {
    const bytes = validCose();
    expect(failure(bytes.subarray(0, bytes.length - 10), COSE)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}unexpected EOF` });
    expect(failure(Buffer.concat([bytes, Buffer.from([0])]), COSE)).toEqual({
      code: 'ERR_ENVELOPE_MALFORMED',
      message: `${PARSE_ERROR_PREFIX}cbor: 1 bytes of extraneous data starting at index ${bytes.length - 1}`,
    });
    expect(failure(Buffer.from('d284ffffffff', 'hex'), COSE)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}cbor: unexpected "break" code` });
    expect(failure(Buffer.from('garbage'), COSE).code).toBe('ERR_ENVELOPE_MALFORMED');
    expect(failure(editCose(validCose(), 3, encodeCbor(Buffer.alloc(0))), COSE)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}empty signature` });
  });

  it('requires x5chain to be an array of certificates in the unprotected header', () => {
    const identity = rsa();
    const single = rawCose({ header: coseHeader(-37), identity, unprotected: unprotected([[LABEL.x5chain, identity.chain[0]!.der]]) });
    expect(failure(single, COSE)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: 'certificate chain is not present' });
    const absent = rawCose({ header: coseHeader(-37), identity, unprotected: unprotected([]) });
    expect(failure(absent, COSE)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: 'certificate chain is not present' });
    const tagged = rawCose({ header: coseHeader(-37), identity, unprotected: unprotected([[LABEL.x5chain, [new CborTag(24, identity.chain[0]!.der)]]]) });
    expect(failure(tagged, COSE)).toEqual({ code: 'ERR_ENVELOPE_MALFORMED', message: `${PARSE_ERROR_PREFIX}cbor: CBOR tag isn't allowed` });
  });

  it('rejects an unknown critical header, text or integer label', () => {
    const text = rawCose({ header: coseHeader(-37, [[LABEL.crit, [HEADER.signingScheme, 'io.example.critical']], ['io.example.critical', 'x']]), identity: rsa() });
    expect(failure(text, COSE)).toEqual({ code: 'ERR_CRITICAL_HEADER', message: 'critical header "io.example.critical" is not supported' });
    const integer = rawCose({ header: coseHeader(-37, [[LABEL.crit, [HEADER.signingScheme, 99]], [99, 1]]), identity: rsa() });
    expect(failure(integer, COSE)).toEqual({ code: 'ERR_CRITICAL_HEADER', message: 'critical header 99 is not supported' });
  });

  it('enforces the crit rules (§5)', () => {
    const absentLabel = rawCose({ header: coseHeader(-37, [[LABEL.crit, [HEADER.signingScheme, 'io.example.absent']]]), identity: rsa() });
    expect(failure(absentLabel, COSE)).toEqual({
      code: 'ERR_ENVELOPE_MALFORMED',
      message: `${PARSE_ERROR_PREFIX}cbor: invalid protected header: protected header: header parameter: crit: missing critical header: io.example.absent`,
    });
    const expiryNotCritical = rawCose({ header: coseHeader(-37, [[HEADER.expiry, epochTime(new Date('2027-01-01T00:00:00Z'))]]), identity: rsa() });
    expect(failure(expiryNotCritical, COSE)).toEqual({ code: 'ERR_CRITICAL_HEADER', message: 'these required headers are not marked as critical: [io.cncf.notary.expiry]' });
    const header = coseHeader(-37);
    header.delete(LABEL.crit);
    expect(failure(rawCose({ header, identity: rsa() }), COSE)).toEqual({
      code: 'ERR_CRITICAL_HEADER',
      message: 'these required headers are not marked as critical: [io.cncf.notary.signingScheme]',
    });
  });

  it('requires tag-1 times', () => {
    const verify = (time: CborValue | undefined) => {
      const header = coseHeader(-37);
      if (time === undefined) header.delete(HEADER.signingTime);
      else header.set(HEADER.signingTime, time);
      return failure(rawCose({ header, identity: rsa() }), COSE);
    };
    expect(verify(1700000000)).toEqual({ code: 'ERR_HEADER_INVALID', message: 'invalid signingTime: invalid timeValue type' });
    expect(verify(new CborTag(0, '2026-11-24T23:05:07Z'))).toEqual({ code: 'ERR_HEADER_INVALID', message: 'invalid signingTime: only Tag `1` Datetime CBOR object is supported' });
    expect(verify(undefined)).toEqual({ code: 'ERR_HEADER_INVALID', message: 'invalid signingTime: protected header "io.cncf.notary.signingTime" is missing' });
    expect(verify(new CborTag(1, 'soon'))).toEqual({
      code: 'ERR_ENVELOPE_MALFORMED',
      message: `${PARSE_ERROR_PREFIX}cbor: invalid protected header: cbor: tag number 1 must be followed by integer or floating-point, got UTF-8 text string`,
    });
  });

  it('rejects an alg that does not match the key (go-cose), and a weak key', () => {
    expect(failure(rawCose({ header: coseHeader(-38), identity: rsa() }), COSE)).toEqual({
      code: 'ERR_ALGORITHM_MISMATCH',
      message: 'signature is invalid. Error: algorithm mismatch: verifier PS256: header PS384',
    });
    expect(failure(rawCose({ header: coseHeader(-257), identity: rsa(), signWith: -37 }), COSE)).toEqual({
      code: 'ERR_ALGORITHM_MISMATCH',
      message: 'signature is invalid. Error: algorithm mismatch: verifier PS256: header RS256',
    });
    expect(failure(rawCose({ header: coseHeader(-37), identity: signingIdentity('RSA-1024'), signWith: -37 }), COSE)).toEqual({
      code: 'ERR_WEAK_KEY',
      message: 'rsa key size 1024 bits is not supported',
    });
  });

  it('checks the content type and the payload', () => {
    const otherType = rawCose({ header: coseHeader(-37, [[LABEL.contentType, 'application/json']]), identity: rsa() });
    expect(failure(otherType, COSE)).toEqual({ code: 'ERR_PAYLOAD_INVALID', message: 'payload content type "application/json" not supported' });
    const numeric = rawCose({ header: coseHeader(-37, [[LABEL.contentType, 50]]), identity: rsa() });
    expect(failure(numeric, COSE)).toEqual({ code: 'ERR_PAYLOAD_INVALID', message: "content type should be of 'tstr' type" });
    const header = coseHeader(-37);
    header.delete(LABEL.contentType);
    expect(failure(rawCose({ header, identity: rsa() }), COSE)).toEqual({ code: 'ERR_PAYLOAD_INVALID', message: 'missing content type' });
    const detached = editCose(validCose(), 2, Buffer.from([0xf6]));
    expect(failure(detached, COSE)).toEqual({ code: 'ERR_PAYLOAD_INVALID', message: 'signature is invalid. Error: missing payload' });
  });

  it('rejects duplicate labels in the protected header', () => {
    // {1: -37, 1: -37}: built by hand, an encoder would refuse it
    const rawProtected = encodeCbor(Buffer.from('a201382401 3824'.replace(/\s/g, ''), 'hex'));
    expect(failure(rawCose({ header: coseHeader(-37), identity: rsa(), rawProtected, signWith: -37 }), COSE)).toEqual({
      code: 'ERR_ENVELOPE_MALFORMED',
      message: `${PARSE_ERROR_PREFIX}cbor: invalid protected header: cbor: found duplicate map key 1 at map element index 1`,
    });
  });

  it('verifies over the protected bytes as received, never re-encoded', () => {
    // the same header map behind a non-shortest bstr head (0x59 + 2-byte length)
    const map = encodeCbor(coseHeader(-37));
    const head = Buffer.from([0x59, map.length >> 8, map.length & 0xff]);
    const rawProtected = Buffer.concat([head, map]);
    const content = verifyEnvelope(rawCose({ header: coseHeader(-37), identity: rsa(), rawProtected }), COSE);
    expect(content.signerInfo.signedAttributes.signingTime.date).toEqual(SIGNING_TIME);
  });
});

describe('API misuse', () => {
  it('throws TypeError for bytes that are not a Buffer or Uint8Array', () => {
    expect(() => verifyEnvelope('{}' as never, JWS)).toThrow(TypeError);
    expect(() => parseEnvelope(undefined as never, COSE)).toThrow(TypeError);
  });

  it('accepts a plain Uint8Array', () => {
    expect(verifyEnvelope(new Uint8Array(validCose()), COSE).mediaType).toBe(COSE);
  });
});
