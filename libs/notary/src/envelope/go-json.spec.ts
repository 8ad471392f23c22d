import { goJsonMarshal, goJsonString, goJsonSyntaxError, goUnmarshalTypeError } from './go-json';

const syntax = (text: string, mode: 'document' | 'firstValue' = 'document') => goJsonSyntaxError(Buffer.from(text, 'latin1'), mode);

describe('Go JSON syntax errors', () => {
  it('words json.Unmarshal failures as Go does', () => {
    expect(syntax('malformed signature')).toBe("invalid character 'm' looking for beginning of value");
    expect(syntax('')).toBe('unexpected end of JSON input');
    expect(syntax('{"payload":')).toBe('unexpected end of JSON input');
    expect(syntax('{"a" 1}')).toBe("invalid character '1' after object key");
    expect(syntax('{"a":1 "b":2}')).toBe(`invalid character '"' after object key:value pair`);
    expect(syntax('{a:1}')).toBe("invalid character 'a' looking for beginning of object key string");
    expect(syntax('[1,]')).toBe("invalid character ']' looking for beginning of value");
    expect(syntax('[1 2]')).toBe("invalid character '2' after array element");
    expect(syntax('{"a":1}x')).toBe("invalid character 'x' after top-level value");
    expect(syntax('trux')).toBe("invalid character 'x' in literal true (expecting 'e')");
    expect(syntax('nul')).toBe('unexpected end of JSON input');
    expect(syntax('"a\u0001"')).toBe("invalid character '\\x01' in string literal");
    expect(syntax('"\\q"')).toBe("invalid character 'q' in string escape code");
    expect(syntax('"\\u12g4"')).toBe("invalid character 'g' in \\u hexadecimal character escape");
    expect(syntax('-x')).toBe("invalid character 'x' in numeric literal");
    expect(syntax('1.x')).toBe("invalid character 'x' after decimal point in numeric literal");
    expect(syntax('1ex')).toBe("invalid character 'x' in exponent of numeric literal");
    expect(syntax("'")).toBe("invalid character '\\'' looking for beginning of value");
    expect(syntax('\u00ef\u00bb\u00bf{}')).toBe("invalid character 'ï' looking for beginning of value");
    expect(syntax(' {"a":[1,2.5e3,true,null,"x"]} \n')).toBeNull();
  });

  it('words json.Decoder failures (first value only) as Go does', () => {
    expect(syntax('', 'firstValue')).toBe('EOF');
    expect(syntax('  ', 'firstValue')).toBe('EOF');
    expect(syntax('{"a":', 'firstValue')).toBe('unexpected EOF');
    expect(syntax('{}garbage', 'firstValue')).toBeNull();
    expect(syntax('x', 'firstValue')).toBe("invalid character 'x' looking for beginning of value");
  });

  it('names unmarshal type errors as Go does', () => {
    expect(goUnmarshalTypeError([], 'jwt.MapClaims')).toBe('json: cannot unmarshal array into Go value of type jwt.MapClaims');
    expect(goUnmarshalTypeError(1, 'string', { struct: 'jwsEnvelope', path: 'payload' })).toBe(
      'json: cannot unmarshal number into Go struct field jwsEnvelope.payload of type string',
    );
  });
});

describe('Go json.Marshal', () => {
  it('sorts keys, stays compact and escapes HTML characters', () => {
    expect(goJsonMarshal({ b: 1, a: ['<x>', true, null], 'é': 'a&b' })).toBe('{"a":["\\u003cx\\u003e",true,null],"b":1,"é":"a\\u0026b"}');
    expect(goJsonString('line\nquote"back\\slash\u2028\u0007')).toBe('"line\\nquote\\"back\\\\slash\\u2028\\u0007"');
  });
});
