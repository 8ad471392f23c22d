/**
 * The fast path of JWS parsing: the envelope in exactly the compact layout
 * notation-go writes, read without building a JSON tree.
 */
import type { Certificate } from '../x509/certificate';
import { HEADER } from './codec';
import { x5cMemo, x5cRecent, type ParsedJws } from './jws-model';

const CANONICAL = {
  payload: Buffer.from('{"payload":'),
  protected: Buffer.from(',"protected":'),
  header: Buffer.from(',"header":{'),
  timestamp: Buffer.from(`"${HEADER.timestampSignature}":`),
  x5c: Buffer.from('"x5c":['),
  signingAgent: Buffer.from(`,"${HEADER.signingAgent}":`),
  signature: Buffer.from('},"signature":'),
};
const PLAIN_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/; // printable ASCII without '"' and '\\'
const CLEAN_RAW_URL_SEGMENT = /^[A-Za-z0-9_-]*$/;
const CLEAN_STD_MEMBER = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The envelope in exactly the compact layout notation-go writes
 * (`{"payload":…,"protected":…,"header":{["io.cncf.notary.timestampSignature":…,]"x5c":[…][,"io.cncf.notary.signingAgent":…]},"signature":…}`)
 * with plain ASCII members, read without building a JSON tree: x5c entries
 * are compared byte for byte with recently seen ones. For these inputs the
 * result is what the full decode gives; anything else (other layouts,
 * escapes, whitespace, unusual characters, bad base64) returns undefined and
 * takes the full Go-compatible path, which also words the errors.
 */
export function parseCanonicalJws(bytes: Buffer): ParsedJws | undefined {
  let at = 0;
  const literal = (expected: Buffer): boolean => {
    if (at + expected.length > bytes.length || bytes.compare(expected, 0, expected.length, at, at + expected.length) !== 0) return false;
    at += expected.length;
    return true;
  };
  /** The `[start, end)` of a string member's content; the member must not contain an escape. */
  const member = (): [number, number] | undefined => {
    if (bytes[at] !== 0x22) return undefined;
    const end = bytes.indexOf(0x22, at + 1);
    if (end < 0) return undefined;
    const start = at + 1;
    at = end + 1;
    return [start, end];
  };
  const segment = (): string | undefined => {
    const range = member();
    if (!range) return undefined;
    const text = bytes.toString('latin1', range[0], range[1]);
    return text.length % 4 !== 1 && CLEAN_RAW_URL_SEGMENT.test(text) ? text : undefined;
  };
  const standardBase64 = (range: [number, number]): { text: string; bytes: Buffer } | undefined => {
    const text = bytes.toString('latin1', range[0], range[1]);
    return text.length % 4 === 0 && CLEAN_STD_MEMBER.test(text) ? { text, bytes: Buffer.from(text, 'base64') } : undefined;
  };

  if (!literal(CANONICAL.payload)) return undefined;
  const payload = segment();
  if (payload === undefined || !literal(CANONICAL.protected)) return undefined;
  const protectedSegment = segment();
  if (protectedSegment === undefined || !literal(CANONICAL.header)) return undefined;

  let timestampSignature: Buffer | undefined;
  if (literal(CANONICAL.timestamp)) {
    const range = member();
    const token = range && standardBase64(range);
    if (!token || bytes[at++] !== 0x2c) return undefined;
    timestampSignature = token.bytes;
  }

  if (!literal(CANONICAL.x5c)) return undefined;
  const x5c: string[] = [];
  const certificates: Array<Buffer | Certificate> = [];
  for (;;) {
    const range = member();
    if (!range) return undefined;
    const length = range[1] - range[0];
    const known = x5cRecent.find((entry) => entry.ascii.length === length && bytes.compare(entry.ascii, 0, length, range[0], range[1]) === 0);
    if (known) {
      x5c.push(known.text);
      certificates.push(known.certificate);
    } else {
      const entry = standardBase64(range);
      if (!entry) return undefined;
      x5c.push(entry.text);
      certificates.push(x5cMemo.get(entry.text) ?? entry.bytes);
    }
    const next = bytes[at++];
    if (next === 0x5d) break; // ']'
    if (next !== 0x2c) return undefined;
  }

  let signingAgent = '';
  if (literal(CANONICAL.signingAgent)) {
    const range = member();
    if (!range) return undefined;
    signingAgent = bytes.toString('latin1', range[0], range[1]);
    if (!PLAIN_TEXT.test(signingAgent)) return undefined;
  }
  if (!literal(CANONICAL.signature)) return undefined;
  const signature = segment();
  if (signature === undefined || bytes[at++] !== 0x7d) return undefined;
  for (; at < bytes.length; at++) {
    const c = bytes[at];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return undefined;
  }
  return { payload, protected: protectedSegment, signature, x5c, certificates, signingAgent, timestampSignature, segmentsClean: true };
}
