/**
 * The timestamp range against the signing chain (reference §9 step 9) and
 * the envelope's signing time, at the exact bounds tspclient-go uses
 * (`BoundedAfter`: lower ≥ t, `BoundedBefore`: upper ≤ t).
 */
import { isNotaryError } from '../errors';
import { CertificateAuthority, notaryTestName } from '../x509/builder';
import { TimestampError } from './errors';
import { boundedAfter, boundedBefore, checkChainValidityAgainstTimestamp, checkTimestampAfterSigningTime, formatTimestampRange } from './range';
import { timestampRange, TstInfo } from './tst-info';

const notBefore = new Date('2024-06-01T00:00:00Z');
const notAfter = new Date('2024-07-01T00:00:00Z');
const root = CertificateAuthority.root({ subject: notaryTestName('Range Root'), notBefore, notAfter: new Date('2030-01-01T00:00:00Z') });
const leaf = root.issueCodeSigningLeaf({ subject: notaryTestName('Range Leaf'), notBefore, notAfter });

function rangeAt(genTime: string, seconds = 1) {
  const date = new Date(genTime);
  const info: TstInfo = {
    version: 1,
    policy: '1.2.3',
    messageImprint: { hashAlgorithm: '2.16.840.1.101.3.4.2.1', hashedMessage: Buffer.alloc(32) },
    serialNumber: 1n,
    genTime: date,
    genTimeNanos: BigInt(date.getTime()) * 1_000_000n,
    accuracy: { seconds, millis: 0, micros: 0 },
    ordering: false,
  };
  return timestampRange(info);
}

function failure(action: () => void): TimestampError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(TimestampError);
    return error as TimestampError;
  }
  throw new Error('expected a failure');
}

describe('checkChainValidityAgainstTimestamp', () => {
  it('accepts a range touching both validity bounds', () => {
    expect(() => checkChainValidityAgainstTimestamp(leaf.chain, rangeAt('2024-06-01T00:00:01Z'))).not.toThrow();
    expect(() => checkChainValidityAgainstTimestamp(leaf.chain, rangeAt('2024-06-30T23:59:59Z'))).not.toThrow();
  });

  it('refuses a range that may start before notBefore', () => {
    const error = failure(() => checkChainValidityAgainstTimestamp(leaf.chain, rangeAt('2024-06-01T00:00:00.500Z')));
    expect(error.message).toBe(
      'timestamp can be before certificate "CN=Range Leaf,O=Notary,L=Seattle,ST=WA,C=US" validity period, it will be valid from "Sat, 01 Jun 2024 00:00:00 +0000"',
    );
    expect(isNotaryError(error, 'ERR_CERT_EXPIRED')).toBe(true);
    expect(error.step).toBe('validity');
  });

  it('refuses a range that may end after notAfter', () => {
    expect(failure(() => checkChainValidityAgainstTimestamp(leaf.chain, rangeAt('2024-06-30T23:59:59.001Z'))).message).toBe(
      'timestamp can be after certificate "CN=Range Leaf,O=Notary,L=Seattle,ST=WA,C=US" validity period, it was expired at "Mon, 01 Jul 2024 00:00:00 +0000"',
    );
  });

  it('checks every certificate of the chain, leaf first', () => {
    const lateRoot = CertificateAuthority.root({ subject: notaryTestName('Late Root'), notBefore: new Date('2024-06-15T00:00:00Z'), notAfter });
    const early = lateRoot.issueCodeSigningLeaf({ subject: notaryTestName('Early Leaf'), notBefore, notAfter });
    expect(failure(() => checkChainValidityAgainstTimestamp(early.chain, rangeAt('2024-06-10T00:00:00Z'))).message).toContain('"CN=Late Root,');
  });
});

describe('bounds', () => {
  const range = rangeAt('2024-06-18T06:29:37Z');

  it('are inclusive', () => {
    expect(boundedAfter(range, new Date('2024-06-18T06:29:36Z'))).toBe(true);
    expect(boundedAfter(range, new Date('2024-06-18T06:29:36.001Z'))).toBe(false);
    expect(boundedBefore(range, new Date('2024-06-18T06:29:38Z'))).toBe(true);
    expect(boundedBefore(range, new Date('2024-06-18T06:29:37.999Z'))).toBe(false);
  });

  it('format as notation prints them', () => {
    expect(formatTimestampRange(range, 'ansic')).toBe('[Tue Jun 18 06:29:36 2024, Tue Jun 18 06:29:38 2024]');
    expect(formatTimestampRange(range, 'rfc3339')).toBe('[2024-06-18T06:29:36Z, 2024-06-18T06:29:38Z]');
  });
});

describe('checkTimestampAfterSigningTime', () => {
  const range = rangeAt('2024-06-18T06:29:37Z');

  it('accepts a signing time at or before the lower bound', () => {
    expect(() => checkTimestampAfterSigningTime(range, { date: new Date('2024-06-18T06:29:36Z') })).not.toThrow();
  });

  it('prints the signing time as Go does: UTC, or the JWS offset twice', () => {
    expect(failure(() => checkTimestampAfterSigningTime(range, { date: new Date('2024-06-18T06:29:37Z') })).message).toBe(
      'timestamp [2024-06-18T06:29:36Z, 2024-06-18T06:29:38Z] is not bounded after the signing time "2024-06-18 06:29:37 +0000 UTC"',
    );
    const text = '2024-06-18T14:29:37+08:00';
    expect(failure(() => checkTimestampAfterSigningTime(range, { date: new Date(text), text })).message).toBe(
      'timestamp [2024-06-18T06:29:36Z, 2024-06-18T06:29:38Z] is not bounded after the signing time "2024-06-18 14:29:37 +0800 +0800"',
    );
  });
});
