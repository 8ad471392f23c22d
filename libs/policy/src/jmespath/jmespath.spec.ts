import { readFileSync } from 'node:fs';
import { fixturePath } from '../../../../test/support/fixtures';
import { createJmespath } from './index';

const jp = createJmespath({ now: () => new Date('2026-08-21T10:00:00Z') });
const run = (expr: string, data: unknown = '') => jp.search(expr, data);

describe("Kyverno's dialect (go-jmespath fork)", () => {
  it('fails a lookup of a missing key with Unknown key, as Kyverno does', () => {
    expect(() => run('a.missing', { a: {} })).toThrow('Unknown key "missing" in path');
    expect(() => run('missing', {})).toThrow(expect.objectContaining({ code: 'ERR_POLICY_JMESPATH_NOT_FOUND' }));
  });
  it('answers null for a missing key inside projections, filters, flatten, comparators and function arguments', () => {
    expect(run('a[*].x', { a: [{ x: 1 }, {}] })).toEqual([1]);
    expect(run('a.missing[*].x', { a: {} })).toBeNull();
    expect(run("a[?x == 'y'].x", { a: [{ x: 'y' }, {}] })).toEqual(['y']);
    expect(run('not_null(a.missing, `1`)', { a: {} })).toBe(1);
    expect(run('a.b', { a: null })).toBeNull();
  });
  it('accepts legacy backtick literals', () => {
    expect(run('`foo`')).toBe('foo');
  });
});

describe('functions_test.go', () => {
  it.each([
    ["compare('a', 'a')", 0], ["compare('a', 'b')", -1], ["compare('b', 'a')", 1],
    ["equal_fold('Go', 'go')", true], ["equal_fold('a', 'b')", false], ["equal_fold('1', 'b')", false],
    ["replace('Lorem ipsum dolor sit amet', 'ipsum', 'muspi', `-1`)", 'Lorem muspi dolor sit amet'],
    ["replace('Lorem ipsum ipsum ipsum dolor sit amet', 'ipsum', 'muspi', `-1`)", 'Lorem muspi muspi muspi dolor sit amet'],
    ["replace('Lorem ipsum ipsum ipsum dolor sit amet', 'ipsum', 'muspi', `1`)", 'Lorem muspi ipsum ipsum dolor sit amet'],
    ["replace_all('Lorem ipsum dolor sit amet', 'ipsum', 'muspi')", 'Lorem muspi dolor sit amet'],
    ["to_upper('abc')", 'ABC'], ["to_upper('123')", '123'], ["to_upper('a#%&123Bc')", 'A#%&123BC'],
    ["to_lower('ABC')", 'abc'], ["to_lower('123')", '123'], ["to_lower('a#%&123Bc')", 'a#%&123bc'],
    ["trim('¡¡¡Hello, Gophers!!!', '!¡')", 'Hello, Gophers'],
    ["split('Hello, Gophers', ', ')", ['Hello', 'Gophers']],
    ["starts_with('Gophers', 'Go')", true], ["ends_with('Amigo', 'go')", true],
    [`parse_json('{"a": "b"}').a`, 'b'], [`parse_json('{"a": [1, 2, 3, 4]}').a[0]`, 1],
    [`parse_json('[1, 2, {"a": {"b": {"c": [1, 2]}}}]')[2].a.b.c[1]`, 2],
    ["parse_yaml('a: b')", { a: 'b' }],
    ["parse_yaml('\n- 1\n- 2\n- 3\n- a: b')", [1, 2, 3, { a: 'b' }]],
    ["parse_yaml('\nspec:\n  test: 1\n  test2:\n    - 2\n    - 3\n')", { spec: { test: 1, test2: [2, 3] } }],
    ["parse_yaml('\n---\nfoo: ~\nbar: null\n')", { foo: null, bar: null }],
    ["truncate('Lorem ipsum dolor sit amet', `5`)", 'Lorem'],
    ["truncate('Lorem ipsum ipsum ipsum dolor sit amet', `11`)", 'Lorem ipsum'],
    ["truncate('Lorem ipsum ipsum ipsum dolor sit amet', `40`)", 'Lorem ipsum ipsum ipsum dolor sit amet'],
    ["truncate('Lorem', `-1`)", ''],
    ["base64_encode('hello')", 'aGVsbG8='], ["base64_decode('aGVsbG8=')", 'hello'],
    ["path_canonicalize('///var/run/containerd/containerd.sock')", '/var/run/containerd/containerd.sock'],
    ["path_canonicalize('/var/run//containerd/containerd.sock')", '/var/run/containerd/containerd.sock'],
    ["path_canonicalize('/var/run/../containerd/containerd.sock')", '/var/containerd/containerd.sock'],
    ["to_boolean('true')", true], ["to_boolean('TRUE')", true], ["to_boolean('False')", false],
    ["semver_compare('1.2.3', '1.2.3')", true], ["semver_compare('1.2.3', '1.2.4')", false],
    ["semver_compare('1.2.3', '>1.0.0')", true], ["semver_compare('1.2.3', '<1.0.0')", false],
    ["semver_compare('1.2.3', '>1.0.0 <2.0.0')", true], ["semver_compare('1.2.3', '>1.0.0 <1.1.0 || >=1.2.0 <1.3.0')", true],
    ["semver_compare('1.2.3', '!1.2.3')", false], ["semver_compare('1.2.3', '1.x')", true], ["semver_compare('2.0.0', '1.x')", false],
    ["items(`{\"key1\":\"value1\",\"key2\":\"value2\"}`, 'key', 'value')", [{ key: 'key1', value: 'value1' }, { key: 'key2', value: 'value2' }]],
    ["items(`[\"A\", \"B\"]`, 'key', 'value')", [{ key: 0, value: 'A' }, { key: 1, value: 'B' }]],
    ["object_from_lists(`[\"key1\",\"key2\"]`, `[\"value1\",\"value2\"]`)", { key1: 'value1', key2: 'value2' }],
    ["object_from_lists(`[\"key1\",\"key2\"]`, `[\"value1\"]`)", { key1: 'value1', key2: null }],
    ["lookup(`{\"a\": 1}`, 'a')", 1], ["lookup(`{\"a\": 1}`, 'b')", null], ["lookup(`[1, 2]`, `1`)", 2], ["lookup(`[1, 2]`, `5`)", null],
    ["image_normalize('nginx')", 'docker.io/nginx:latest'],
    ["image_normalize('ghcr.io/kyverno/test-verify-image:signed')", 'ghcr.io/kyverno/test-verify-image:signed'],
    ["image_normalize('docker.io/nginx:1.2@sha256:b31bfb4d0213f254d361e0079deaaebefa4f82ba7aa76ef82e90b4935ad5b105')", 'docker.io/nginx@sha256:b31bfb4d0213f254d361e0079deaaebefa4f82ba7aa76ef82e90b4935ad5b105'],
    ["sha256('hello')", '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
  ])('%s', (expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });

  it.each([
    ["regex_match('12.*', foo)", { foo: "hgf'b1a2r'b12g" }, true],
    ["regex_match('12.*', abs(foo))", { foo: -12 }, true],
    ["pattern_match('prefix-*', foo)", { foo: 'prefix-foo' }, true],
    ["pattern_match('12*', abs(foo))", { foo: -12 }, true],
    ["regex_replace_all('([Hh]e|G)l', spec.field, '${2}G')", { spec: { field: 'Hello world, helworldlo' } }, 'Glo world, Gworldlo'],
    ["regex_replace_all_literal('[Hh]el?', spec.field, 'G')", { spec: { field: 'Hello world, helworldlo' } }, 'Glo world, Gworldlo'],
    ['label_match(`{ "app": "test-app" }`, metadata.labels)', { metadata: { labels: { app: 'test-app', 'controller-name': 'test-controller' } } }, true],
    ['label_match(`{ "app": "test-app", "controller-name": "test-controller" }`, metadata.labels)', { metadata: { labels: { app: 'test-app', 'controller-name': 'test-controller' } } }, true],
    ['label_match(`{ "app": "test-app2" }`, metadata.labels)', { metadata: { labels: { app: 'test-app' } } }, false],
    ['label_match(`{ "app.kubernetes.io/name": "test-app" }`, metadata.labels)', { metadata: { labels: { app: 'test-app' } } }, false],
  ])('%s', (expr, data, expected) => {
    expect(run(expr, data)).toEqual(expected);
  });

  it('parse_yaml folds a `>` block (the yaml library keeps a final line break at end of input; go-yaml does not)', () => {
    const out = run("parse_yaml('\nbar: >\n  this is not a normal string it\n  spans more than\n  one line\n  see?')") as { bar: string };
    expect(out.bar.trimEnd()).toBe('this is not a normal string it spans more than one line see?');
  });

  it.each(['{"a":"b"}', 'true', '[1,2,3,{"a":"b"}]', 'null', '[]', '{}', '0', '1.2', '[1.2,true,{"a":{"a":"b"}}]'])(
    'to_string(parse_json(%s)) round-trips (Test_ParseJsonSerde)',
    (json) => {
      expect(run(`to_string(parse_json('${json}'))`)).toBe(json);
    },
  );

  it('rejects a non-boolean string in to_boolean', () => {
    expect(() => run("to_boolean('yes')")).toThrow("JMESPath function 'to_boolean': lowercase argument must be 'true' or 'false' (provided: 'yes')");
  });
});

describe('arithmetic_test.go', () => {
  it.each([
    ['add(`12`, `13`)', 25], ["add('12Ki', '13Ki')", '25Ki'], ["add('12Ki', '13')", '12301'], ["add('12s', '13s')", '25s'],
    ['sum([`12`])', 12], ['sum([`12`, `13`, `1`, `4`])', 30], ["sum(['12Ki'])", '12Ki'], ["sum(['12Ki', '13Ki', '1Ki', '4Ki'])", '30Ki'],
    ["sum(['12Ki', '13'])", '12301'], ["sum(['12s'])", '12s'], ["sum(['12s', '13s', '1s', '4s'])", '30s'],
    ['subtract(`12`, `13`)', -1], ["subtract('12Ki', '13Ki')", '-1Ki'], ["subtract('12Ki', '13')", '12275'], ["subtract('12s', '13s')", '-1s'],
    ["multiply('12Ki', `2`)", '24Ki'], ["multiply('12s', `2`)", '24s'], ['multiply(`2.5`, `2.5`)', 6.25],
    ["multiply(`2.5`, '12Ki')", '30Ki'], ["multiply(`2.5`, '12')", '30'], ["multiply(`2.5`, '40s')", '1m40s'],
    ["divide('256M', '256M')", 1], ["divide('512M', '256M')", 2], ["divide('8', '3')", 8 / 3], ["divide('128M', '256M')", 0.5],
    ["divide('12Ki', `3`)", '4Ki'], ["divide('12Ki', '2Ki')", 6], ["divide('12Ki', '200')", 61.44], ["divide('12s', `3`)", '4s'],
    ["divide('12s', '5s')", 2.4], ['divide(`14`, `3`)', 4.666666666666667],
    ["modulo('12Ki', '5Ki')", '2Ki'], ["modulo('13s', '2s')", '1s'], ['modulo(`13`, `5`)', 3],
    ['round(`1.5`, `0`)', 2], ['round(`-1.5`, `0`)', -2], ['round(`3.14159`, `2`)', 3.14],
  ])('%s = %p', (expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });

  it.each([
    "add('12', '13s')", "add(`12`, '13Ki')", "add(`12`, '13')", "add('12Ki', '13s')", "add('12Ki', `13`)", "add('12s', `13`)",
    "add('12s', '13Ki')", "add('12s', '13')", "sum(['12', '13s'])", "sum([`12`, '13Ki'])", "sum([`12`, '13'])",
    "sum(['12Ki', '13s'])", "sum(['12Ki', `13`])", "sum(['12s', `13`])", "sum(['12s', '13Ki'])", "sum(['12s', '13'])",
    "subtract('12', '13s')", "subtract(`12`, '13Ki')", "subtract(`12`, '13')", "subtract('12Ki', '13s')", "subtract('12Ki', `13`)",
    "subtract('12s', `13`)", "subtract('12s', '13Ki')", "subtract('12s', '13')",
    "multiply('12Ki', '12Ki')", "multiply('12Ki', '12')", "multiply('12Ki', '12s')", "multiply('12s', '12Ki')", "multiply('12s', '12')",
    "multiply('12s', '12s')", "divide('12Ki', '2s')", "divide('12s', '4Ki')", "divide('12s', '4')", "divide(`14`, '5s')",
    "divide(`14`, '5Ki')", "divide(`14`, '5')", 'divide(`14`, `0`)', "divide('4Ki', `0`)", "divide('4Ki', '0Ki')", "divide('4', `0`)",
    "divide('4', '0')", "divide('4s', `0`)", "divide('4s', '0s')",
    "modulo('12', '13s')", "modulo('12Ki', '13s')", "modulo('12Ki', `13`)", "modulo('13s', '12')", "modulo('13s', '12Ki')",
    "modulo('13s', `2`)", "modulo(`13`, '12')", "modulo(`13`, '12Ki')", "modulo(`13`, '5s')", 'modulo(`14`, `0`)',
    "modulo('4Ki', `0`)", "modulo('4Ki', '0Ki')", "modulo('4', `0`)", "modulo('4', '0')", "modulo('4s', `0`)", "modulo('4s', '0s')",
    "modulo('4', '1.5')", "modulo('4.5', '1')", 'modulo(`14`, `1.5`)', 'modulo(`14.5`, `2`)', 'round(`1.5`, `0.5`)', 'round(`1.5`, `-1`)',
  ])('%s fails', (expr) => {
    expect(() => run(expr)).toThrow(expect.objectContaining({ code: 'ERR_POLICY_JMESPATH_FUNCTION' }));
  });
});

it('sum([]) fails (Kyverno: an empty array is an error)', () => {
  expect(() => run('sum(`[]`)')).toThrow("JMESPath function 'sum': at least one element in the array is required");
});

describe('time_test.go', () => {
  it.each([
    ["time_since('', '2021-01-02T15:04:05-07:00', '2021-01-10T03:14:05-07:00')", '180h10m0s'],
    ["time_since('Mon Jan _2 15:04:05 MST 2006', 'Mon Jan 02 15:04:05 MST 2021', 'Mon Jan 10 03:14:16 MST 2021')", '180h10m11s'],
    ["time_since('', '2025-08-21T10:00:00Z', '')", '8760h0m0s'],
    ['time_now_utc()', '2026-08-21T10:00:00Z'],
    ["time_add('2021-01-02T15:04:05-07:00', '3h')", '2021-01-02T18:04:05-07:00'],
    ["time_add('2021-01-02T15:04:05-07:00', '-1h30m')", '2021-01-02T13:34:05-07:00'],
    ["time_parse('Mon Jan 02 2006 15:04:05 -0700', 'Fri Jun 22 2022 17:45:00 +0100')", '2022-06-22T17:45:00+01:00'],
    ["time_parse('1136214245', '1666030994')", '2022-10-17T18:23:14Z'],
    ["time_to_cron('2023-02-02T15:04:05Z')", '4 15 2 2 4'],
    ["time_to_cron('2023-02-02T15:04:05-07:00')", '4 15 2 2 4'],
    ["time_utc('2021-01-02T18:04:05-07:00')", '2021-01-03T01:04:05Z'],
    ["time_diff('2021-01-02T15:04:05-07:00', '2021-01-10T03:14:05-07:00')", '180h10m0s'],
    ["time_before('2021-01-02T15:04:05-07:00', '2021-01-10T03:14:05-07:00')", true],
    ["time_after('2021-01-02T15:04:05-07:00', '2021-01-10T03:14:05-07:00')", false],
    ["time_between('2021-01-02T17:04:05-07:00', '2021-01-02T15:04:05-07:00', '2021-01-10T03:14:05-07:00')", true],
    ["time_truncate('2023-02-02T15:04:05Z', '1h')", '2023-02-02T15:00:00Z'],
    ["time_truncate('2023-02-02T15:04:05Z', '24h')", '2023-02-02T00:00:00Z'],
  ])('%s', (expr, expected) => {
    expect(run(expr)).toEqual(expected);
  });
});

describe('x509_decode', () => {
  const pem = readFileSync(fixturePath('seed/certs/notary-test-2023.pem'), 'utf8');
  it("decodes the seed's certificate as Go's x509.Certificate JSON", () => {
    const cert = run('x509_decode(@)', pem) as {
      Subject: { CommonName: string; Organization: string[] };
      Issuer: { Country: string[] };
      PublicKey: { E: number };
    } & Record<string, unknown>;
    expect(cert.Subject.CommonName).toBe('test');
    expect(cert.Subject.Organization).toEqual(['Notary']);
    expect(cert.Issuer.Country).toEqual(['US']);
    expect(cert['NotBefore']).toBe('2023-05-22T21:15:18Z');
    expect(cert['NotAfter']).toBe('2033-05-19T21:15:18Z');
    expect(cert['IsCA']).toBe(false);
    expect(cert['BasicConstraintsValid']).toBe(true);
    expect(cert['ExtKeyUsage']).toEqual([3]);
    expect(cert['KeyUsage']).toBe(1);
    expect(cert['PublicKeyAlgorithm']).toBe(1);
    expect(cert['SignatureAlgorithm']).toBe(4);
    expect(cert.PublicKey.E).toBe(65537);
    expect(cert['Version']).toBe(3);
  });
  it('rejects text that is not a PEM certificate', () => {
    expect(() => run("x509_decode('nope')")).toThrow("JMESPath function 'x509_decode': invalid certificate");
  });
});
