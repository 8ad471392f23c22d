/**
 * `ParseEnvelope` for COSE: go-cose v1.3.0 `Sign1Message.UnmarshalCBOR` and
 * `Headers.UnmarshalFromRaw` — COSE_Sign1_Tagged only, tags forbidden in the
 * outer message, header labels int/tstr, duplicate labels and malformed
 * generic parameters (alg, crit, content type, kid, IV) rejected — with
 * fxamacker/go-cose wording.
 */
import { CborError, decodeItem, decodeSingle, extraneousData, type CborValue } from './cbor';
import { LABEL, TAGGED_SIGN1_PREFIX, isInt, isLabel, type HeaderLabel, type HeaderMap, type ParsedCose } from './cose-model';
import { parseFailure } from './failure';

/** go-cose `Sign1Message.UnmarshalCBOR` + `Headers.UnmarshalFromRaw`. */
export function parseCose(bytes: Buffer): ParsedCose {
  if (bytes[0] !== TAGGED_SIGN1_PREFIX[0] || bytes[1] !== TAGGED_SIGN1_PREFIX[1]) {
    throw parseFailure('cbor: invalid COSE_Sign1_Tagged object');
  }
  // go-cose decodes data[1:] (the array) with tags forbidden; offsets below are relative to it.
  const data = bytes.subarray(1);
  const items: Array<{ value: CborValue; raw: Buffer }> = [];
  try {
    let offset = 1;
    for (let i = 0; i < 4; i++) {
      const item = decodeItem(data, offset, { tagsForbidden: true });
      items.push({ value: item.value, raw: data.subarray(item.start, item.end) });
      offset = item.end;
    }
    if (offset < data.length) throw extraneousData(data.length - offset, offset);
  } catch (error) {
    if (error instanceof CborError) throw parseFailure(error.message, 'ERR_ENVELOPE_MALFORMED', error);
    throw error;
  }
  const [protectedItem, unprotectedItem, payloadItem, signatureItem] = items as [(typeof items)[0], (typeof items)[0], (typeof items)[0], (typeof items)[0]];

  const payload = optionalByteString(payloadItem.value);
  const signature = optionalByteString(signatureItem.value);
  if (signature === null || signature.length === 0) throw parseFailure('empty signature');

  return {
    rawProtected: Buffer.from(protectedItem.raw),
    protected: decodeProtectedHeader(protectedItem.value),
    unprotected: decodeUnprotectedHeader(unprotectedItem.value, unprotectedItem.raw[0]!),
    payload,
    signature,
  };
}

/** go-cose `byteString`: a bstr, or nil for null/undefined. */
function optionalByteString(value: CborValue): Buffer | null {
  if (value === null || value === undefined) return null;
  if (!Buffer.isBuffer(value)) throw parseFailure('cbor: require bstr type');
  return value;
}

function decodeProtectedHeader(value: CborValue): HeaderMap {
  const fail = (reason: string): never => {
    throw parseFailure(`cbor: invalid protected header: ${reason}`);
  };
  if (value === null || value === undefined) fail('cbor: nil protected header');
  if (!Buffer.isBuffer(value)) return fail('cbor: require bstr type');
  if (value.length === 0) return new Map();
  if (value[0]! >> 5 !== 5) fail('cbor: protected header: require map type');
  let decoded: CborValue;
  try {
    decoded = decodeSingle(value);
  } catch (error) {
    if (error instanceof CborError) return fail(error.message);
    throw error;
  }
  const header = toHeaderMap(decoded as Map<CborValue, CborValue>, fail);
  const problem = validateHeaderParameters(header, true);
  if (problem) fail(`protected header: ${problem}`);
  return header;
}

function decodeUnprotectedHeader(value: CborValue, initial: number): HeaderMap {
  const fail = (reason: string): never => {
    throw parseFailure(`cbor: invalid unprotected header: ${reason}`);
  };
  if (initial >> 5 !== 5) fail('cbor: unprotected header: require map type');
  const header = toHeaderMap(value as Map<CborValue, CborValue>, fail);
  const problem = validateHeaderParameters(header, false);
  if (problem) fail(`unprotected header: ${problem}`);
  return header;
}

/** go-cose `validateHeaderLabelCBOR`: labels are int or tstr. */
function toHeaderMap(map: Map<CborValue, CborValue>, fail: (reason: string) => never): HeaderMap {
  for (const key of map.keys()) {
    if (typeof key !== 'number' && typeof key !== 'string' && typeof key !== 'bigint') fail('cbor: header label: require int / tstr type');
  }
  return map as HeaderMap;
}

/** go-cose `validateHeaderParameters` for the generic labels; returns the problem or null. */
function validateHeaderParameters(header: HeaderMap, isProtected: boolean): string | null {
  for (const [label, value] of header) {
    switch (label) {
      case LABEL.alg:
        if (!isLabel(value)) return 'header parameter: alg: require int / tstr type';
        break;
      case LABEL.crit: {
        if (!isProtected) return 'header parameter: crit: not allowed';
        const problem = criticalProblem(value, header);
        if (problem) return `header parameter: crit: ${problem}`;
        break;
      }
      case LABEL.contentType:
        if (typeof value === 'string') {
          if (value.length === 0) return 'header parameter: content type: require non-empty string';
          if (value.startsWith(' ') || value.endsWith(' ')) return 'header parameter: content type: require no leading/trailing whitespace';
          if (value.split('/').length !== 2) return 'header parameter: content type: require text of form type/subtype';
        } else if (!(isInt(value) && Number(value) >= 0)) {
          return 'header parameter: content type: require tstr / uint type';
        }
        break;
      case LABEL.kid:
        if (!Buffer.isBuffer(value)) return 'header parameter: kid: require bstr type';
        break;
      case LABEL.iv:
      case LABEL.partialIv:
        if (!Buffer.isBuffer(value)) return `header parameter: ${label === LABEL.iv ? 'IV' : 'Partial IV'}: require bstr type`;
        if (header.has(LABEL.iv) && header.has(LABEL.partialIv)) return 'header parameter: IV and PartialIV: parameters must not both be present';
        break;
      default:
        break;
    }
  }
  return null;
}

/** go-cose `ensureCritical`: a non-empty array of int/tstr labels, each present in the protected bucket. */
function criticalProblem(value: CborValue, header: HeaderMap): string | null {
  if (!Array.isArray(value)) return 'invalid crit header';
  if (value.length === 0) return 'empty crit header';
  for (const label of value) {
    if (!isLabel(label)) return `require int / tstr type, got '${goTypeName(label)}': ${String(label)}`;
    if (!header.has(label as HeaderLabel)) return `missing critical header: ${String(label)}`;
  }
  return null;
}

function goTypeName(value: CborValue): string {
  if (Buffer.isBuffer(value)) return '[]uint8';
  if (Array.isArray(value)) return '[]interface {}';
  if (value instanceof Map) return 'map[interface {}]interface {}';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'float64';
  if (value === null || value === undefined) return '<nil>';
  return 'cbor.Tag';
}
