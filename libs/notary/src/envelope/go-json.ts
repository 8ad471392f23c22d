/**
 * The parts of Go's `encoding/json` whose behaviour shows in notation's
 * envelopes and error strings (reference §4):
 *
 * - syntax errors worded as Go's scanner words them (`invalid character 'm'
 *   looking for beginning of value`, `unexpected end of JSON input`), for
 *   `json.Unmarshal` (whole document) and for `json.Decoder.Decode` (first
 *   value only: `EOF`, `unexpected EOF`) — golang-jwt decodes claims with a
 *   Decoder;
 * - the `UnmarshalTypeError` text (`json: cannot unmarshal array into Go
 *   value of type …`);
 * - `json.Marshal` of maps and strings: keys sorted, compact, HTML-safe
 *   escapes — how notation-go writes the JWS protected header and payload.
 *
 * Callers parse with the native `JSON.parse` first and ask this module only
 * for the wording of a failure, so the fast path stays native.
 */
import { compareGoStrings, goQuote } from '../x509/go-quote';

export type GoJsonMode = 'document' | 'firstValue';

/** Go's `quoteChar`: how the scanner prints the offending byte. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  return `'${goQuote(String.fromCharCode(c)).slice(1, -1)}'`;
}

class SyntaxFailure {
  constructor(readonly message: string) {}
}
class EndOfInput {}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** A recursive-descent port of Go's scanner states, with their error contexts. */
class Scanner {
  private i = 0;
  constructor(private readonly b: Uint8Array) {}

  get offset(): number {
    return this.i;
  }

  private peek(): number {
    if (this.i >= this.b.length) throw new EndOfInput();
    return this.b[this.i]!;
  }

  private fail(c: number, context: string): never {
    throw new SyntaxFailure(`invalid character ${quoteChar(c)} ${context}`);
  }

  skipSpace(): void {
    while (this.i < this.b.length && isSpace(this.b[this.i]!)) this.i++;
  }

  atEnd(): boolean {
    return this.i >= this.b.length;
  }

  value(depth = 0): void {
    if (depth > 10000) throw new SyntaxFailure('exceeded max depth');
    this.skipSpace();
    const c = this.peek();
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    if (c === 0x22) return this.string();
    if (c === 0x2d || isDigit(c)) return this.number();
    if (c === 0x74) return this.literal('true');
    if (c === 0x66) return this.literal('false');
    if (c === 0x6e) return this.literal('null');
    this.fail(c, 'looking for beginning of value');
  }

  private object(depth: number): void {
    this.members(0x7d, 'after object key:value pair', () => {
      this.skipSpace();
      const c = this.peek();
      if (c !== 0x22) this.fail(c, 'looking for beginning of object key string');
      this.string();
      this.skipSpace();
      const colon = this.peek();
      if (colon !== 0x3a) this.fail(colon, 'after object key');
      this.i++;
      this.value(depth + 1);
    });
  }

  private array(depth: number): void {
    this.members(0x5d, 'after array element', () => this.value(depth + 1));
  }

  /** The comma-separated members of an object or array, from its opening byte to `close`. */
  private members(close: number, afterMember: string, member: () => void): void {
    this.i++;
    this.skipSpace();
    if (this.peek() === close) {
      this.i++;
      return;
    }
    for (;;) {
      member();
      this.skipSpace();
      const next = this.peek();
      if (next === 0x2c) {
        this.i++;
        continue;
      }
      if (next === close) {
        this.i++;
        return;
      }
      this.fail(next, afterMember);
    }
  }

  private string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      this.i++;
      if (c === 0x22) return;
      if (c === 0x5c) {
        const e = this.peek();
        this.i++;
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            const h = this.peek();
            if (!isHex(h)) this.fail(h, 'in \\u hexadecimal character escape');
            this.i++;
          }
        } else if (!'bfnrt\\/"'.includes(String.fromCharCode(e))) {
          this.fail(e, 'in string escape code');
        }
      } else if (c < 0x20) {
        this.fail(c, 'in string literal');
      }
    }
  }

  /** A number ends at the first byte that cannot continue it (or at the end of input). */
  private number(): void {
    if (this.b[this.i] === 0x2d) {
      this.i++;
      const c = this.peek();
      if (!isDigit(c)) this.fail(c, 'in numeric literal');
    }
    if (this.b[this.i] === 0x30) this.i++;
    else while (this.i < this.b.length && isDigit(this.b[this.i]!)) this.i++;
    if (this.i < this.b.length && this.b[this.i] === 0x2e) {
      this.i++;
      const c = this.peek();
      if (!isDigit(c)) this.fail(c, 'after decimal point in numeric literal');
      while (this.i < this.b.length && isDigit(this.b[this.i]!)) this.i++;
    }
    if (this.i < this.b.length && (this.b[this.i] === 0x65 || this.b[this.i] === 0x45)) {
      this.i++;
      let c = this.peek();
      if (c === 0x2b || c === 0x2d) {
        this.i++;
        c = this.peek();
      }
      if (!isDigit(c)) this.fail(c, 'in exponent of numeric literal');
      while (this.i < this.b.length && isDigit(this.b[this.i]!)) this.i++;
    }
  }

  private literal(word: 'true' | 'false' | 'null'): void {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      const c = this.peek();
      if (c !== word.charCodeAt(k)) this.fail(c, `in literal ${word} (expecting ${quoteChar(word.charCodeAt(k))})`);
      this.i++;
    }
  }
}

/**
 * The error Go reports for `bytes`, or null when Go accepts them.
 * `document`: `json.Unmarshal` (one value, then only whitespace).
 * `firstValue`: `json.Decoder.Decode` (the first value; what follows is not read).
 */
export function goJsonSyntaxError(bytes: Uint8Array, mode: GoJsonMode): string | null {
  const scanner = new Scanner(bytes);
  try {
    if (mode === 'firstValue') {
      scanner.skipSpace();
      if (scanner.atEnd()) return 'EOF';
    }
    scanner.value();
    if (mode === 'document') {
      scanner.skipSpace();
      if (!scanner.atEnd()) {
        return `invalid character ${quoteChar(bytes[scanner.offset]!)} after top-level value`;
      }
    }
    return null;
  } catch (error) {
    if (error instanceof SyntaxFailure) return error.message;
    if (error instanceof EndOfInput) return mode === 'document' ? 'unexpected end of JSON input' : 'unexpected EOF';
    // Nesting deeper than our stack (Go stops at 10000). Checked by name: a stack overflow's
    // RangeError may come from another realm (a vm context, as under jest), where instanceof fails.
    if (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'RangeError') return 'exceeded max depth';
    throw error;
  }
}

/** `json.Unmarshal` of bytes: the value (parsed natively), or Go's syntax error text. */
export function goUnmarshal(bytes: Buffer): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { error: goJsonSyntaxError(bytes, 'document') ?? 'unexpected end of JSON input' };
  }
}

/** A JSON object (what Go decodes into a struct or map). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The JSON kind Go names in an `UnmarshalTypeError` (`null` never fails a decode). */
export function goJsonKind(value: unknown): 'object' | 'array' | 'string' | 'number' | 'bool' | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

/** `json: cannot unmarshal <kind> into Go value of type <type>` / `… into Go struct field <S>.<path> of type <type>`. */
export function goUnmarshalTypeError(value: unknown, goType: string, field?: { struct: string; path: string }): string {
  const target = field ? `Go struct field ${field.struct}.${field.path}` : 'Go value';
  return `json: cannot unmarshal ${goJsonKind(value)} into ${target} of type ${goType}`;
}

/**
 * Look a struct field up the way Go's decoder does: an exact name match
 * first, else an ASCII case-insensitive one (reference §4.1 [impl]: real
 * envelopes carry `io.cncf.notary.SigningAgent`). Returns the value of the
 * last matching key in document order, as Go's last assignment wins.
 */
export function goField(object: Record<string, unknown>, name: string): { present: boolean; value: unknown } {
  let found = false;
  let value: unknown;
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key === name || key.toLowerCase() === lower) {
      found = true;
      value = object[key];
    }
  }
  return { present: found, value };
}

// ---------------------------------------------------------------- json.Marshal

// Go escapes <, >, & (HTML-safe) and U+2028/U+2029 besides what JSON requires.
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

/** Go's `json.Marshal` of a string. */
export function goJsonString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const low = value.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += ch + value[i + 1]!;
        i++;
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd'; // lone surrogate: invalid UTF-8 in Go
    else if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || ch === '<' || ch === '>' || ch === '&' || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/**
 * Go's `json.Marshal` of a decoded JSON value (`map[string]interface{}`,
 * `[]interface{}`, float64…): compact, object keys sorted.
 */
export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`json: unsupported value: ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort(compareGoStrings); // Go orders map keys by their UTF-8 bytes
    return `{${keys.map((key) => `${goJsonString(key)}:${goJsonMarshal(object[key])}`).join(',')}}`;
  }
  throw new TypeError(`json: unsupported type: ${typeof value}`);
}
