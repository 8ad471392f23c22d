/** The wire format's edges: what a client makes of odd replies, headers and prefixes. */
import { Headers, JobFailure } from '@notary-gate/contracts';
import { headers as natsHeaders, JSONCodec } from 'nats';
import { checkSubjectPrefix, wireSubject } from './subject-names';
import { decodeHeaders, decodeReply, encodeHeaders, encodeRequest } from './wire';

const codec = JSONCodec();
const decode = (packet: unknown): unknown => decodeReply('notary.v1.verify', codec.encode(packet));
const failureOf = (fn: () => unknown): JobFailure => {
  try {
    fn();
  } catch (error) {
    return error as JobFailure;
  }
  throw new Error('expected a JobFailure');
};

describe('wire format', () => {
  it('sends Nest NATS packets (id, pattern, data) and headers with request id, trace id and deadline', () => {
    expect(codec.decode(encodeRequest('notary.v1.verify', { a: 1 }))).toEqual({ id: expect.any(String), pattern: 'notary.v1.verify', data: { a: 1 } });
    const h = encodeHeaders({ requestId: 'r', traceId: 't', deadline: 1_700_000_000_123, cluster: 'east' });
    expect([h.get(Headers.requestId), h.get(Headers.traceId), h.get(Headers.deadline), h.get(Headers.cluster)]).toEqual(['r', 't', '1700000000123', 'east']);
    expect(decodeHeaders(h)).toEqual({ requestId: 'r', traceId: 't', deadline: 1_700_000_000_123, cluster: 'east' });
  });

  it('reads absent headers as no ids and no deadline; a malformed deadline is BAD_REQUEST', () => {
    expect(decodeHeaders(undefined)).toEqual({ requestId: '', traceId: '', deadline: Infinity, cluster: '' });
    const h = natsHeaders();
    h.set(Headers.deadline, '-5');
    expect(failureOf(() => decodeHeaders(h))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('decodes the envelope: reply, or the JobFailure it carries', () => {
    expect(decode({ id: '1', response: { ok: true, reply: { verified: true } }, isDisposed: true })).toEqual({ verified: true });
    expect(failureOf(() => decode({ response: { ok: false, error: { code: 'NOT_FOUND', message: 'gone' } } }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'gone',
    });
  });

  it('reads anything else as INTERNAL: Nest error packets, unknown codes, garbage', () => {
    expect(failureOf(() => decode({ err: 'There is no matching message handler defined in the remote service.' }))).toMatchObject({
      code: 'INTERNAL',
      message: 'notary.v1.verify: There is no matching message handler defined in the remote service.',
    });
    expect(failureOf(() => decode({ response: { ok: false, error: { code: 'EXPLODED', message: 'x' } } }))).toMatchObject({
      code: 'INTERNAL',
      message: 'notary.v1.verify: unknown error code "EXPLODED": x',
    });
    expect(failureOf(() => decode({ response: 42 }))).toMatchObject({ code: 'INTERNAL', message: 'malformed reply on notary.v1.verify: no response' });
    expect(failureOf(() => decodeReply('s', new TextEncoder().encode('{not json')))).toMatchObject({
      code: 'INTERNAL',
      message: 'malformed reply on s: not JSON',
    });
  });

  it('prefixes subjects, and refuses prefixes that are not NATS subject tokens', () => {
    expect(wireSubject('', 'notary.v1.verify')).toBe('notary.v1.verify');
    expect(wireSubject(checkSubjectPrefix('test-1.tenant_a'), 'notary.v1.verify')).toBe('test-1.tenant_a.notary.v1.verify');
    for (const bad of ['a.', '.a', 'a b', 'a.*', 'a.>']) expect(() => checkSubjectPrefix(bad)).toThrow(TypeError);
  });
});
