/**
 * A JWS envelope as parsed (reference §4.1), and the memo of its x5c
 * certificates shared by the parsers and the verifier.
 */
import { parseCertificate, type Certificate } from '../x509/certificate';

/** A JWS envelope after `ParseEnvelope`: the members as strings, x5c decoded. */
export interface ParsedJws {
  payload: string;
  protected: string;
  signature: string;
  /** x5c as written (standard base64). */
  x5c: string[];
  /** x5c decoded: DER, an already parsed certificate, or null (a JSON null entry). */
  certificates: Array<Buffer | Certificate | null>;
  signingAgent: string;
  timestampSignature: Buffer | undefined;
  /** Filled by `verifySignature` so `content` does not decode twice. */
  decodedHeader?: { bytes: Buffer; value: unknown };
  decodedPayload?: Buffer;
  decodedSignature?: Buffer;
  /** The three segments are known to be plain base64url (the fast path checked them). */
  segmentsClean?: boolean;
}

/**
 * x5c text → parsed certificate, so a chain seen in many envelopes is decoded
 * once. The few most recent entries are checked first by string equality:
 * comparing a fresh 2 KB string with a known one is cheaper than hashing it
 * for a Map lookup, and admission sees the same few chains over and over.
 */
const X5C_MEMO_LIMIT = 4096;
const X5C_RECENT = 16;
export const x5cMemo = new Map<string, Certificate>();
export const x5cRecent: Array<{ text: string; ascii: Buffer; certificate: Certificate }> = [];

export function knownCertificate(text: string): Certificate | undefined {
  for (const entry of x5cRecent) if (entry.text.length === text.length && entry.text === text) return entry.certificate;
  const certificate = x5cMemo.get(text);
  if (certificate) rememberCertificate(text, certificate);
  return certificate;
}

export function rememberCertificate(text: string, certificate: Certificate): void {
  if (!x5cMemo.has(text)) {
    if (x5cMemo.size >= X5C_MEMO_LIMIT) x5cMemo.delete(x5cMemo.keys().next().value as string);
    x5cMemo.set(text, certificate);
  }
  if (x5cRecent.length >= X5C_RECENT) x5cRecent.pop();
  x5cRecent.unshift({ text, ascii: Buffer.from(text, 'latin1'), certificate });
}

/** The certificate at `index` of x5c, parsed (and remembered) on first use; throws on malformed DER. */
export function certificateAt(parsed: ParsedJws, index: number): Certificate {
  const entry = parsed.certificates[index];
  if (entry === undefined || entry === null) throw new Error('x509: malformed certificate');
  if (!Buffer.isBuffer(entry)) return entry;
  const certificate = parseCertificate(entry);
  parsed.certificates[index] = certificate;
  rememberCertificate(parsed.x5c[index]!, certificate);
  return certificate;
}
