/**
 * Distinguished names as notation reads them for `x509.subject` trusted
 * identities (reference §10.3): go-ldap's RFC 4514 `ParseDN`, then
 * notation-go's `internal/pkix` rules — no `=#` values, no multi-valued RDNs,
 * no duplicate attribute types, `S` an alias of `ST`, and C, ST and O present.
 */
import { NotaryError } from '../errors';
import { goQuote } from './go-format';

/** One parsed DN: attribute type → value (insertion order kept for printing). */
export type ParsedDistinguishedName = ReadonlyMap<string, string>;

interface AttributeTypeAndValue {
  type: string;
  value: string;
}

const MANDATORY_ATTRIBUTES = ['C', 'ST', 'O'] as const;
const MANDATORY_HINT = "it must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum";

/**
 * notation's `pkix.ParseDistinguishedName`: throws ERR_TRUST_POLICY with
 * notation's message when the DN breaks a rule.
 */
export function parseDistinguishedName(name: string): ParsedDistinguishedName {
  // notation refuses hex-encoded (BER) values outright (notation-go issue #276).
  if (name.includes('=#')) {
    throw policyError(`unsupported distinguished name (DN) ${goQuote(name)}: notation does not support x509.subject identities containing "=#"`);
  }
  let rdns: AttributeTypeAndValue[][];
  try {
    rdns = parseRfc4514(name);
  } catch (error) {
    throw policyError(
      `parsing distinguished name (DN) ${goQuote(name)} failed with err: ${(error as Error).message}. A valid DN must contain 'C', 'ST' or 'S', and 'O' RDN attributes at a minimum, and follow RFC 4514 standard`,
    );
  }
  const attributes = new Map<string, string>();
  for (const rdn of rdns) {
    if (rdn.length > 1) {
      throw policyError(
        `distinguished name (DN) ${goQuote(name)} has multi-valued RDN attributes, remove multi-valued RDN attributes as they are not supported`,
      );
    }
    for (const attribute of rdn) {
      // `S` is the stateOrProvinceName alias some tools write for `ST`.
      const type = attribute.type === 'S' ? 'ST' : attribute.type;
      // As Go's map lookup: an attribute seen with an empty value is not a duplicate.
      if (attributes.get(type)) {
        throw policyError(
          `distinguished name (DN) ${goQuote(name)} has duplicate RDN attribute for ${goQuote(type)}, DN can only have unique RDN attributes`,
        );
      }
      attributes.set(type, attribute.value);
    }
  }
  for (const field of MANDATORY_ATTRIBUTES) {
    if (!attributes.get(field)) {
      throw policyError(`distinguished name (DN) ${goQuote(name)} has no mandatory RDN attribute for ${goQuote(field)}, ${MANDATORY_HINT}`);
    }
  }
  return attributes;
}

/** notation's `pkix.IsSubsetDN`: every pair of `subset` is present, with the same value, in `superset`. */
export function isSubsetDistinguishedName(subset: ParsedDistinguishedName, superset: ParsedDistinguishedName): boolean {
  for (const [type, value] of subset) {
    if (superset.get(type) !== value) return false;
  }
  return true;
}

function policyError(message: string): NotaryError {
  return new NotaryError('ERR_TRUST_POLICY', message);
}

// ---- go-ldap v3 ParseDN (RFC 4514) ----

/** RDNs in written order, each a list of attribute type-and-values. */
export function parseRfc4514(text: string): AttributeTypeAndValue[][] {
  const rdns: AttributeTypeAndValue[][] = [];
  if (text.trim() === '') return rdns;
  let rdn: AttributeTypeAndValue[] = [];
  let type = '';
  let escaping = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (escaping) {
      escaping = false;
    } else if (char === '\\') {
      escaping = true;
    } else if (char === '=' && type.length === 0) {
      type = decodeString(text.slice(start, i));
      start = i + 1;
    } else if (char === ',' || char === '+' || char === ';') {
      if (type.length === 0) throw new Error('incomplete type, value pair');
      rdn.push({ type, value: decodeValue(text.slice(start, i)) });
      type = '';
      start = i + 1;
      if (char !== '+') {
        rdns.push(rdn);
        rdn = [];
      }
    }
  }
  if (type.length === 0) throw new Error('DN ended with incomplete type, value pair');
  rdn.push({ type, value: decodeValue(text.slice(start)) });
  rdns.push(rdn);
  return rdns;
}

function decodeValue(raw: string): string {
  const trimmed = stripSpaces(raw);
  // RFC 4514 §2.4 `#hex` BER values; notation rejects `=#` before parsing, so
  // only a value like `= #...` reaches here — refuse it rather than decode BER.
  if (trimmed.startsWith('#')) throw new Error('failed to decode BER encoding: unsupported hex-encoded value');
  return decodeString(raw);
}

/** Leading/trailing spaces are insignificant, except a trailing space escaped by an odd run of backslashes. */
function stripSpaces(raw: string): string {
  let stripped = raw.replace(/^ +| +$/g, '');
  if (stripped.length > 0 && raw.endsWith(' ')) {
    let backslashes = 0;
    for (let i = stripped.length - 1; i >= 0 && stripped[i] === '\\'; i--) backslashes++;
    if (backslashes % 2 === 1) stripped += ' ';
  }
  return stripped;
}

const ESCAPABLE = ' "#+,;<=>\\';

/** Unescape `\c` and `\XX` (hex bytes, possibly forming UTF-8), rejecting raw `"`, `;`, `<`, `>` and NUL. */
function decodeString(raw: string): string {
  const chars = [...stripSpaces(raw)];
  const bytes: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char !== '\\') {
      if ('";<>'.includes(char)) throw new Error(`got unescaped character: '${char}'`);
      if (char === '\u0000') throw new Error('got unescaped NULL character');
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = chars[i + 1];
    if (next === undefined) throw new Error(`got corrupted escaped character: '${chars.join('')}'`);
    if (ESCAPABLE.includes(next)) {
      bytes.push(next.charCodeAt(0));
      i++;
      continue;
    }
    const after = chars[i + 2];
    if (after === undefined) throw new Error(`failed to decode escaped character: encoding/hex: invalid byte: ${next}`);
    const pair = next + after;
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) {
      const bad = /^[0-9a-fA-F]$/.test(next) ? after : next;
      throw new Error(`failed to decode escaped character: encoding/hex: invalid byte: U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${bad}'`);
    }
    bytes.push(parseInt(pair, 16));
    i += 2;
  }
  return Buffer.from(bytes).toString('utf8');
}
