import { GoBase64Error, decodeRawUrl, decodeStd } from './go-base64';

/** The offset Go's decoder reports for `text`, or the decoded bytes as hex. */
function outcome(decode: (text: string) => Buffer, text: string): string {
  try {
    return decode(text).toString('hex');
  } catch (error) {
    if (error instanceof GoBase64Error) return error.message;
    throw error;
  }
}

describe('Go base64 (RawURLEncoding)', () => {
  it('decodes unpadded base64url, including partial quanta', () => {
    expect(outcome(decodeRawUrl, 'eyJ9')).toBe(Buffer.from('{"}').toString('hex'));
    expect(outcome(decodeRawUrl, 'YQ')).toBe('61');
    expect(outcome(decodeRawUrl, 'YWI')).toBe('6162');
    expect(outcome(decodeRawUrl, '')).toBe('');
    expect(outcome(decodeRawUrl, '-_-_')).toBe(Buffer.from('-_-_', 'base64url').toString('hex'));
  });

  it('rejects padding at the offset of the "=" (notation mock ca_invalid_sig_env: byte 242)', () => {
    const padded = `${'A'.repeat(240)}YQ=`;
    expect(outcome(decodeRawUrl, padded)).toBe('illegal base64 data at input byte 242');
    expect(outcome(decodeRawUrl, 'YQ==')).toBe('illegal base64 data at input byte 2');
  });

  it('rejects a lone trailing symbol and characters outside the alphabet', () => {
    expect(outcome(decodeRawUrl, 'YWJjZ')).toBe('illegal base64 data at input byte 4');
    expect(outcome(decodeRawUrl, 'YW+j')).toBe('illegal base64 data at input byte 2');
    expect(outcome(decodeRawUrl, 'YWJj.ZA')).toBe('illegal base64 data at input byte 4');
    expect(outcome(decodeRawUrl, 'YWJjé')).toBe('illegal base64 data at input byte 4');
  });

  it('skips CR and LF as Go does', () => {
    expect(outcome(decodeRawUrl, 'YW\nJj\r\n')).toBe('616263');
  });
});

describe('Go base64 (StdEncoding)', () => {
  it('decodes padded standard base64', () => {
    expect(outcome(decodeStd, 'YQ==')).toBe('61');
    expect(outcome(decodeStd, 'YWI=')).toBe('6162');
    expect(outcome(decodeStd, 'a+/b')).toBe(Buffer.from('a+/b', 'base64').toString('hex'));
  });

  it('reports Go offsets for missing or misplaced padding', () => {
    expect(outcome(decodeStd, 'YQ')).toBe('illegal base64 data at input byte 0');
    expect(outcome(decodeStd, 'YQ=')).toBe('illegal base64 data at input byte 3');
    expect(outcome(decodeStd, 'Y===')).toBe('illegal base64 data at input byte 1');
    expect(outcome(decodeStd, 'YQ==YQ==')).toBe('illegal base64 data at input byte 4');
    expect(outcome(decodeStd, 'YW_j')).toBe('illegal base64 data at input byte 2');
  });
});
