import { envelopeMediaTypeFromFileName } from './blob-signature';
import { goJsonString } from '../envelope/go-json';
import { encodeGoJson, goMap, goStruct } from './go-json';
import { formatGoFloat, goSprint } from './go-sprint';
import { renderTree, treeNode, treePair } from './tree';

describe('renderTree (notation/oras tree.go)', () => {
  it('draws children, last children and continuation prefixes', () => {
    const root = treeNode('root', [treeNode('a', [treePair('k', 'v'), treeNode('b', [treeNode('c')])]), treeNode('d', [treeNode('e')])]);
    expect(renderTree(root)).toBe(['root', '├── a', '│   ├── k: v', '│   └── b', '│       └── c', '└── d', '    └── e', ''].join('\n'));
  });
});

describe('encodeGoJson (json.Encoder with SetIndent("", "  "))', () => {
  it('indents, keeps struct order, sorts maps, prints empty containers inline', () => {
    const value = goStruct([
      ['z', 1],
      ['a', goMap([['b', true], ['a', null]])],
      ['empty', []],
      ['none', goMap([])],
      ['omitted', undefined],
    ]);
    expect(encodeGoJson(value)).toBe('{\n  "z": 1,\n  "a": {\n    "a": null,\n    "b": true\n  },\n  "empty": [],\n  "none": {}\n}\n');
  });

  it('escapes like Go with HTML escaping on', () => {
    expect(goJsonString('<a href="x">&</a>\n\t\b\f\u0001\u007f\u2028é')).toBe(
      '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e\\n\\t\\b\\f\\u0001\u007f\\u2028é"',
    );
    expect(goJsonString('\ud800')).toBe('"\\ufffd"');
  });

  it('sorts map keys bytewise, integer-like keys included', () => {
    expect(encodeGoJson(goMap([['9', 1], ['10', 2]]))).toBe('{\n  "10": 2,\n  "9": 1\n}\n');
  });
});

describe('goSprint (fmt.Sprint)', () => {
  it('prints JSON numbers as Go float64 %v', () => {
    expect(formatGoFloat(1672944615)).toBe('1.672944615e+09');
    expect(formatGoFloat(123456)).toBe('123456');
    expect(formatGoFloat(1000000)).toBe('1e+06');
    expect(formatGoFloat(0.0001)).toBe('0.0001');
    expect(formatGoFloat(0.00001)).toBe('1e-05');
    expect(formatGoFloat(1.5)).toBe('1.5');
    expect(formatGoFloat(-2.5e-7)).toBe('-2.5e-07');
  });

  it('prints COSE integers in decimal and composite values like fmt', () => {
    expect(goSprint(1672944615, { numbersAreFloats: false })).toBe('1672944615');
    expect(goSprint(-7n, { numbersAreFloats: false })).toBe('-7');
    expect(goSprint(null, { numbersAreFloats: true })).toBe('<nil>');
    expect(goSprint(['a', 1, true], { numbersAreFloats: true })).toBe('[a 1 true]');
    expect(goSprint({ b: 'x', a: 2 }, { numbersAreFloats: true })).toBe('map[a:2 b:x]');
    expect(goSprint(new Uint8Array([1, 255]), { numbersAreFloats: false })).toBe('[1 255]');
    expect(goSprint(new Map<unknown, unknown>([[2, 'two'], [1, 'one']]), { numbersAreFloats: false })).toBe('map[1:one 2:two]');
  });
});

describe('envelopeMediaTypeFromFileName (notation blob inspect)', () => {
  it('reads <blob>.<format>.sig', () => {
    expect(envelopeMediaTypeFromFileName('dir.with.dots/blob.txt.JWS.sig')).toBe('application/jose+json');
    expect(envelopeMediaTypeFromFileName('blob.cose.sig')).toBe('application/cose');
  });

  it('rejects other names with notation’s errors', () => {
    expect(() => envelopeMediaTypeFromFileName('dir/blob.sig')).toThrow('invalid signature filename: blob.sig');
    expect(() => envelopeMediaTypeFromFileName('blob.pem.sig')).toThrow(expect.objectContaining({ code: 'ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE', message: 'unsupported signature format: pem' }));
  });
});
