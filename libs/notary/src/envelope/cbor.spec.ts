import { Tagged, decodeFirstSync, encode as encodeIndependently } from 'cbor';
import { CborError, CborTag, decodeItem, decodeSingle, encodeCbor } from './cbor';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof CborError) return error.message;
    throw error;
  }
  return 'no error';
};

describe('CBOR decoding', () => {
  it('keeps tags, maps with integer and text labels, and byte strings', () => {
    // {1: -37, "t": 1(1678769122), 33: [h'0102']}
    const value = decodeSingle(hex('a3 01 3824 61 74 c1 1a 640ffbe2 1821 81 42 0102')) as Map<unknown, unknown>;
    expect(value.get(1)).toBe(-37);
    expect(value.get('t')).toEqual(new CborTag(1, 1678769122));
    expect(value.get(33)).toEqual([Buffer.from([1, 2])]);
  });

  it('tells a tag-1 time from an untagged one (what a general CBOR library hides behind a Date)', () => {
    const tagged = encodeIndependently(new Tagged(1, 1700000000));
    const untagged = encodeIndependently(1700000000);
    expect(decodeSingle(Buffer.from(tagged))).toEqual(new CborTag(1, 1700000000));
    expect(decodeSingle(Buffer.from(untagged))).toBe(1700000000);
  });

  it('keeps tag 0 apart from tag 1, which a general CBOR library does not (both become a Date)', () => {
    const tag1 = hex('c1 1a 640ffbe2');
    const tag0 = Buffer.concat([hex('c0 74'), Buffer.from('2023-03-14T04:45:22Z')]);
    expect(decodeFirstSync(tag1)).toEqual(decodeFirstSync(tag0)); // why notation's "only Tag `1`" rule needs our decoder
    expect(decodeSingle(tag1)).toEqual(new CborTag(1, 1678769122));
    expect(decodeSingle(tag0)).toEqual(new CborTag(0, '2023-03-14T04:45:22Z'));
  });

  it('decodes what an independent CBOR encoder writes', () => {
    const encoded = encodeIndependently(new Map<unknown, unknown>([[1, -7], ['k', ['a', Buffer.from('xy')]], [2, true]]));
    const decoded = decodeSingle(encoded) as Map<unknown, unknown>;
    expect([...decoded.entries()]).toEqual([
      [1, -7],
      ['k', ['a', Buffer.from('xy')]],
      [2, true],
    ]);
  });

  it('reports item spans, so the protected header bytes can be reused as received', () => {
    const bytes = hex('84 43 a10126 a0 f6 40');
    const first = decodeItem(bytes, 1);
    expect([first.start, first.end]).toEqual([1, 5]);
    expect(decodeItem(bytes, first.end)).toEqual({ value: new Map(), start: 5, end: 6 });
  });

  it('rejects what go-cose rejects, with fxamacker wording', () => {
    expect(failure(() => decodeSingle(hex('5f 41 00 ff')))).toBe("cbor: indefinite-length byte string isn't allowed");
    expect(failure(() => decodeSingle(hex('83 01 02')))).toBe('unexpected EOF');
    expect(failure(() => decodeSingle(Buffer.alloc(0)))).toBe('EOF');
    expect(failure(() => decodeSingle(hex('01 02')))).toBe('cbor: 1 bytes of extraneous data starting at index 1');
    expect(failure(() => decodeSingle(hex('a2 01 01 01 02')))).toBe('cbor: found duplicate map key 1 at map element index 1');
    expect(failure(() => decodeSingle(hex('a2 61 61 01 61 61 02')))).toBe('cbor: found duplicate map key "a" at map element index 1');
    expect(failure(() => decodeSingle(hex('c1 01'), { tagsForbidden: true }))).toBe("cbor: CBOR tag isn't allowed");
    expect(failure(() => decodeSingle(hex('c1 61 61')))).toBe('cbor: tag number 1 must be followed by integer or floating-point, got UTF-8 text string');
    expect(failure(() => decodeSingle(hex('1c')))).toBe('cbor: invalid additional information 28 for type positive integer');
    expect(failure(() => decodeSingle(hex('ff')))).toBe('cbor: unexpected "break" code');
    expect(failure(() => decodeSingle(hex('62 c3 28')))).toBe('cbor: invalid UTF-8 string');
    expect(failure(() => decodeSingle(Buffer.from('81'.repeat(40) + '00', 'hex')))).toBe('cbor: exceeded max nested level 32');
  });

  it('reads floats, big integers and simple values', () => {
    expect(decodeSingle(hex('f9 3e00'))).toBe(1.5);
    expect(decodeSingle(hex('fa 47c35000'))).toBe(100000);
    expect(decodeSingle(hex('fb 3ff8000000000000'))).toBe(1.5);
    expect(decodeSingle(hex('1b ffffffffffffffff'))).toBe(18446744073709551615n);
    expect(decodeSingle(hex('3b ffffffffffffffff'))).toBe(-18446744073709551616n);
    expect(decodeSingle(hex('f4'))).toBe(false);
    expect(decodeSingle(hex('f7'))).toBeUndefined();
  });
});

describe('CBOR encoding', () => {
  it('writes core deterministic encoding: shortest heads, map keys sorted by encoded bytes', () => {
    const map = new Map<number | string, unknown>([
      ['io.cncf.notary.signingScheme', 'notary.x509'],
      [3, 'a/b'],
      ['io.cncf.notary.signingTime', new CborTag(1, 1678769122)],
      [1, -37],
    ]);
    const encoded = encodeCbor(map as never);
    expect(encoded.toString('hex')).toBe(
      'a4' + '01' + '3824' + '03' + '63612f62' + '781a' + Buffer.from('io.cncf.notary.signingTime').toString('hex') + 'c11a640ffbe2' +
        '781c' + Buffer.from('io.cncf.notary.signingScheme').toString('hex') + '6b' + Buffer.from('notary.x509').toString('hex'),
    );
    expect(decodeSingle(encoded)).toEqual(map);
  });

  it('round-trips integers at every head size', () => {
    for (const value of [0, 23, 24, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -24, -25, -257, Number.MAX_SAFE_INTEGER]) {
      expect(decodeSingle(encodeCbor(value))).toBe(value);
    }
  });
});
