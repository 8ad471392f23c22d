import { createJmespath } from '../jmespath';
import { substituteString, substituteVariables } from './substitute';

const jmespath = createJmespath();
const context = {
  request: {
    operation: 'CREATE',
    object: { metadata: { name: 'temp', namespace: 'n1', labels: { app: 'web' } }, spec: { replicas: 3, ports: [80, 443] } },
    oldObject: { metadata: { name: 'old' } },
  },
  images: { containers: { test: { registry: 'ghcr.io', path: 'kyverno/test-verify-image', tag: 'signed' } } },
  keys: { data: { certificate: '-----BEGIN CERTIFICATE-----' } },
  element: { name: 'nginx' },
};
const sub = (s: string, extra: object = {}) => substituteString(s, context, { jmespath, ...extra });

describe('variable substitution (vars.go)', () => {
  it('keeps the JSON type when the whole string is one variable', () => {
    expect(sub('{{request.object.spec.replicas}}')).toBe(3);
    expect(sub('{{ request.object.spec.ports }}')).toEqual([80, 443]);
    expect(sub('{{ request.object.metadata.labels }}')).toEqual({ app: 'web' });
  });
  it('stringifies embedded variables (strings raw, others as Go json.Marshal)', () => {
    expect(sub('name-{{request.object.metadata.name}}')).toBe('name-temp');
    expect(sub('{{request.object.metadata.name}}-{{request.object.metadata.namespace}}')).toBe('temp-n1');
    expect(sub('ports={{request.object.spec.ports}}')).toBe('ports=[80,443]');
    expect(sub('labels={{request.object.metadata.labels}}')).toBe('labels={"app":"web"}');
  });
  it('resolves nested variables innermost first', () => {
    expect(sub("{{ to_upper('{{request.object.metadata.name}}') }}")).toBe('TEMP');
    expect(sub('{{ images.containers.test.registry }}/{{ images.containers.test.path }}:{{ images.containers.test.tag }}')).toBe(
      'ghcr.io/kyverno/test-verify-image:signed',
    );
  });
  it('leaves escaped variables alone and unescapes them', () => {
    expect(sub('\\{{request.object.metadata.name}}')).toBe('{{request.object.metadata.name}}');
    expect(sub('a \\{{x}} b {{request.object.metadata.name}}')).toBe('a {{x}} b temp');
  });
  it('substitutes shallowly with {{- }}: the result is not rescanned', () => {
    const ctx = { v: '{{ request.object.metadata.name }}', request: context.request };
    expect(substituteString('x {{- v }}', ctx, { jmespath })).toBe('x {{ request.object.metadata.name }}');
    expect(substituteString('x {{ v }}', ctx, { jmespath })).toBe('x temp');
  });
  it('reads element and named context entries (configMap `keys`)', () => {
    expect(sub('{{ element.name }}')).toBe('nginx');
    expect(sub('{{ keys.data.certificate }}')).toBe('-----BEGIN CERTIFICATE-----');
  });
  it('redirects request.object to request.oldObject on DELETE', () => {
    expect(sub('{{ request.object.metadata.name }}', { operation: 'DELETE' })).toBe('old');
  });
  it('resolves @ to the element at the current path', () => {
    const doc = { validate: { pattern: { metadata: { name: '{{@}}' } } } };
    expect(substituteVariables(doc, context, { jmespath })).toEqual({ validate: { pattern: { metadata: { name: 'temp' } } } });
  });
  it('substitutes inside documents, keys included, and passes non-strings through', () => {
    const doc = { cert: '{{ keys.data.certificate }}', n: 1, list: ['{{ request.object.spec.replicas }}'], '{{element.name}}': true };
    expect(substituteVariables(doc, context, { jmespath })).toEqual({
      cert: '-----BEGIN CERTIFICATE-----',
      n: 1,
      list: [3],
      nginx: true,
    });
  });
  it("fails a missing variable with Kyverno's message and the JSON path", () => {
    expect(() => substituteVariables({ a: { b: '{{ request.object.metadata.labels.missing }}' } }, context, { jmespath })).toThrow(
      'failed to resolve request.object.metadata.labels.missing at path /a/b: JMESPath query failed: Unknown key "missing" in path',
    );
    expect(() => sub('{{ keys.data.nope }}')).toThrow(expect.objectContaining({ code: 'ERR_POLICY_VARIABLE', variable: 'keys.data.nope', path: '' }));
  });
  it('can resolve unresolvable variables to "" as the preconditions resolver does', () => {
    expect(sub('{{ nope }}', { onUnresolved: 'empty-string' })).toBe('');
  });
});

describe('variables located once per document', () => {
  const document = {
    imageReferences: ['ghcr.io/kyverno/*'],
    attestors: [{ entries: [{ certificates: { cert: '{{ keys.data.certificate }}' } }] }],
    annotations: { literal: 'no variable here', escaped: '\\{{ kept }}' },
  };

  it('returns the parts without variables as they are, and substitutes the rest on every call', () => {
    const first = substituteVariables(document, context, { jmespath }) as typeof document;
    const second = substituteVariables(document, { ...context, keys: { data: { certificate: 'other' } } }, { jmespath }) as typeof document;
    expect(first.imageReferences).toBe(document.imageReferences);
    expect(first.attestors[0]!.entries[0]!.certificates.cert).toBe('-----BEGIN CERTIFICATE-----');
    expect(second.attestors[0]!.entries[0]!.certificates.cert).toBe('other');
    expect(first.annotations).toEqual({ literal: 'no variable here', escaped: '{{ kept }}' });
    expect(first.annotations).not.toBe(document.annotations);
  });

  it('treats a variable in a key like one in a value', () => {
    expect(substituteVariables({ '{{ request.object.metadata.name }}': 1 }, context, { jmespath })).toEqual({ temp: 1 });
  });
});

describe('one JMESPath interpreter per process, a clock per instance', () => {
  it('answers time_now from the clock of the instance searching, also when instances interleave', () => {
    const early = createJmespath({ now: () => new Date('2020-01-01T00:00:00Z') });
    const late = createJmespath({ now: () => new Date('2030-01-01T00:00:00Z') });
    expect(early.search('time_now_utc()', {})).toBe('2020-01-01T00:00:00Z');
    expect(late.search('time_now_utc()', {})).toBe('2030-01-01T00:00:00Z');
    expect(early.search('time_now_utc()', {})).toBe('2020-01-01T00:00:00Z');
    expect(early.customFunctions).toBe(late.customFunctions);
  });
});
