/**
 * The `timestamp signature` part of `notation inspect` (notation
 * `display/metadata/tree/inspect_helper.go` `addTimestamp`): parse the RFC
 * 3161 token (`tspclient.ParseSignedToken`), read its TSTInfo (`Info`),
 * check it stamps the envelope's signature bytes (`Validate`) and show
 * `[genTime − accuracy, genTime + accuracy]` with the token's certificates.
 * A failure is shown, not thrown, as
 * `failed to parse timestamp countersignature: <tspclient's error>`. Nothing
 * is verified (no CMS signature or chain check), as in notation.
 */
import { TimestampError } from '../timestamp/errors';
import { parseTimestampToken } from '../timestamp/token';
import { validateTstInfo } from '../timestamp/tst-info';
import { describeCertificate } from './certificate-view';
import type { InspectedTimestamp } from './model';

export function inspectTimestampToken(token: Buffer, signature: Buffer): InspectedTimestamp {
  try {
    const parsed = parseTimestampToken(token);
    const range = validateTstInfo(parsed.tstInfo, signature);
    return {
      lower: range.lower,
      upper: range.upper,
      lowerNanos: range.lowerNanos,
      upperNanos: range.upperNanos,
      certificates: parsed.certificates.map(describeCertificate),
      token,
    };
  } catch (error) {
    // TimestampError wraps tspclient's text for the verifier; inspect prints the bare text under its own prefix.
    const cause = error instanceof TimestampError ? error.reason : error instanceof Error ? error.message : String(error);
    return { error: `failed to parse timestamp countersignature: ${cause}`, token };
  }
}
