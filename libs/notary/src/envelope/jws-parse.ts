/**
 * `ParseEnvelope` for JWS (notation-core-go `jws.ParseEnvelope`): Go's
 * `json.Unmarshal` into `jwsEnvelope` — members matched case-insensitively
 * (§4.1 [impl]), x5c and the timestamp token decoded as standard base64 —
 * with Go's wording for every failure. Envelopes in notation's own compact
 * layout take the fast path (`jws-canonical.ts`) first.
 */
import { HEADER } from './codec';
import { parseFailure } from './failure';
import { GoBase64Error, decodeStd } from './go-base64';
import { goUnmarshal, goUnmarshalTypeError, isJsonObject } from './go-json';
import { parseCanonicalJws } from './jws-canonical';
import { knownCertificate, type ParsedJws } from './jws-model';

const SIGNING_AGENT_FOLDED = HEADER.signingAgent.toLowerCase();
const TIMESTAMP_SIGNATURE_FOLDED = HEADER.timestampSignature.toLowerCase();
const CANONICAL_MEMBERS = new Map<string, string>(
  ['payload', 'protected', 'header', 'signature', 'x5c', HEADER.signingAgent, HEADER.timestampSignature].map((name) => [name, name.toLowerCase()]),
);

/** Go matches member names case-insensitively (§4.1 [impl]); most are already spelled exactly. */
function foldName(key: string): string {
  return CANONICAL_MEMBERS.get(key) ?? key.toLowerCase();
}

/** Go's JSON decode into `jwsEnvelope`: members matched case-insensitively, the first error reported. */
export function parseJws(bytes: Buffer): ParsedJws {
  const canonical = parseCanonicalJws(bytes);
  if (canonical) return canonical;
  const decoded = goUnmarshal(bytes);
  if ('error' in decoded) throw parseFailure(decoded.error);
  const parsed: ParsedJws = { payload: '', protected: '', signature: '', x5c: [], certificates: [], signingAgent: '', timestampSignature: undefined };
  const document = decoded.value;
  if (document === null) return parsed; // Go: null leaves the struct empty
  if (!isJsonObject(document)) throw parseFailure(goUnmarshalTypeError(document, 'jws.jwsEnvelope'));

  let firstError: string | undefined;
  const note = (message: string): void => {
    firstError ??= message;
  };
  const stringField = (value: unknown, path: string, assign: (text: string) => void): void => {
    if (typeof value === 'string') assign(value);
    else if (value !== null) note(goUnmarshalTypeError(value, 'string', { struct: 'jwsEnvelope', path }));
  };

  for (const key of Object.keys(document)) {
    const value = document[key];
    switch (foldName(key)) {
      case 'payload':
        stringField(value, 'payload', (text) => (parsed.payload = text));
        break;
      case 'protected':
        stringField(value, 'protected', (text) => (parsed.protected = text));
        break;
      case 'signature':
        stringField(value, 'signature', (text) => (parsed.signature = text));
        break;
      case 'header':
        if (value === null) break;
        if (!isJsonObject(value)) {
          note(goUnmarshalTypeError(value, 'jws.jwsUnprotectedHeader', { struct: 'jwsEnvelope', path: 'header' }));
          break;
        }
        parseUnprotectedHeader(value, parsed, note);
        break;
      default:
        break; // Go ignores unknown members
    }
  }
  if (firstError !== undefined) throw parseFailure(firstError);
  return parsed;
}

function parseUnprotectedHeader(header: Record<string, unknown>, parsed: ParsedJws, note: (message: string) => void): void {
  const field = (path: string) => ({ struct: 'jwsEnvelope', path: `header.${path}` });
  for (const key of Object.keys(header)) {
    const value = header[key];
    switch (foldName(key)) {
      case 'x5c':
        if (value === null) {
          parsed.x5c = [];
          parsed.certificates = [];
        } else if (!Array.isArray(value)) {
          note(goUnmarshalTypeError(value, '[][]uint8', field('x5c')));
        } else {
          parsed.x5c = [];
          parsed.certificates = [];
          for (const entry of value) {
            if (entry === null) {
              parsed.x5c.push('');
              parsed.certificates.push(null);
            } else if (typeof entry !== 'string') {
              note(goUnmarshalTypeError(entry, '[]uint8', field('x5c')));
            } else {
              parsed.x5c.push(entry);
              parsed.certificates.push(knownCertificate(entry) ?? decodeBase64Member(entry, note));
            }
          }
        }
        break;
      case SIGNING_AGENT_FOLDED:
        if (typeof value === 'string') parsed.signingAgent = value;
        else if (value !== null) note(goUnmarshalTypeError(value, 'string', field(HEADER.signingAgent)));
        break;
      case TIMESTAMP_SIGNATURE_FOLDED:
        if (value === null) parsed.timestampSignature = undefined;
        else if (typeof value !== 'string') note(goUnmarshalTypeError(value, '[]uint8', field(HEADER.timestampSignature)));
        else parsed.timestampSignature = decodeBase64Member(value, note) ?? undefined;
        break;
      default:
        break;
    }
  }
}

function decodeBase64Member(text: string, note: (message: string) => void): Buffer | null {
  try {
    return decodeStd(text);
  } catch (error) {
    if (!(error instanceof GoBase64Error)) throw error;
    note(error.message);
    return null;
  }
}
