/**
 * The tier key: the one secret the gateways and the workers of a tier share
 * (DESIGN.md "Trust model"). It is part of the contract between services, as
 * the subjects are: whoever seals a job and whoever opens it must agree on
 * the format below.
 *
 * Key file (`TIER_KEY_FILE`): one base64 (or base64url) key of at least 32
 * bytes per line; blank lines and `#` comments are skipped. The first key
 * seals and authenticates; every key opens and verifies — add the new key
 * second, roll it out, move it first, roll out, drop the old one.
 *
 * Nothing is used raw: each key gives, through HKDF-SHA256 (RFC 5869, empty
 * salt), a 32-byte content-encryption key (info `notary-gate tier seal v1`),
 * a 32-byte MAC key (info `notary-gate tier mac v1`) and a key id: the first
 * 8 bytes of HKDF(info `notary-gate tier kid v1`), hex — public, it only
 * names the key.
 *
 * Sealed messages are JWE compact serialisations (RFC 7516 §7.1) with
 * `alg: dir`, `enc: A256GCM` (RFC 7518 §4.5, §5.3): `BASE64URL(protected
 * header) . "" . BASE64URL(96-bit IV) . BASE64URL(ciphertext) .
 * BASE64URL(128-bit tag)`, the ASCII of the encoded protected header being
 * the additional authenticated data. Any JWE library (jose's `compactDecrypt`
 * with the derived seal key) opens them. Claims that bind a message to its
 * request (subject, request id, expiry, …) travel in the protected header, so
 * they are authenticated and readable before decryption.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Error codes of the tier key (stable: tests and callers match on them). */
export const TierKeyErrorCodes = {
  /** The key file is empty or a line is not a base64 key of ≥ 32 bytes. */
  invalidKeyFile: 'ERR_TIER_KEY_FILE',
  /** A sealed message is malformed, names an unknown key, fails authentication or its claims. */
  sealBroken: 'ERR_TIER_SEAL',
} as const;

/** A problem with the tier key or with a sealed message; never carries key material. */
export class TierKeyError extends Error {
  override readonly name = 'TierKeyError';
  constructor(
    readonly code: (typeof TierKeyErrorCodes)[keyof typeof TierKeyErrorCodes],
    message: string,
  ) {
    super(message);
  }
}

/** The shortest key accepted, in bytes (AES-256 and HMAC-SHA256 want 256 bits of entropy). */
export const TIER_KEY_MIN_BYTES = 32;

interface DerivedKey {
  readonly kid: string;
  readonly seal: Buffer;
  readonly mac: Buffer;
}

/** The claims of a sealed message's protected header (besides alg, enc, kid). */
export type SealClaims = Record<string, string | number>;

const HEADER_FIXED = { alg: 'dir', enc: 'A256GCM' } as const;

/** A ring of tier keys: the first seals, all open. Immutable. */
export class TierKeys {
  private readonly keys: readonly DerivedKey[];
  private readonly byKid: ReadonlyMap<string, DerivedKey>;

  private constructor(raw: readonly Buffer[]) {
    this.keys = raw.map(derive);
    this.byKid = new Map(this.keys.map((key) => [key.kid, key]));
  }

  /**
   * Parses a key file's text. `source` names the file in errors (never the
   * key). Throws `TierKeyError` ERR_TIER_KEY_FILE with the line at fault.
   */
  static parse(text: string, source = 'tier key file'): TierKeys {
    if (typeof text !== 'string') throw new TypeError('TierKeys.parse: text must be a string');
    const keys: Buffer[] = [];
    text.split(/\r?\n/).forEach((line, index) => {
      const entry = line.trim();
      if (entry === '' || entry.startsWith('#')) return;
      if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(entry)) {
        throw new TierKeyError(TierKeyErrorCodes.invalidKeyFile, `${source} line ${index + 1}: not a base64 key`);
      }
      const bytes = Buffer.from(entry.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (bytes.length < TIER_KEY_MIN_BYTES) {
        throw new TierKeyError(TierKeyErrorCodes.invalidKeyFile, `${source} line ${index + 1}: the key has ${bytes.length} bytes, at least ${TIER_KEY_MIN_BYTES} are needed`);
      }
      keys.push(bytes);
    });
    if (keys.length === 0) throw new TierKeyError(TierKeyErrorCodes.invalidKeyFile, `${source} holds no key (one base64 key of at least ${TIER_KEY_MIN_BYTES} bytes per line)`);
    return new TierKeys(keys);
  }

  /** Keys from raw bytes (tests, generated keys). */
  static of(...raw: Buffer[]): TierKeys {
    if (raw.length === 0) throw new TypeError('TierKeys.of: at least one key');
    for (const key of raw) {
      if (!Buffer.isBuffer(key) || key.length < TIER_KEY_MIN_BYTES) throw new TypeError(`TierKeys.of: keys are Buffers of at least ${TIER_KEY_MIN_BYTES} bytes`);
    }
    return new TierKeys(raw);
  }

  /** A fresh random key, base64, as one line of a key file. */
  static generate(): string {
    return randomBytes(TIER_KEY_MIN_BYTES).toString('base64');
  }

  /** Ids of the keys, the sealing key first (for logs: they reveal nothing). */
  get kids(): string[] {
    return this.keys.map((key) => key.kid);
  }

  /** Seals `plaintext` under the first key with `claims` authenticated in the header: a JWE compact string. */
  seal(claims: SealClaims, plaintext: Buffer): string {
    const key = this.keys[0]!;
    const header = b64url(Buffer.from(JSON.stringify({ ...claims, ...HEADER_FIXED, kid: key.kid }), 'utf8'));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.seal, iv);
    cipher.setAAD(Buffer.from(header, 'ascii'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return `${header}..${b64url(iv)}.${b64url(ciphertext)}.${b64url(cipher.getAuthTag())}`;
  }

  /**
   * Opens a sealed message: its authenticated claims and plaintext. Throws
   * `TierKeyError` ERR_TIER_SEAL when it is malformed, names no key of this
   * ring, or fails authentication.
   */
  open(sealed: unknown): { claims: SealClaims; plaintext: Buffer } {
    if (typeof sealed !== 'string') throw broken('not a sealed message');
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[1] !== '') throw broken('not a JWE compact serialisation with direct encryption');
    const [header, , iv, ciphertext, tag] = parts as [string, string, string, string, string];
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(fromB64url(header).toString('utf8')) as Record<string, unknown>;
    } catch {
      throw broken('the protected header is not JSON');
    }
    if (typeof claims !== 'object' || claims === null || claims.alg !== 'dir' || claims.enc !== 'A256GCM') throw broken('not alg dir / enc A256GCM');
    const key = typeof claims.kid === 'string' ? this.byKid.get(claims.kid) : undefined;
    if (!key) throw broken(`sealed with an unknown key (kid ${JSON.stringify(claims.kid)}; this process has ${this.kids.join(', ')})`);
    const ivBytes = fromB64url(iv);
    const tagBytes = fromB64url(tag);
    if (ivBytes.length !== 12 || tagBytes.length !== 16) throw broken('bad IV or tag length');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.seal, ivBytes);
      decipher.setAAD(Buffer.from(header, 'ascii'));
      decipher.setAuthTag(tagBytes);
      const plaintext = Buffer.concat([decipher.update(fromB64url(ciphertext)), decipher.final()]);
      const out: SealClaims = {};
      for (const [name, value] of Object.entries(claims)) if (typeof value === 'string' || typeof value === 'number') out[name] = value;
      return { claims: out, plaintext };
    } catch {
      throw broken('authentication failed (tampered, or another key)');
    }
  }

  /** The MAC of `parts` under the first key: `{kid, tag}` (HMAC-SHA256 over length-prefixed parts). */
  mac(...parts: Buffer[]): { kid: string; tag: Buffer } {
    const key = this.keys[0]!;
    return { kid: key.kid, tag: hmac(key.mac, parts) };
  }

  /** True when `tag` is the MAC of `parts` under the key `kid` of this ring (constant time). */
  verifyMac(kid: string, tag: Buffer, ...parts: Buffer[]): boolean {
    const key = this.byKid.get(kid);
    if (!key || tag.length !== 32) return false;
    return timingSafeEqual(hmac(key.mac, parts), tag);
  }

  /** A keyed hash (HMAC-SHA256, hex) of `text` under the first key: names secrets (credential identities) without revealing them. */
  keyedHash(label: string, text: string): string {
    return hmac(this.keys[0]!.mac, [Buffer.from(`keyed-hash:${label}`, 'utf8'), Buffer.from(text, 'utf8')]).toString('hex');
  }

  /** The seal key of `kid` (for interoperability tests with other JWE libraries). */
  sealKeyOf(kid: string): Buffer | undefined {
    const key = this.byKid.get(kid);
    return key ? Buffer.from(key.seal) : undefined;
  }

  /** Never prints key material. */
  toJSON(): { kids: string[] } {
    return { kids: this.kids };
  }
}

function derive(raw: Buffer): DerivedKey {
  const expand = (info: string, length: number) => Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), info, length));
  return {
    kid: expand('notary-gate tier kid v1', 8).toString('hex'),
    seal: expand('notary-gate tier seal v1', 32),
    mac: expand('notary-gate tier mac v1', 32),
  };
}

function hmac(key: Buffer, parts: readonly Buffer[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) {
    // Length-prefixed: ("ab", "c") and ("a", "bc") never share a MAC.
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(part.length));
    mac.update(length).update(part);
  }
  return mac.digest();
}

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function fromB64url(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}

function broken(why: string): TierKeyError {
  return new TierKeyError(TierKeyErrorCodes.sealBroken, why);
}
