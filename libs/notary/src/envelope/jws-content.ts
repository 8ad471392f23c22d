/**
 * JWS `Content()` (notation-core-go `jws/jws.go`): the protected header
 * decoded into `jwsProtectedHeader` and checked (signing scheme, times,
 * `crit`, §4.2), the payload and signer info extracted.
 */
import { isNotaryError } from '../errors';
import type { ExtendedAttribute, SignatureAlgorithm, SignedTime, SigningScheme } from '../types';
import { goQuote } from '../x509/go-quote';
import { signatureAlgorithmFromJws } from '../x509/key-spec';
import { HEADER, JWS_MEDIA_TYPE, formatHeaderList, type DecodedContent } from './codec';
import { verifyFailure } from './failure';
import { GoBase64Error, decodeRawUrl } from './go-base64';
import { goUnmarshal, goUnmarshalTypeError, isJsonObject } from './go-json';
import { certificateAt, type ParsedJws } from './jws-model';
import { deepFreeze, remember } from './memo';
import { parseRfc3339, rfc3339Error } from './rfc3339';

/** The protected header members notation reads (`jwsProtectedHeader`); everything else is an extended attribute. */
const KNOWN_HEADERS = ['alg', 'cty', 'crit', HEADER.expiry, HEADER.signingTime, HEADER.signingScheme, HEADER.authenticSigningTime] as const;
const KNOWN_HEADER_NAMES = new Set<string>(KNOWN_HEADERS);
/** Exact name → itself, and folded (lower-case) name → the exact name. */
const KNOWN_HEADER_FOLDED = new Map<string, string>(KNOWN_HEADERS.flatMap((name) => [[name, name] as const, [name.toLowerCase(), name] as const]));

interface ProtectedHeader {
  alg: string;
  cty: string;
  crit: string[];
  signingScheme: string;
  signingTime: SignedTime | undefined;
  authenticSigningTime: SignedTime | undefined;
  expiry: SignedTime | undefined;
  extended: Map<string, unknown>;
}

const PROTECTED_PREFIX = "jws envelope protected header can't be decoded: ";

/** notation-core-go `parseProtectedHeaders`: Go's struct decode plus the leftover keys as extended attributes. */
function decodeProtectedHeader(parsed: ParsedJws): ProtectedHeader {
  let decoded = parsed.decodedHeader;
  if (!decoded) {
    let bytes: Buffer;
    try {
      bytes = decodeRawUrl(parsed.protected);
    } catch (error) {
      if (error instanceof GoBase64Error) throw verifyFailure('ERR_ENVELOPE_MALFORMED', PROTECTED_PREFIX + error.message);
      throw error;
    }
    const result = goUnmarshal(bytes);
    if ('error' in result) throw verifyFailure('ERR_ENVELOPE_MALFORMED', PROTECTED_PREFIX + result.error);
    decoded = { bytes, value: result.value };
  }
  const value = decoded.value;
  const header: ProtectedHeader = {
    alg: '',
    cty: '',
    crit: [],
    signingScheme: '',
    signingTime: undefined,
    authenticSigningTime: undefined,
    expiry: undefined,
    extended: new Map(),
  };
  if (value === null) return header;
  if (!isJsonObject(value)) throw verifyFailure('ERR_HEADER_INVALID', PROTECTED_PREFIX + goUnmarshalTypeError(value, 'jws.jwsProtectedHeader'));

  const fail = (message: string): never => {
    throw verifyFailure('ERR_HEADER_INVALID', PROTECTED_PREFIX + message);
  };
  const field = (path: string) => ({ struct: 'jwsProtectedHeader', path });
  // One pass in document order, as Go's decoder goes: a known member (matched
  // case-insensitively) fills its field, the last occurrence winning; a key
  // that is not exactly a known name is also an extended attribute.
  const members = new Map<string, unknown>();
  for (const key of Object.keys(value)) {
    const member = value[key];
    const known = KNOWN_HEADER_FOLDED.get(key) ?? KNOWN_HEADER_FOLDED.get(key.toLowerCase());
    if (known !== undefined) members.set(known, member);
    if (!KNOWN_HEADER_NAMES.has(key)) header.extended.set(key, member);
  }
  const text = (name: string): string | undefined => {
    const member = members.get(name);
    if (member === undefined || member === null) return undefined;
    if (typeof member !== 'string') fail(goUnmarshalTypeError(member, 'string', field(name)));
    return member as string;
  };
  const time = (name: string): SignedTime | undefined => {
    const member = members.get(name);
    if (member === undefined || member === null) return undefined;
    const date = typeof member === 'string' ? parseRfc3339(member) : undefined;
    if (!date) fail(rfc3339Error(member));
    return { date: date!, text: member as string };
  };

  header.alg = text('alg') ?? '';
  header.cty = text('cty') ?? '';
  header.signingScheme = text(HEADER.signingScheme) ?? '';
  const crit = members.get('crit');
  if (crit !== undefined && crit !== null) {
    if (!Array.isArray(crit)) fail(goUnmarshalTypeError(crit, '[]string', field('crit')));
    for (const entry of crit as unknown[]) {
      if (typeof entry !== 'string') fail(goUnmarshalTypeError(entry, 'string', field('crit')));
      header.crit.push(entry as string);
    }
  }
  header.expiry = time(HEADER.expiry);
  header.signingTime = time(HEADER.signingTime);
  header.authenticSigningTime = time(HEADER.authenticSigningTime);
  return header;
}

/** notation-core-go `validateProtectedHeaders` + `validateCriticalHeaders`. */
function validateProtectedHeader(header: ProtectedHeader): SigningScheme {
  const scheme = header.signingScheme;
  if (scheme === 'notary.x509') {
    if (header.authenticSigningTime) {
      throw verifyFailure('ERR_HEADER_INVALID', `"${HEADER.authenticSigningTime}" header must not be present for notary.x509 signing scheme`);
    }
  } else if (scheme === 'notary.x509.signingAuthority') {
    if (header.signingTime) {
      throw verifyFailure('ERR_HEADER_INVALID', `"${HEADER.signingTime}" header must not be present for notary.x509.signingAuthority signing scheme`);
    }
    if (!header.authenticSigningTime) {
      // sic: notation names the other scheme here (reference §4.2)
      throw verifyFailure('ERR_HEADER_INVALID', `"${HEADER.authenticSigningTime}" header must be present for notary.x509 signing scheme`);
    }
  } else {
    throw verifyFailure('ERR_HEADER_INVALID', `unsupported SigningScheme: \`${scheme}\``);
  }

  if (header.crit.length === 0) throw verifyFailure('ERR_CRITICAL_HEADER', 'missing "crit" header');
  const mustBeCritical: string[] = [HEADER.signingScheme];
  if (scheme === 'notary.x509.signingAuthority') mustBeCritical.push(HEADER.authenticSigningTime);
  if (header.expiry) mustBeCritical.push(HEADER.expiry);
  for (const name of header.crit) {
    const index = mustBeCritical.indexOf(name);
    if (index >= 0) mustBeCritical.splice(index, 1);
    else if (!header.extended.has(name)) throw verifyFailure('ERR_CRITICAL_HEADER', `${goQuote(name)} header is marked critical but not present`);
  }
  if (mustBeCritical.length > 0) {
    throw verifyFailure('ERR_CRITICAL_HEADER', `these required headers are not marked as critical: ${formatHeaderList(mustBeCritical)}`);
  }
  return scheme;
}

/** What the protected header says, once decoded and validated (a pure function of the segment). */
interface HeaderInfo {
  contentType: string;
  signingScheme: SigningScheme;
  signatureAlgorithm: SignatureAlgorithm;
  signingTime: SignedTime | undefined;
  expiry: SignedTime | undefined;
  extendedAttributes: readonly ExtendedAttribute[];
}

const HEADER_INFO_MEMO_LIMIT = 512;
const headerInfoMemo = new Map<string, HeaderInfo>();

/** notation-core-go `populateProtectedHeaders` (after `validateProtectedHeaders`). */
function headerInfoOf(header: ProtectedHeader): HeaderInfo {
  const signingScheme = validateProtectedHeader(header);
  const signatureAlgorithm: SignatureAlgorithm | undefined = signatureAlgorithmFromJws(header.alg);
  if (!signatureAlgorithm) throw verifyFailure('ERR_UNSUPPORTED_ALGORITHM', `signature algorithm ${goQuote(header.alg)} is not supported`);
  return {
    contentType: header.cty,
    signingScheme,
    signatureAlgorithm,
    signingTime: signingScheme === 'notary.x509' ? header.signingTime : header.authenticSigningTime,
    expiry: header.expiry,
    extendedAttributes: deepFreeze([...header.extended].map(([key, value]) => ({ key, value, critical: header.crit.includes(key) }))),
  };
}

/** A fresh copy of a remembered time, so callers never share a mutable Date. */
function copyTime(time: SignedTime | undefined): SignedTime | undefined {
  if (!time) return undefined;
  return time.text === undefined ? { date: new Date(time.date.getTime()) } : { date: new Date(time.date.getTime()), text: time.text };
}

/** notation-core-go JWS `Content()`: payload and signer info. */
export function jwsContent(parsed: ParsedJws): DecodedContent {
  let info = headerInfoMemo.get(parsed.protected);
  // Go decodes the header, then the payload, then validates the header: keep that order of failures.
  const header = info ? undefined : decodeProtectedHeader(parsed);
  let payload = parsed.decodedPayload;
  if (!payload) {
    try {
      payload = decodeRawUrl(parsed.payload);
    } catch (error) {
      if (error instanceof GoBase64Error) throw verifyFailure('ERR_ENVELOPE_MALFORMED', `payload error: ${error.message}`);
      throw error;
    }
  }
  if (!info) {
    info = headerInfoOf(header!);
    remember(headerInfoMemo, parsed.protected, info, HEADER_INFO_MEMO_LIMIT);
  }

  let signature: Buffer;
  try {
    signature = parsed.decodedSignature ?? decodeRawUrl(parsed.signature);
  } catch (error) {
    if (error instanceof GoBase64Error) throw verifyFailure('ERR_ENVELOPE_MALFORMED', error.message);
    throw error;
  }
  if (signature.length === 0) throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'signature missing in jws-json envelope');

  const certificateChain = parsed.certificates.map((_, index) => {
    try {
      return certificateAt(parsed, index);
    } catch (cause) {
      if (isNotaryError(cause)) throw cause;
      throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'x509: malformed certificate', cause);
    }
  });

  const unsignedAttributes: DecodedContent['unsignedAttributes'] = {};
  if (parsed.signingAgent !== '') unsignedAttributes.signingAgent = parsed.signingAgent;
  if (parsed.timestampSignature && parsed.timestampSignature.length > 0) unsignedAttributes.timestampSignature = parsed.timestampSignature;

  return {
    mediaType: JWS_MEDIA_TYPE,
    payload: { contentType: info.contentType, content: payload },
    signingScheme: info.signingScheme,
    signingTime: copyTime(info.signingTime),
    expiry: copyTime(info.expiry),
    extendedAttributes: [...info.extendedAttributes],
    signatureAlgorithm: info.signatureAlgorithm,
    certificateChain,
    signature,
    unsignedAttributes,
  };
}
