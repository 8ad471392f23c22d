/**
 * Go's `encoding/base64` decoders as notation uses them (reference §4.1):
 * JWS `payload` / `protected` / `signature` are `RawURLEncoding` (no padding,
 * so a `=` is an illegal byte), x5c entries and the timestamp token are
 * `StdEncoding` (padded) because Go marshals `[]byte` that way. Both are the
 * lenient (non-strict) decoders: CR/LF are skipped and unused trailing bits
 * are ignored. Failures carry Go's exact text, `illegal base64 data at input
 * byte N`, with N the byte offset Go reports — the vectors compare it.
 */

/** Go's `base64.CorruptInputError`. */
export class GoBase64Error extends Error {
  override readonly name = 'GoBase64Error';
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NO_PADDING = -1;
const PAD = 0x3d; // '='
const CR = 0x0d;
const LF = 0x0a;

function decodeMap(alphabet: string): Int16Array {
  const map = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) map[alphabet.charCodeAt(i)] = i;
  return map;
}

const STD_MAP = decodeMap(STD_ALPHABET);
const URL_MAP = decodeMap(URL_ALPHABET);

// Inputs these match decode identically in Go and in Node's Buffer, so the
// common case skips the byte-by-byte port below.
const CLEAN_RAW_URL = /^[A-Za-z0-9_-]*$/;
const CLEAN_STD = /^[A-Za-z0-9+/]*={0,2}$/;

/** `base64.RawURLEncoding.DecodeString`. Throws GoBase64Error. */
export function decodeRawUrl(text: string): Buffer {
  if (text.length % 4 !== 1 && CLEAN_RAW_URL.test(text)) return Buffer.from(text, 'base64url');
  return goDecode(Buffer.from(text, 'utf8'), URL_MAP, NO_PADDING);
}

/** `base64.StdEncoding.DecodeString`. Throws GoBase64Error. */
export function decodeStd(text: string): Buffer {
  if (text.length % 4 === 0 && CLEAN_STD.test(text)) return Buffer.from(text, 'base64');
  return goDecode(Buffer.from(text, 'utf8'), STD_MAP, PAD);
}

/** A port of Go's `Encoding.Decode` / `decodeQuantum`, for the error offsets. */
function goDecode(src: Buffer, map: Int16Array, padChar: number): Buffer {
  const out = Buffer.alloc(Math.floor((src.length * 3) / 4) + 3);
  let n = 0;
  let si = 0;
  while (si < src.length) {
    const quantum = [0, 0, 0, 0];
    let dlen = 4;
    let trailingGarbageAt = -1;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return out.subarray(0, n);
        if (j === 1 || padChar !== NO_PADDING) throw new GoBase64Error(si - j);
        dlen = j;
        break;
      }
      const c = src[si]!;
      si++;
      const value = map[c]!;
      if (value !== -1) {
        quantum[j] = value;
        continue;
      }
      if (c === LF || c === CR) {
        j--;
        continue;
      }
      if (c !== padChar) throw new GoBase64Error(si - 1);
      // Padding: only after two or three symbols, and `==` after two.
      if (j === 0 || j === 1) throw new GoBase64Error(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === LF || src[si] === CR)) si++;
        if (si === src.length) throw new GoBase64Error(src.length);
        if (src[si] !== padChar) throw new GoBase64Error(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === LF || src[si] === CR)) si++;
      if (si < src.length) trailingGarbageAt = si;
      dlen = j;
      break;
    }
    const value = (quantum[0]! << 18) | (quantum[1]! << 12) | (quantum[2]! << 6) | quantum[3]!;
    if (dlen >= 2) out[n++] = (value >>> 16) & 0xff;
    if (dlen >= 3) out[n++] = (value >>> 8) & 0xff;
    if (dlen >= 4) out[n++] = value & 0xff;
    if (trailingGarbageAt >= 0) throw new GoBase64Error(trailingGarbageAt);
  }
  return out.subarray(0, n);
}

/** `base64.RawURLEncoding.EncodeToString`. */
export function encodeRawUrl(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** `base64.StdEncoding.EncodeToString`. */
export function encodeStd(bytes: Buffer): string {
  return bytes.toString('base64');
}
