/**
 * One X.509 certificate, parsed once: DER bytes, the @peculiar/x509 view for
 * extensions and names, and Node's KeyObject for fast signature checks.
 * Parsed certificates are memoised by their DER (content-addressed), so the
 * same x5c entry seen in many envelopes is parsed once.
 */
import 'reflect-metadata'; // @peculiar/x509 needs the Reflect polyfill before it loads
import { createHash, createPublicKey, KeyObject, X509Certificate as NodeCertificate } from 'node:crypto';
import { X509Certificate as PeculiarCertificate } from '@peculiar/x509';
import { goView } from './go-view';
import { formatDistinguishedName } from './name';

export class Certificate {
  readonly der: Buffer;
  private peculiarView?: PeculiarCertificate;
  private nodeView?: NodeCertificate;
  private key?: KeyObject;
  private fingerprint?: string;
  private subjectText?: string;
  private issuerText?: string;

  constructor(der: Buffer) {
    this.der = der;
    // Parse eagerly so a malformed certificate fails where it is read, as Go's
    // x509.ParseCertificate does: the names, the extensions the chain rules read
    // and the public key too. Read lazily, a corrupt part surfaced later as a
    // plain Error deep inside a chain check or a signature verification, which
    // the envelope code can only report as "inconclusive" (found by fuzzing).
    this.peculiarView = new PeculiarCertificate(der);
    void this.subject;
    void this.issuer;
    void this.publicKey;
    goView(this);
  }

  /** @peculiar/x509 view: extensions, raw names, algorithms. */
  get parsed(): PeculiarCertificate {
    return (this.peculiarView ??= new PeculiarCertificate(this.der));
  }

  /** Node's view: `verify(publicKey)`, `checkIssued`, `ca`. */
  get node(): NodeCertificate {
    return (this.nodeView ??= new NodeCertificate(this.der));
  }

  get publicKey(): KeyObject {
    return (this.key ??= createPublicKey({ key: Buffer.from(this.parsed.publicKey.rawData), format: 'der', type: 'spki' }));
  }

  /** SHA-256 of the DER, lowercase hex (notation's fingerprint and thumbprint form). */
  get sha256Fingerprint(): string {
    return (this.fingerprint ??= createHash('sha256').update(this.der).digest('hex'));
  }

  /** Subject as Go's `pkix.Name.String()` prints it (e.g. `CN=test,O=Notary,L=Seattle,ST=WA,C=US`). */
  get subject(): string {
    return (this.subjectText ??= formatDistinguishedName(Buffer.from(this.parsed.subjectName.toArrayBuffer())));
  }

  get issuer(): string {
    return (this.issuerText ??= formatDistinguishedName(Buffer.from(this.parsed.issuerName.toArrayBuffer())));
  }

  get rawSubject(): Buffer {
    return Buffer.from(this.parsed.subjectName.toArrayBuffer());
  }

  get rawIssuer(): Buffer {
    return Buffer.from(this.parsed.issuerName.toArrayBuffer());
  }

  get notBefore(): Date {
    return this.parsed.notBefore;
  }

  get notAfter(): Date {
    return this.parsed.notAfter;
  }

  equals(other: Certificate): boolean {
    return this.der.equals(other.der);
  }
}

const MEMO_LIMIT = 10_000;
const memo = new Map<string, Certificate>();

/** Parse a DER certificate, reusing an earlier parse of the same bytes. Throws on malformed input. */
export function parseCertificate(der: Buffer | Uint8Array): Certificate {
  const bytes = Buffer.isBuffer(der) ? der : Buffer.from(der);
  const key = bytes.toString('base64');
  const known = memo.get(key);
  if (known) return known;
  const certificate = new Certificate(bytes);
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
  memo.set(key, certificate);
  return certificate;
}

/** Parse every certificate of a PEM text (all CERTIFICATE blocks) or of concatenated DER. */
export function parseCertificates(data: Buffer | string): Certificate[] {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  if (text.includes('-----BEGIN')) {
    const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
    return blocks.map((block) => parseCertificate(Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64')));
  }
  return splitDer(typeof data === 'string' ? Buffer.from(data, 'latin1') : data).map(parseCertificate);
}

/** Split concatenated DER SEQUENCEs. */
function splitDer(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes[offset] !== 0x30) throw new Error(`not a DER certificate at byte ${offset}`);
    let length = bytes[offset + 1];
    let header = 2;
    if (length === undefined) throw new Error('truncated DER certificate');
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count < 1 || count > 4 || offset + 2 + count > bytes.length) throw new Error('invalid DER length');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
      header += count;
    }
    const end = offset + header + length;
    if (end > bytes.length) throw new Error('truncated DER certificate');
    out.push(bytes.subarray(offset, end));
    offset = end;
  }
  return out;
}
