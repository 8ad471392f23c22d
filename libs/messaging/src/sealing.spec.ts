/**
 * JobSealer: what a worker refuses to open (another key, subject, request,
 * cluster; expired; replayed) and what a client refuses to take as a reply
 * (unsealed, another job's reply, a job echoed back).
 */
import { randomBytes } from 'node:crypto';
import { JobFailure, TierKeys } from '@notary-gate/contracts';
import { JobSealer, type JobBinding } from './sealing';

const keys = TierKeys.of(randomBytes(32));
const request = { artifact: `registry.test/app@sha256:${'a'.repeat(64)}`, trustAnchorsPem: 'PEM', maxSignatureAttempts: 10 };
const failureOf = (fn: () => unknown): JobFailure => {
  try {
    fn();
  } catch (error) {
    return error as JobFailure;
  }
  throw new Error('expected a JobFailure');
};

describe('JobSealer', () => {
  let now = 1_000_000;
  const sealer = (k = keys) => new JobSealer(k, () => now);
  const meta = () => ({ subject: 'p.notary.v1.verify', requestId: 'req-1', deadline: now + 5_000, cluster: 'east' });
  const arrived = (binding: JobBinding) => ({ subject: binding.subject, requestId: binding.requestId, deadline: binding.deadline, cluster: binding.cluster });

  it('round-trips a job and its reply, each bound to the other', () => {
    const client = sealer();
    const worker = sealer();
    const { token, binding } = client.sealJob(request, meta());
    expect(token).not.toContain('registry.test');
    const opened = worker.openJob(token, arrived(binding));
    expect(opened.request).toEqual(request);
    expect(opened.binding).toEqual(binding);
    const reply = worker.sealReply({ ok: true, reply: { verified: false } }, opened.binding);
    expect(client.openReply(reply, binding)).toEqual({ ok: true, reply: { verified: false } });
  });

  it('refuses jobs sealed with another key, for another subject, with altered headers, expired or replayed', () => {
    const { token, binding } = sealer().sealJob(request, meta());
    expect(failureOf(() => sealer(TierKeys.of(randomBytes(32))).openJob(token, arrived(binding)))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('does not open with the tier key') });
    expect(failureOf(() => sealer().openJob(token, { ...arrived(binding), subject: 'p.notary.v1.evaluate' })).message).toContain('it was sealed for p.notary.v1.verify');
    expect(failureOf(() => sealer().openJob(token, { ...arrived(binding), cluster: 'west' })).message).toContain('headers do not match');
    expect(failureOf(() => sealer().openJob(token, { ...arrived(binding), deadline: binding.deadline + 60_000 })).message).toContain('headers do not match');
    expect(failureOf(() => sealer().openJob('{"artifact":"x"}', arrived(binding))).message).toContain('does not open with the tier key');
    const worker = sealer();
    worker.openJob(token, arrived(binding));
    expect(failureOf(() => worker.openJob(token, arrived(binding))).message).toContain('already received (a replayed job)');
    now += 5_000;
    expect(failureOf(() => sealer().openJob(token, arrived(binding))).message).toMatch(/expired 0 ms ago/);
  });

  it('refuses as a reply anything but the sealed reply to this very job: never a verdict', () => {
    now = 2_000_000;
    const client = sealer();
    const first = client.sealJob(request, meta());
    const second = client.sealJob(request, meta()); // same image, same anchors, same request id: another job
    const replyToFirst = sealer().sealReply({ ok: true, reply: { verified: true } }, first.binding);
    expect(failureOf(() => client.openReply(replyToFirst, second.binding))).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('answers another job') });
    expect(failureOf(() => client.openReply({ ok: true, reply: { verified: true } }, first.binding))).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('not sealed with the tier key') });
    expect(failureOf(() => client.openReply(first.token, first.binding))).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('answers another job') });
    const forged = TierKeys.of(randomBytes(32)).seal({ typ: 'notary-gate-reply/v1' }, Buffer.from('{"ok":true,"reply":{"verified":true}}'));
    expect(failureOf(() => client.openReply(forged, first.binding))).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('unknown key') });
  });
});
