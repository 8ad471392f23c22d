/**
 * What a verified timestamp range proves about the envelope (reference §9):
 * every signing-chain certificate must cover the whole range (step 9), and
 * the range must not start before the envelope's claimed signing time
 * (notation-go ≥ 1.2 `BoundedAfter(signingTime)`). Also the range's display
 * forms (`notation inspect`, §13).
 */
import type { SignedTime } from '../types';
import type { Certificate } from '../x509/certificate';
import { goQuote } from '../x509/go-quote';
import { formatAnsic, formatGoTimeString, formatRfc1123Z, formatRfc3339, rfc3339OffsetMinutes } from '../x509/time-format';
import { TimestampError } from './errors';
import type { TimestampRange } from './tst-info';

const NANOS_PER_MILLI = 1_000_000n;

function dateNanos(date: Date): bigint {
  return BigInt(date.getTime()) * NANOS_PER_MILLI;
}

/** tspclient-go `Timestamp.BoundedAfter(u)`: the lower limit is at or after `u`. */
export function boundedAfter(range: TimestampRange, instant: Date): boolean {
  return range.lowerNanos >= dateNanos(instant);
}

/** tspclient-go `Timestamp.BoundedBefore(u)`: the upper limit is at or before `u`. */
export function boundedBefore(range: TimestampRange, instant: Date): boolean {
  return range.upperNanos <= dateNanos(instant);
}

/**
 * notation-go `verifyTimestamp` step 4: the timestamp range must lie inside
 * every signing-chain certificate's validity. Throws TimestampError (step
 * `validity`, code ERR_CERT_EXPIRED) with notation's message, e.g.
 * `timestamp can be after certificate "CN=…" validity period, it was expired at "Tue, 18 Sep 2001 11:54:34 +0000"`.
 */
export function checkChainValidityAgainstTimestamp(chain: readonly Certificate[], range: TimestampRange): void {
  for (const certificate of chain) {
    if (!boundedAfter(range, certificate.notBefore)) {
      throw new TimestampError(
        'validity',
        `timestamp can be before certificate ${goQuote(certificate.subject)} validity period, it will be valid from ${goQuote(formatRfc1123Z(certificate.notBefore))}`,
        { code: 'ERR_CERT_EXPIRED' },
      );
    }
    if (!boundedBefore(range, certificate.notAfter)) {
      throw new TimestampError(
        'validity',
        `timestamp can be after certificate ${goQuote(certificate.subject)} validity period, it was expired at ${goQuote(formatRfc1123Z(certificate.notAfter))}`,
        { code: 'ERR_CERT_EXPIRED' },
      );
    }
  }
}

/**
 * notation-go: a timestamp whose range starts before the envelope's own
 * signing time cannot be the countersignature of that signature. Message:
 * `timestamp [<lower>, <upper>] is not bounded after the signing time "<Go time.String()>"`.
 */
export function checkTimestampAfterSigningTime(range: TimestampRange, signingTime: SignedTime): void {
  if (boundedAfter(range, signingTime.date)) return;
  throw new TimestampError(
    'signingTime',
    `timestamp ${formatTimestampRange(range, 'rfc3339')} is not bounded after the signing time ${goQuote(goTimeString(signingTime))}`,
  );
}

/**
 * The range as notation prints it: `[lower, upper]` in UTC, with Go's
 * `time.ANSIC` (inspect tree), `time.RFC3339` or `time.RFC3339Nano`
 * (inspect JSON) layout.
 */
export function formatTimestampRange(range: TimestampRange, layout: 'ansic' | 'rfc3339' | 'rfc3339nano'): string {
  const format = (date: Date, nanos: bigint): string => {
    if (layout === 'ansic') return formatAnsic(date);
    if (layout === 'rfc3339') return formatRfc3339(date);
    return formatRfc3339(date).replace(/Z$/, `${nanoFraction(nanos)}Z`);
  };
  return `[${format(range.lower, range.lowerNanos)}, ${format(range.upper, range.upperNanos)}]`;
}

/** Go's `.999999999` fraction of an epoch-nanosecond instant: trailing zeros trimmed, empty when zero. */
function nanoFraction(epochNanos: bigint): string {
  const nanos = ((epochNanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  if (nanos === 0n) return '';
  return `.${nanos.toString().padStart(9, '0').replace(/0+$/, '')}`;
}

/**
 * Go `time.Time.String()` of a signing time as notation parsed it: JWS
 * times keep their written offset (a non-zero one prints as `+0800 +0800`,
 * Go's fabricated zone having no name); UTC and COSE epoch times (read on a
 * UTC host, as the vectors were) print `+0000 UTC`.
 */
function goTimeString(time: SignedTime): string {
  const offset = time.text === undefined ? 0 : (rfc3339OffsetMinutes(time.text) ?? 0);
  return formatGoTimeString(time.date, offset);
}
