/**
 * Parsing timestamp tokens (tspclient-go `ParseSignedToken` / `Info`):
 * the real tokens, the broken tokens of notation-go's tests, and the exact
 * Go error texts notation prints (reference §9 steps 2–3, §13).
 */
import { readFileSync } from 'node:fs';
import { notationGoPath } from '../conformance/vectors';
import { convertBerToDer, GoAsn1Error } from './ber';
import { TimestampError } from './errors';
import { formatTimestampRange } from './range';
import { integer, oid, sequence, tlv } from './test-tokens';
import { parseSignedToken, parseTimestampToken, readTstInfo } from './token';
import { decodeTstInfo, timestampRange, validateTstInfo } from './tst-info';
import { readEnvelopeTimestampParts } from './vector-envelopes';
import { verifyTimestamp } from './verify';
import { parseCertificates } from '../x509/certificate';

const countersignature = (name: string): Buffer => readFileSync(notationGoPath(`envelopes/notation-go/timestamp-countersignature/${name}`));
const jws = readEnvelopeTimestampParts(notationGoPath('envelopes/notation-go/timestamp/jwsWithTimestamp.sig'), 'application/jose+json');

function parseFailure(bytes: Uint8Array): TimestampError {
  try {
    parseTimestampToken(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(TimestampError);
    return error as TimestampError;
  }
  throw new Error('expected a parse failure');
}

describe('the GlobalSign token of jwsWithTimestamp.sig', () => {
  const token = parseTimestampToken(jws.token!);

  it('decodes the TSTInfo', () => {
    expect(token.contentType).toBe('1.2.840.113549.1.9.16.1.4');
    expect(token.tstInfo).toMatchObject({
      version: 1,
      policy: '1.3.6.1.4.1.4146.2.3',
      messageImprint: { hashAlgorithm: '2.16.840.1.101.3.4.2.1' },
      serialNumber: 0x71b1667795cff814db1c51ca3ea75e957822c20en,
      accuracy: { seconds: 1, millis: 0, micros: 0 },
      nonce: 0x71d790250f3e8d83f7c1727073b279951aaaa932n,
      ordering: false,
    });
    expect(token.tstInfo.genTime.toISOString()).toBe('2024-06-18T06:29:37.000Z');
    expect(token.tstInfo.tsa?.[0]).toBe(0xa0);
  });

  it('keeps the certificates in token order (as notation inspect lists them)', () => {
    expect(token.certificates.map((certificate) => certificate.sha256Fingerprint)).toEqual([
      '0b79a239ae42108def56b35405bf8fcd8e59a74b84eee2dec3d971c1ea1734ec',
      expect.any(String),
      expect.any(String),
    ]);
    expect(token.signerInfos).toHaveLength(1);
    expect(token.signerInfos[0]!.signedAttributesDer?.[0]).toBe(0x31);
  });

  it('gives the range notation inspect shows', () => {
    const range = timestampRange(token.tstInfo);
    expect(formatTimestampRange(range, 'ansic')).toBe('[Tue Jun 18 06:29:36 2024, Tue Jun 18 06:29:38 2024]');
    expect(formatTimestampRange(range, 'rfc3339nano')).toBe('[2024-06-18T06:29:36Z, 2024-06-18T06:29:38Z]');
  });
});

describe('the Microsoft tokens of the notation blob signatures (fractional genTime, 500 ms accuracy)', () => {
  it.each([
    ['blob.jws.sig', 'application/jose+json', '[Tue Dec 31 08:05:29 2024, Tue Dec 31 08:05:30 2024]', '[2024-12-31T08:05:29.509Z, 2024-12-31T08:05:30.509Z]'],
    ['blob.cose.sig', 'application/cose', '[Tue Jan  7 08:42:43 2025, Tue Jan  7 08:42:44 2025]', '[2025-01-07T08:42:43.582Z, 2025-01-07T08:42:44.582Z]'],
  ])('%s: the ranges of the inspect goldens', (name, mediaType, ansic, rfc3339nano) => {
    const parts = readEnvelopeTimestampParts(notationGoPath(`envelopes/notation/blob/${name}`), mediaType);
    const token = parseTimestampToken(parts.token!);
    expect(token.tstInfo.accuracy).toEqual({ seconds: 0, millis: 500, micros: 0 });
    const range = validateTstInfo(token.tstInfo, parts.signature);
    expect(formatTimestampRange(range, 'ansic')).toBe(ansic);
    expect(formatTimestampRange(range, 'rfc3339nano')).toBe(rfc3339nano);
    expect(token.certificates[0]!.sha256Fingerprint).toBe('36e731cfa9bfd69dafb643809f6dec500902f7197daeaad86ea0159a2268a2b8');
  });
});

describe('tokens notation cannot parse', () => {
  it('garbage: the BER conversion error (inspect golden e2e-with-invalid-timestamped-signature)', () => {
    const error = parseFailure(Buffer.from('invalid'));
    expect(error.step).toBe('parse');
    expect(error.reason).toBe(
      'cms: syntax error: invalid signed data: failed to convert from BER to DER: asn1: syntax error: decoding BER length octets: short form length octets value should be less or equal to the subsequent octets length',
    );
    expect(error.message).toBe(`failed to parse timestamp countersignature with error: ${error.reason}`);
  });

  it('a CMS SignedData whose content is not a TSTInfo', () => {
    expect(parseFailure(countersignature('TimeStampTokenWithInvalideContentType.p7s')).message).toBe(
      'failed to parse timestamp countersignature with error: unexpected content type: 1.2.840.113549.1.7.1. Expected to be id-ct-TSTInfo (1.2.840.113549.1.9.16.1.4)',
    );
  });

  it('a TSTInfo without genTime: Go asn1 error text, offset and all', () => {
    const error = parseFailure(countersignature('TimeStampTokenWithInvalidTSTInfo.p7s'));
    expect(error.step).toBe('tstInfo');
    expect(error.message).toBe(
      'failed to get the timestamp TSTInfo with error: cannot unmarshal TSTInfo from timestamp token: asn1: structure error: tags don\'t match (23 vs {class:0 tag:16 length:3 isCompound:true}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:24 set:false omitEmpty:false} Time @89',
    );
  });

  it('a token without certificates still parses (the signer is looked up later)', () => {
    const token = parseTimestampToken(countersignature('TimeStampTokenWithoutCertificate.p7s'));
    expect(token.certificates).toEqual([]);
  });

  it.each([
    ['empty', Buffer.alloc(0), 'asn1: syntax error: BER-encoded ASN.1 data structures is empty'],
    ['indefinite length', Buffer.from([0x30, 0x80, 0x00, 0x00]), 'asn1: structure error: decoding BER length octets: indefinite length not supported'],
    ['trailing bytes', Buffer.from([0x30, 0x00, 0x00]), 'asn1: syntax error: decoding BER: length octets value 0 does not match with content length 1'],
  ])('%s', (_name, bytes, detail) => {
    expect(parseFailure(bytes).reason).toBe(`cms: syntax error: invalid signed data: failed to convert from BER to DER: ${detail}`);
  });

  it('a ContentInfo that is not signed-data', () => {
    expect(parseFailure(sequence(oid('1.2.840.113549.1.7.1'), tlv(0xa0, tlv(0x04, Buffer.from('x'))))).reason).toBe('cms: content type is not signed-data');
  });

  it('a SignedData of another version', () => {
    const token = Buffer.from(jws.token!);
    expect(token.subarray(23, 26)).toEqual(Buffer.from([0x02, 0x01, 0x03])); // SignedData.version
    token[25] = 1;
    expect(parseFailure(token).reason).toBe('cms: syntax error: unsupported signed data version: got 1, want 3');
  });
});

describe('BER tolerance', () => {
  /**
   * Re-encode every non-zero length in the 4-byte long form, which DER forbids
   * and BER allows. (A long-form zero length is refused by tspclient-go's
   * converter as an early EOF, so those stay short.)
   */
  function toLongFormLengths(der: Buffer): Buffer {
    const out: Buffer[] = [];
    let offset = 0;
    const walk = (end: number): void => {
      while (offset < end) {
        const identifier = der[offset++]!;
        let length = der[offset++]!;
        if (length & 0x80) {
          const count = length & 0x7f;
          length = 0;
          for (let i = 0; i < count; i++) length = length * 256 + der[offset++]!;
        }
        if (length === 0) {
          out.push(Buffer.from([identifier, 0]));
          continue;
        }
        const lengthBytes = Buffer.alloc(5);
        lengthBytes[0] = 0x84; // the content size is patched in once known
        out.push(Buffer.from([identifier]), lengthBytes);
        const start = out.length;
        if (identifier & 0x20) walk(offset + length);
        else {
          out.push(der.subarray(offset, offset + length));
          offset += length;
        }
        lengthBytes.writeUInt32BE(out.slice(start).reduce((sum, part) => sum + part.length, 0), 1);
      }
    };
    walk(der.length);
    return Buffer.concat(out);
  }

  it('a token with non-minimal lengths parses to the same DER and verifies the same', () => {
    const ber = toLongFormLengths(jws.token!);
    expect(ber.length).toBeGreaterThan(jws.token!.length);
    expect(convertBerToDer(ber).equals(jws.token!)).toBe(true);
    expect(parseTimestampToken(ber).tstInfo).toEqual(parseTimestampToken(jws.token!).tstInfo);
    const tsaRoots = parseCertificates(readFileSync(notationGoPath('truststores/notation-go/truststore/x509/tsa/test-timestamp/globalsignRoot.cer')));
    expect(verifyTimestamp({ token: ber, signature: jws.signature, tsaRoots }).chain).toHaveLength(3);
  });

  it('a long-form zero length is an early EOF, as in tspclient-go', () => {
    expect(() => convertBerToDer(Buffer.from([0x30, 0x84, 0, 0, 0, 0]))).toThrow('asn1: syntax error: decoding BER length octets: long form length octets with early EOF');
  });
});

describe('decodeTstInfo: Go encoding/asn1 semantics', () => {
  const imprint = sequence(sequence(oid('2.16.840.1.101.3.4.2.1'), Buffer.from([0x05, 0x00])), tlv(0x04, Buffer.alloc(32)));
  const head = [integer(1), oid('1.2.3'), imprint, integer(7)];

  it('accepts a UTCTime genTime, and fractional seconds down to nanoseconds', () => {
    expect(decodeTstInfo(sequence(...head, tlv(0x17, Buffer.from('240618062937Z')))).genTime.toISOString()).toBe('2024-06-18T06:29:37.000Z');
    const precise = decodeTstInfo(sequence(...head, tlv(0x18, Buffer.from('20240618062937.123456789Z'))));
    expect(precise.genTimeNanos % 1_000_000_000n).toBe(123_456_789n);
    expect(formatTimestampRange(timestampRange(precise), 'rfc3339nano')).toBe('[2024-06-18T06:29:37.123456789Z, 2024-06-18T06:29:37.123456789Z]');
  });

  it('ignores fields past the known ones (Go allows trailing SEQUENCE elements)', () => {
    const info = decodeTstInfo(sequence(...head, tlv(0x18, Buffer.from('20240618062937Z')), tlv(0x0c, Buffer.from('extra'))));
    expect(info.accuracy).toBeUndefined();
  });

  it.each([
    ['a missing genTime', sequence(...head), 'asn1: syntax error: sequence truncated'],
    ['a non-canonical fraction', sequence(...head, tlv(0x18, Buffer.from('20240618062937.10Z'))), 'asn1: time did not serialize back to the original value and may be invalid: given "20240618062937.10Z"'],
    [
      'an OCTET STRING as version',
      sequence(tlv(0x04, Buffer.from([1]))),
      "asn1: structure error: tags don't match (2 vs {class:0 tag:4 length:1 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false} int @2",
    ],
    ['a non-minimal integer', sequence(tlv(0x02, Buffer.from([0, 1]))), 'asn1: structure error: integer not minimally-encoded'],
    ['a truncated element', Buffer.from([0x30, 0x03, 0x02, 0x05, 0x01]), 'asn1: syntax error: data truncated'],
  ])('%s', (_name, der, message) => {
    expect(() => decodeTstInfo(der)).toThrow(message);
  });

  it('wraps TSTInfo failures as SignedToken.Info does', () => {
    const signed = parseSignedToken(jws.token!);
    expect(() => readTstInfo({ ...signed, content: Buffer.alloc(0) })).toThrow(
      'failed to get the timestamp TSTInfo with error: cannot unmarshal TSTInfo from timestamp token: asn1: syntax error: sequence truncated',
    );
  });

  it('GoAsn1Error names Go error kinds', () => {
    expect(new GoAsn1Error('structure', 'x').message).toBe('asn1: structure error: x');
  });
});
