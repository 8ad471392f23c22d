import { goQuote } from './go-quote';

describe('goQuote (Go %q)', () => {
  it('quotes plain subjects', () => {
    expect(goQuote('CN=test,O=Notary,L=Seattle,ST=WA,C=US')).toBe('"CN=test,O=Notary,L=Seattle,ST=WA,C=US"');
  });

  it('escapes quotes, backslashes and control characters as strconv.Quote', () => {
    expect(goQuote('CN=a\\,b "x"')).toBe('"CN=a\\\\,b \\"x\\""');
    expect(goQuote('a\nb\tc\u0007\u0000\u007f')).toBe('"a\\nb\\tc\\a\\x00\\x7f"');
  });

  it('keeps printable Unicode and escapes non-printable runes', () => {
    expect(goQuote('Zürich 東京')).toBe('"Zürich 東京"');
    expect(goQuote('a\u00a0b\u200bc\u{e0001}')).toBe('"a\\u00a0b\\u200bc\\U000e0001"');
  });
});
