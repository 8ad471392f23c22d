/**
 * A small, strict CBOR codec (RFC 8949) for COSE_Sign1 (reference §5).
 *
 * Why not a general-purpose library (cbor-x, node-cbor): COSE verification
 * needs three things they hide — the exact bytes of the protected header
 * item (Sig_structure must embed them untouched), whether a time value
 * carried tag 1 (they turn tag 1 into a Date and forget the tag), and Go's
 * decoding rules
 * (fxamacker/cbor as go-cose configures it: duplicate map keys, indefinite
 * lengths and, in the outer message, tags are errors). This decoder keeps
 * tags as `CborTag`, maps as `Map`, and reports each item's byte span, with
 * fxamacker's wording for the failures notation would show.
 *
 * The encoder writes RFC 8949 core deterministic encoding (shortest heads,
 * map keys sorted bytewise), which is what go-cose's encoder produces.
 */

export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

export class CborSimple {
  constructor(readonly value: number) {}
}

export type CborValue =
  | number
  | bigint
  | string
  | Buffer
  | boolean
  | null
  | undefined
  | CborValue[]
  | Map<CborValue, CborValue>
  | CborTag
  | CborSimple;

/** A decoding failure, worded as fxamacker/cbor words it. */
export class CborError extends Error {
  override readonly name = 'CborError';
}

const TYPE_NAMES = ['positive integer', 'negative integer', 'byte string', 'UTF-8 text string', 'array', 'map', 'tag', 'primitives'] as const;

/** fxamacker's name of the CBOR type whose head byte is `initial`. */
export function cborTypeName(initial: number): string {
  return TYPE_NAMES[initial >> 5]!;
}

export interface DecodeOptions {
  /** go-cose decodes the outer COSE_Sign1 with tags forbidden. */
  tagsForbidden?: boolean;
}

// fxamacker's defaults: MaxNestedLevels 32, MaxArrayElements / MaxMapPairs 131072.
const MAX_NESTED_LEVELS = 32;
const MAX_ELEMENTS = 131072;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface DecodedItem {
  value: CborValue;
  start: number;
  end: number;
}

/** Decode the one item that starts at `offset`; `end` is the offset after it. */
export function decodeItem(bytes: Buffer, offset: number, options: DecodeOptions = {}): DecodedItem {
  const reader = new Reader(bytes, offset, options);
  const value = reader.item(0);
  return { value, start: offset, end: reader.offset };
}

/** Decode `bytes` as exactly one item (fxamacker `Unmarshal`: extra bytes are an error). */
export function decodeSingle(bytes: Buffer, options: DecodeOptions = {}): CborValue {
  if (bytes.length === 0) throw new CborError('EOF');
  const { value, end } = decodeItem(bytes, 0, options);
  if (end < bytes.length) throw extraneousData(bytes.length - end, end);
  return value;
}

export function extraneousData(count: number, index: number): CborError {
  return new CborError(`cbor: ${count} bytes of extraneous data starting at index ${index}`);
}

class Reader {
  constructor(
    private readonly bytes: Buffer,
    public offset: number,
    private readonly options: DecodeOptions,
  ) {}

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) throw new CborError('unexpected EOF');
  }

  /** The argument of a head; bigint when it exceeds 2^53 − 1. */
  private argument(initial: number): number | bigint {
    const info = initial & 0x1f;
    if (info < 24) return info;
    if (info === 24) {
      this.need(1);
      return this.bytes[this.offset++]!;
    }
    if (info === 25) {
      this.need(2);
      const value = this.bytes.readUInt16BE(this.offset);
      this.offset += 2;
      return value;
    }
    if (info === 26) {
      this.need(4);
      const value = this.bytes.readUInt32BE(this.offset);
      this.offset += 4;
      return value;
    }
    if (info === 27) {
      this.need(8);
      const value = this.bytes.readBigUInt64BE(this.offset);
      this.offset += 8;
      return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
    }
    if (info === 31) {
      const major = initial >> 5;
      if (major >= 2 && major <= 5) throw new CborError(`cbor: indefinite-length ${cborTypeName(initial)} isn't allowed`);
    }
    throw new CborError(`cbor: invalid additional information ${info} for type ${cborTypeName(initial)}`);
  }

  private length(initial: number): number {
    const value = this.argument(initial);
    if (typeof value === 'bigint' || value > this.bytes.length) throw new CborError('unexpected EOF');
    return value;
  }

  item(depth: number): CborValue {
    if (depth > MAX_NESTED_LEVELS) throw new CborError(`cbor: exceeded max nested level ${MAX_NESTED_LEVELS}`);
    this.need(1);
    const initial = this.bytes[this.offset++]!;
    const major = initial >> 5;
    switch (major) {
      case 0:
        return this.argument(initial);
      case 1: {
        const value = this.argument(initial);
        if (typeof value === 'bigint') return -1n - value;
        return value >= Number.MAX_SAFE_INTEGER ? -1n - BigInt(value) : -1 - value;
      }
      case 2: {
        const length = this.length(initial);
        this.need(length);
        const value = Buffer.from(this.bytes.subarray(this.offset, this.offset + length));
        this.offset += length;
        return value;
      }
      case 3: {
        const length = this.length(initial);
        this.need(length);
        const raw = this.bytes.subarray(this.offset, this.offset + length);
        this.offset += length;
        try {
          return utf8.decode(raw);
        } catch {
          throw new CborError('cbor: invalid UTF-8 string');
        }
      }
      case 4: {
        const length = this.length(initial);
        if (length > MAX_ELEMENTS) throw new CborError(`cbor: exceeded max number of elements ${MAX_ELEMENTS} for CBOR array`);
        const items: CborValue[] = [];
        for (let i = 0; i < length; i++) items.push(this.item(depth + 1));
        return items;
      }
      case 5: {
        const length = this.length(initial);
        if (length > MAX_ELEMENTS) throw new CborError(`cbor: exceeded max number of key-value pairs ${MAX_ELEMENTS} for CBOR map`);
        const map = new Map<CborValue, CborValue>();
        for (let i = 0; i < length; i++) {
          const key = this.item(depth + 1);
          const value = this.item(depth + 1);
          const mapKey = typeof key === 'bigint' && key >= BigInt(Number.MIN_SAFE_INTEGER) && key <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(key) : key;
          if ((typeof mapKey === 'number' || typeof mapKey === 'string' || typeof mapKey === 'bigint') && map.has(mapKey)) {
            // go-cose decodes with DupMapKeyEnforcedAPF.
            throw new CborError(`cbor: found duplicate map key ${goSharpV(mapKey)} at map element index ${i}`);
          }
          map.set(mapKey, value);
        }
        return map;
      }
      case 6: {
        if (this.options.tagsForbidden) throw new CborError(`cbor: CBOR tag isn't allowed`);
        const tag = this.argument(initial);
        const contentInitial = this.bytes[this.offset];
        const content = this.item(depth + 1);
        if (tag === 0 && typeof content !== 'string') {
          throw new CborError(`cbor: tag number 0 must be followed by text string, got ${cborTypeName(contentInitial ?? 0)}`);
        }
        if (tag === 1 && !isNumeric(content)) {
          throw new CborError(`cbor: tag number 1 must be followed by integer or floating-point, got ${cborTypeName(contentInitial ?? 0)}`);
        }
        return new CborTag(typeof tag === 'bigint' ? Number(tag) : tag, content);
      }
      default:
        return this.primitive(initial);
    }
  }

  private primitive(initial: number): CborValue {
    const info = initial & 0x1f;
    if (info < 20) return new CborSimple(info);
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22) return null;
    if (info === 23) return undefined;
    if (info === 24) {
      this.need(1);
      const value = this.bytes[this.offset++]!;
      if (value < 32) throw new CborError(`cbor: invalid simple value ${value} for type primitives`);
      return new CborSimple(value);
    }
    if (info === 25) {
      this.need(2);
      const value = halfToNumber(this.bytes.readUInt16BE(this.offset));
      this.offset += 2;
      return value;
    }
    if (info === 26) {
      this.need(4);
      const value = this.bytes.readFloatBE(this.offset);
      this.offset += 4;
      return value;
    }
    if (info === 27) {
      this.need(8);
      const value = this.bytes.readDoubleBE(this.offset);
      this.offset += 8;
      return value;
    }
    if (info === 31) throw new CborError('cbor: unexpected "break" code');
    throw new CborError(`cbor: invalid additional information ${info} for type primitives`);
  }
}

function isNumeric(value: CborValue): boolean {
  return typeof value === 'number' || typeof value === 'bigint';
}

function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Go's `%#v` of a decoded map key (strings quoted, integers bare). */
function goSharpV(key: CborValue): string {
  return typeof key === 'string' ? JSON.stringify(key) : String(key);
}

// ---------------------------------------------------------------- encoding

function head(major: number, argument: number | bigint): Buffer {
  const top = major << 5;
  if (typeof argument === 'number') {
    if (!Number.isSafeInteger(argument) || argument < 0) throw new TypeError('CBOR argument must be a non-negative safe integer');
    if (argument < 24) return Buffer.from([top | argument]);
    if (argument < 0x100) return Buffer.from([top | 24, argument]);
    if (argument < 0x10000) return Buffer.from([top | 25, argument >> 8, argument & 0xff]);
    if (argument < 0x100000000) {
      const out = Buffer.alloc(5);
      out[0] = top | 26;
      out.writeUInt32BE(argument, 1);
      return out;
    }
    argument = BigInt(argument);
  }
  if (argument < 0n) throw new TypeError('negative CBOR argument');
  if (argument < 0x100000000n) return head(major, Number(argument));
  const out = Buffer.alloc(9);
  out[0] = top | 27;
  out.writeBigUInt64BE(argument, 1);
  return out;
}

/** A byte string item (head + bytes). */
export function encodeByteString(bytes: Buffer): Buffer {
  return Buffer.concat([head(2, bytes.length), bytes]);
}

/** An already-encoded item, embedded as is (Go's `cbor.RawMessage`). */
export class CborRaw {
  constructor(readonly encoded: Buffer) {}
}

/** Core deterministic encoding of a value; integers must be safe integers or bigint. */
export function encodeCbor(value: CborValue | CborRaw): Buffer {
  if (value instanceof CborRaw) return value.encoded;
  if (value === false) return Buffer.from([0xf4]);
  if (value === true) return Buffer.from([0xf5]);
  if (value === null) return Buffer.from([0xf6]);
  if (value === undefined) return Buffer.from([0xf7]);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`cannot encode ${value}: only integers are supported`);
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === 'bigint') return value >= 0n ? head(0, value) : head(1, -1n - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return encodeByteString(value);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map((item) => encodeCbor(item))]);
  if (value instanceof Map) {
    const entries = [...value.entries()].map(([key, item]) => [encodeCbor(key), encodeCbor(item)] as const);
    entries.sort((a, b) => Buffer.compare(a[0], b[0]));
    for (let i = 1; i < entries.length; i++) {
      if (entries[i]![0].equals(entries[i - 1]![0])) throw new TypeError('duplicate CBOR map key');
    }
    return Buffer.concat([head(5, entries.length), ...entries.flat()]);
  }
  if (value instanceof CborTag) return Buffer.concat([head(6, value.tag), encodeCbor(value.value)]);
  if (value instanceof CborSimple) return value.value < 24 ? Buffer.from([0xe0 | value.value]) : Buffer.from([0xf8, value.value]);
  throw new TypeError(`cannot encode ${typeof value} as CBOR`);
}
