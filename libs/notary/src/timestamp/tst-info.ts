/**
 * RFC 3161 §2.4.2 TSTInfo: decoding (tspclient-go `SignedToken.Info`), the
 * check against the countersigned message (`TSTInfo.Validate`) and the
 * timestamp range it yields (reference §9 steps 3–5).
 */
import { createHash } from 'node:crypto';
import {
  Element,
  FieldSpec,
  parseAsn1Time,
  parseBigInt,
  parseBool,
  parseGoInt,
  parseObjectIdentifier,
  readStruct,
  StructReader,
  TAG_BOOLEAN,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_UTC_TIME,
} from './go-asn1';

/** RFC 3628 / ETSI EN 319 421 baseline time-stamp policy: its accuracy is 1 s when none is stated. */
export const BASELINE_TIMESTAMP_POLICY = '0.4.0.2023.1.1';

export const HASH_OIDS: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512'>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface Accuracy {
  seconds: number;
  millis: number;
  micros: number;
}

export interface TstInfo {
  version: number;
  /** TSA policy OID, dotted. */
  policy: string;
  messageImprint: { hashAlgorithm: string; hashedMessage: Buffer };
  serialNumber: bigint;
  genTime: Date;
  /** genTime with the token's full (nanosecond) precision, since the epoch. */
  genTimeNanos: bigint;
  /** Absent when the token states none. */
  accuracy?: Accuracy;
  ordering: boolean;
  nonce?: bigint;
  /** The `tsa` GeneralName, DER (undecoded). */
  tsa?: Buffer;
}

/** The interval the TSA vouches for: [genTime − accuracy, genTime + accuracy] (RFC 3161 §2.4.2). */
export interface TimestampRange {
  lower: Date;
  upper: Date;
  genTime: Date;
  /** Exact bounds in nanoseconds since the epoch (Go keeps nanoseconds; comparisons use these). */
  lowerNanos: bigint;
  upperNanos: bigint;
  accuracyNanos: bigint;
}

// Go struct fields of tspclient-go's TSTInfo, in declaration order.
const INT: FieldSpec = { typeName: 'int', tag: TAG_INTEGER, compound: false };
const OID: FieldSpec = { typeName: 'ObjectIdentifier', tag: TAG_OID, compound: false };
const BYTES: FieldSpec = { typeName: '', tag: TAG_OCTET_STRING, compound: false };
const BIG_INT: FieldSpec = { typeName: '', tag: TAG_INTEGER, compound: false };
const RAW_OPTIONAL: FieldSpec = { typeName: 'RawValue', tag: 0, compound: false, any: true, optional: true };

/** Decode a DER TSTInfo the way Go's `asn1.Unmarshal` fills tspclient-go's struct. Throws Go-worded errors. */
export function decodeTstInfo(der: Buffer): TstInfo {
  const fields = readStruct(der, 'TSTInfo');
  const version = parseGoInt(fields.next(INT)!.content);
  const policy = parseObjectIdentifier(fields.next(OID)!.content);
  const messageImprint = decodeMessageImprint(fields.next({ typeName: 'MessageImprint', tag: TAG_SEQUENCE, compound: true })!);
  const serialNumber = parseBigInt(fields.next(BIG_INT)!.content);
  const genTime = parseAsn1Time(fields.next({ typeName: 'Time', tag: TAG_UTC_TIME, compound: false, generalized: true })!);
  const accuracyElement = fields.next({ typeName: 'Accuracy', tag: TAG_SEQUENCE, compound: true, optional: true });
  const orderingElement = fields.next({ typeName: 'bool', tag: TAG_BOOLEAN, compound: false, optional: true });
  const nonceElement = fields.next({ ...BIG_INT, optional: true });
  const tsaElement = fields.next({ ...RAW_OPTIONAL, contextTag: 0 });
  // extensions [1] IMPLICIT Extensions: matched for shape only; notation never reads them.
  fields.next({ typeName: '', tag: TAG_SEQUENCE, compound: true, optional: true, contextTag: 1 });

  const info: TstInfo = {
    version,
    policy,
    messageImprint,
    serialNumber,
    genTime: genTime.date,
    genTimeNanos: genTime.epochNanos,
    ordering: orderingElement ? parseBool(orderingElement.content) : false,
  };
  if (accuracyElement) info.accuracy = decodeAccuracy(accuracyElement);
  if (nonceElement) info.nonce = parseBigInt(nonceElement.content);
  if (tsaElement) info.tsa = Buffer.from(tsaElement.full);
  return info;
}

function decodeMessageImprint(element: Element): TstInfo['messageImprint'] {
  const fields = new StructReader(element.content);
  const algorithm = new StructReader(fields.next({ typeName: 'AlgorithmIdentifier', tag: TAG_SEQUENCE, compound: true })!.content);
  const hashAlgorithm = parseObjectIdentifier(algorithm.next(OID)!.content);
  algorithm.next(RAW_OPTIONAL); // parameters
  const hashedMessage = Buffer.from(fields.next(BYTES)!.content);
  return { hashAlgorithm, hashedMessage };
}

/** Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER OPTIONAL, micros [1] INTEGER OPTIONAL } */
function decodeAccuracy(element: Element): Accuracy {
  const fields = new StructReader(element.content);
  const seconds = fields.next({ ...INT, optional: true });
  const millis = fields.next({ ...INT, optional: true, contextTag: 0 });
  const micros = fields.next({ ...INT, optional: true, contextTag: 1 });
  return {
    seconds: seconds ? parseGoInt(seconds.content) : 0,
    millis: millis ? parseGoInt(millis.content) : 0,
    micros: micros ? parseGoInt(micros.content) : 0,
  };
}

/** A TSTInfo that does not stamp the expected message (tspclient-go `TSTInfoError`). */
export class TstInfoError extends Error {
  override readonly name = 'TstInfoError';
  constructor(detail: string) {
    super(`invalid TSTInfo: ${detail}`);
  }
}

/**
 * tspclient-go `TSTInfo.Validate`: version 1 and a messageImprint equal to the
 * hash of `message` under the imprint's own algorithm (SHA-256/384/512).
 * Returns the timestamp range. Throws TstInfoError.
 */
export function validateTstInfo(info: TstInfo, message: Buffer): TimestampRange {
  if (info.version !== 1) throw new TstInfoError(`timestamp token info version must be 1, but got ${info.version}`);
  const hash = HASH_OIDS[info.messageImprint.hashAlgorithm];
  if (!hash) throw new TstInfoError(`unrecognized hash algorithm: ${info.messageImprint.hashAlgorithm}`);
  const digest = createHash(hash).update(message).digest();
  if (!digest.equals(info.messageImprint.hashedMessage)) throw new TstInfoError('mismatched message');
  return timestampRange(info);
}

/**
 * The timestamp range of a TSTInfo (what `notation inspect` prints): the
 * stated accuracy; with none (or all zero) under the baseline policy
 * 0.4.0.2023.1.1, one second; otherwise zero (reference §9 step 5).
 */
export function timestampRange(info: TstInfo): TimestampRange {
  const { seconds, millis, micros } = info.accuracy ?? { seconds: 0, millis: 0, micros: 0 };
  let accuracyNanos = BigInt(seconds) * 1_000_000_000n + BigInt(millis) * 1_000_000n + BigInt(micros) * 1_000n;
  if (seconds === 0 && millis === 0 && micros === 0 && info.policy === BASELINE_TIMESTAMP_POLICY) accuracyNanos = 1_000_000_000n;
  const lowerNanos = info.genTimeNanos - accuracyNanos;
  const upperNanos = info.genTimeNanos + accuracyNanos;
  return {
    lower: nanosToDate(lowerNanos),
    upper: nanosToDate(upperNanos),
    genTime: info.genTime,
    lowerNanos,
    upperNanos,
    accuracyNanos,
  };
}

/** Milliseconds floor (also for instants before 1970). */
function nanosToDate(nanos: bigint): Date {
  const millis = nanos / 1_000_000n - (nanos % 1_000_000n < 0n ? 1n : 0n);
  return new Date(Number(millis));
}
