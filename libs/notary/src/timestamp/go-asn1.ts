/**
 * A small reader with Go `encoding/asn1` Unmarshal semantics, for the few
 * RFC 3161 structures tspclient-go decodes with it (TSTInfo, the
 * signingCertificateV2 attribute). notation prints Go's error text verbatim
 * (reference §9 step 3, e.g. `asn1: structure error: tags don't match (23 vs
 * {class:0 tag:16 length:3 isCompound:true}) {…} Time @89`), and Go accepts
 * inputs a schema parser would not (a UTCTime genTime, extra trailing fields),
 * so the walk mirrors `encoding/asn1.parseField` field by field.
 */
import { GoAsn1Error } from './ber';

export const CLASS_UNIVERSAL = 0;
export const CLASS_CONTEXT = 2;

export const TAG_BOOLEAN = 1;
export const TAG_INTEGER = 2;
export const TAG_OCTET_STRING = 4;
export const TAG_OID = 6;
export const TAG_SEQUENCE = 16;
export const TAG_SET = 17;
export const TAG_UTC_TIME = 23;
export const TAG_GENERALIZED_TIME = 24;

/** Go's `tagAndLength`. */
export interface TagAndLength {
  class: number;
  tag: number;
  length: number;
  isCompound: boolean;
}

/** One parsed element: its header, content and full encoding. */
export interface Element extends TagAndLength {
  content: Buffer;
  full: Buffer;
}

/** How a Go struct field is declared: what `parseField` matches and prints on mismatch. */
export interface FieldSpec {
  /** Go type name as `reflect.Type.Name()` returns it (`int`, `Time`, `` for `[]byte`/`*big.Int`). */
  typeName: string;
  /** Universal tag of the Go type (`getUniversalType`); ignored for `any`. */
  tag: number;
  compound: boolean;
  /** `asn1:"optional"` (also implied by `default:`). */
  optional?: boolean;
  /** `asn1:"tag:N"` (implicit, context-specific). */
  contextTag?: number;
  /** `asn1.RawValue`: any universal tag matches. */
  any?: boolean;
  /** `asn1:"generalized"` on a time.Time (only printed; UTCTime is still accepted, as in Go). */
  generalized?: boolean;
}

/** Go's `%+v` of `fieldParameters` for a field without pointer-valued options. */
function formatParams(spec: FieldSpec): string {
  return (
    `{optional:${spec.optional === true} explicit:false application:false private:false defaultValue:<nil> tag:<nil> ` +
    `stringType:0 timeType:${spec.generalized ? TAG_GENERALIZED_TIME : 0} set:false omitEmpty:false}`
  );
}

/** Go `parseTagAndLength` (DER rules: minimal lengths, no indefinite form). */
export function parseTagAndLength(bytes: Buffer, start: number): { header: TagAndLength; offset: number } {
  let offset = start;
  if (offset >= bytes.length) throw new Error('asn1: internal error in parseTagAndLength');
  let b = bytes[offset++]!;
  const header: TagAndLength = { class: b >> 6, isCompound: (b & 0x20) === 0x20, tag: b & 0x1f, length: 0 };
  if (header.tag === 0x1f) {
    const parsed = parseBase128Int(bytes, offset);
    header.tag = parsed.value;
    offset = parsed.offset;
    if (header.tag < 0x1f) throw new GoAsn1Error('syntax', 'non-minimal tag');
  }
  if (offset >= bytes.length) throw new GoAsn1Error('syntax', 'truncated tag or length');
  b = bytes[offset++]!;
  if ((b & 0x80) === 0) {
    header.length = b & 0x7f;
  } else {
    const count = b & 0x7f;
    if (count === 0) throw new GoAsn1Error('syntax', 'indefinite length found (not DER)');
    for (let i = 0; i < count; i++) {
      if (offset >= bytes.length) throw new GoAsn1Error('syntax', 'truncated tag or length');
      b = bytes[offset++]!;
      if (header.length >= 1 << 23) throw new GoAsn1Error('structure', 'length too large');
      header.length = header.length * 256 + b;
      if (header.length === 0) throw new GoAsn1Error('structure', 'superfluous leading zeros in length');
    }
    if (header.length < 0x80) throw new GoAsn1Error('structure', 'non-minimal length');
  }
  return { header, offset };
}

function parseBase128Int(bytes: Buffer, start: number): { value: number; offset: number } {
  let offset = start;
  let value = 0;
  for (let shifted = 0; offset < bytes.length; shifted++) {
    if (shifted === 5) throw new GoAsn1Error('structure', 'base 128 integer too large');
    const b = bytes[offset]!;
    if (shifted === 0 && b === 0x80) throw new GoAsn1Error('syntax', 'integer is not minimally encoded');
    value = value * 128 + (b & 0x7f);
    offset++;
    if ((b & 0x80) === 0) {
      if (value > 0x7fffffff) throw new GoAsn1Error('structure', 'base 128 integer too large');
      return { value, offset };
    }
  }
  throw new GoAsn1Error('syntax', 'truncated base 128 integer');
}

/**
 * Walks the fields of one SEQUENCE the way Go fills a struct: each `next`
 * call is one struct field. A missing or mismatching optional field yields
 * `undefined` and consumes nothing; a required one throws Go's error.
 */
export class StructReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  /** Read the next field; `undefined` only for an absent optional field. */
  next(spec: FieldSpec): Element | undefined {
    if (this.offset === this.bytes.length) {
      if (spec.optional) return undefined;
      throw new GoAsn1Error('syntax', 'sequence truncated');
    }
    const start = this.offset;
    const { header, offset } = parseTagAndLength(this.bytes, start);

    let expectedClass = CLASS_UNIVERSAL;
    let expectedTag = spec.tag;
    let matchAnyClassAndTag = spec.any === true;
    // Go: a UTCTime field also accepts GeneralizedTime and vice versa.
    if (expectedTag === TAG_UTC_TIME && header.tag === TAG_GENERALIZED_TIME) expectedTag = TAG_GENERALIZED_TIME;
    if (spec.contextTag !== undefined) {
      expectedClass = CLASS_CONTEXT;
      expectedTag = spec.contextTag;
      matchAnyClassAndTag = false;
    }
    const tagMismatch = !matchAnyClassAndTag && (header.class !== expectedClass || header.tag !== expectedTag);
    const compoundMismatch = spec.any !== true && header.isCompound !== spec.compound;
    if (tagMismatch || compoundMismatch) {
      if (spec.optional) return undefined;
      throw new GoAsn1Error(
        'structure',
        `tags don't match (${expectedTag} vs {class:${header.class} tag:${header.tag} length:${header.length} isCompound:${header.isCompound}}) ` +
          `${formatParams(spec)} ${spec.typeName} @${offset}`,
      );
    }
    if (offset + header.length > this.bytes.length) throw new GoAsn1Error('syntax', 'data truncated');
    this.offset = offset + header.length;
    return { ...header, content: this.bytes.subarray(offset, this.offset), full: this.bytes.subarray(start, this.offset) };
  }
}

/** Unmarshal a top-level SEQUENCE into a struct reader (Go `asn1.Unmarshal(b, &structValue)`). */
export function readStruct(bytes: Buffer, typeName: string): StructReader {
  const element = new StructReader(bytes).next({ typeName, tag: TAG_SEQUENCE, compound: true });
  return new StructReader(element!.content);
}

/** Go `checkInteger`. */
function checkInteger(bytes: Buffer): void {
  if (bytes.length === 0) throw new GoAsn1Error('structure', 'empty integer');
  if (bytes.length === 1) return;
  if ((bytes[0] === 0 && (bytes[1]! & 0x80) === 0) || (bytes[0] === 0xff && (bytes[1]! & 0x80) === 0x80)) {
    throw new GoAsn1Error('structure', 'integer not minimally-encoded');
  }
}

/** Go `parseBigInt` (two's complement). */
export function parseBigInt(bytes: Buffer): bigint {
  checkInteger(bytes);
  let value = BigInt(`0x${bytes.toString('hex')}`);
  if ((bytes[0]! & 0x80) !== 0) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

/** Go `parseInt64` into a Go `int` (64-bit). */
export function parseGoInt(bytes: Buffer): number {
  checkInteger(bytes);
  if (bytes.length > 8) throw new GoAsn1Error('structure', 'integer too large');
  return Number(parseBigInt(bytes));
}

/** Go `parseObjectIdentifier`, as dotted text. */
export function parseObjectIdentifier(bytes: Buffer): string {
  if (bytes.length === 0) throw new GoAsn1Error('syntax', 'zero length OBJECT IDENTIFIER');
  const first = parseBase128Int(bytes, 0);
  const arcs: number[] = first.value < 80 ? [Math.floor(first.value / 40), first.value % 40] : [2, first.value - 80];
  let offset = first.offset;
  while (offset < bytes.length) {
    const next = parseBase128Int(bytes, offset);
    arcs.push(next.value);
    offset = next.offset;
  }
  return arcs.join('.');
}

/** Go `parseBool` (DER: only 0x00 and 0xff). */
export function parseBool(bytes: Buffer): boolean {
  if (bytes.length !== 1 || (bytes[0] !== 0 && bytes[0] !== 0xff)) throw new GoAsn1Error('syntax', 'invalid boolean');
  return bytes[0] === 0xff;
}

/** An instant with Go's nanosecond precision (JS dates hold milliseconds). */
export interface PreciseTime {
  date: Date;
  /** Nanoseconds since the Unix epoch. */
  epochNanos: bigint;
}

/**
 * Go `parseGeneralizedTime` (`20060102150405.999999999Z0700`, and the value
 * must serialise back to the same text) or, for a UTCTime element,
 * `parseUTCTime` (two-digit years, 1950–2049).
 */
export function parseAsn1Time(element: Element): PreciseTime {
  const text = element.content.toString('latin1');
  const generalized = element.tag === TAG_GENERALIZED_TIME;
  const pattern = generalized
    ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2})(\d{2}))$/
    : /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?()(?:(Z)|([+-])(\d{2})(\d{2}))$/;
  const match = pattern.exec(text);
  const layout = generalized ? '20060102150405.999999999Z0700' : '060102150405Z0700';
  // Go's time.ParseError names the first element that failed; for text that is not a time at all we name the whole layout.
  if (!match) throw new Error(`parsing time ${JSON.stringify(text)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(text)} as ${JSON.stringify(layout)}`);
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = match;
  let year = Number(y);
  if (!generalized) year += year >= 50 ? 1900 : 2000;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  const offsetMinutes = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Go's time.Parse rejects out-of-range fields; the re-serialisation check rejects a
  // non-canonical fraction (trailing zeros) or a `+0000` zone written instead of `Z`.
  const canonical =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    (fraction === undefined || !fraction.endsWith('0')) &&
    (zulu !== undefined || offsetMinutes !== 0);
  if (!canonical) {
    throw new Error(`asn1: time did not serialize back to the original value and may be invalid: given ${JSON.stringify(text)}`);
  }
  const nanosOfSecond = BigInt((fraction ?? '').padEnd(9, '0') || '0');
  const epochNanos = BigInt(epochMs) * 1_000_000n + nanosOfSecond;
  return { date: new Date(epochMs + Number(nanosOfSecond / 1_000_000n)), epochNanos };
}
