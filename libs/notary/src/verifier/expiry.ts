/**
 * Signature expiry (reference §8 step 4; notation-go `verifyExpiry`): expired
 * once `now` reaches `io.cncf.notary.expiry`. The time is printed RFC1123Z in
 * the offset it was signed with (a JWS `+08:00` expiry prints `+0800`).
 */
import { NotaryError } from '../errors';
import type { SignedAttributes, SignedTime } from '../types';
import { goQuote } from '../x509/go-quote';
import { formatRfc1123Z, rfc3339OffsetMinutes } from '../x509/time-format';

export function expiryError(attributes: SignedAttributes, now: Date): NotaryError | null {
  const { expiry } = attributes;
  if (!expiry || now.getTime() < expiry.date.getTime()) return null;
  return new NotaryError('ERR_SIGNATURE_EXPIRED', `digital signature has expired on ${goQuote(formatSignedTime(expiry))}`);
}

/** A signed time in Go's RFC1123Z, keeping the offset written in a JWS header (COSE epoch times print in UTC). */
export function formatSignedTime(time: SignedTime): string {
  const offset = time.text === undefined ? 0 : (rfc3339OffsetMinutes(time.text) ?? 0);
  return formatRfc1123Z(time.date, offset);
}
