/**
 * Go's `%q` of a string (`strconv.Quote`), which notation uses for subjects
 * and names in its error strings: double quotes, `\"` and `\\`, the C escapes
 * `\a \b \f \n \r \t \v`, `\xHH` for other ASCII control bytes, and
 * `\uHHHH` / `\UHHHHHHHH` for non-printable runes. Printable Unicode stays as is.
 */
const NAMED_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

export function goQuote(value: string): string {
  let out = '"';
  for (const char of value) {
    const named = NAMED_ESCAPES[char];
    if (named) {
      out += named;
      continue;
    }
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : char;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '\ufffd'; // a lone surrogate cannot come from valid UTF-8; print the replacement rune
    } else if (char !== ' ' && NOT_PRINTABLE.test(char)) {
      out += code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    } else {
      out += char;
    }
  }
  return `${out}"`;
}

/**
 * Go's string order (`<` on strings; how `fmt` and `encoding/json` sort map
 * keys): bytewise over UTF-8, which differs from JavaScript's UTF-16 order
 * only above U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
