/**
 * The authentic-timestamp step (reference §8 step 5, §9; notation-go
 * `verifyAuthenticTimestamp`):
 *
 * - `notary.x509.signingAuthority`: the authentic signing time must lie in
 *   every chain certificate's validity;
 * - `notary.x509`: the RFC 3161 countersignature is verified when the
 *   statement has a `tsa` store and `verifyTimestamp` is `always` (or
 *   `afterCertExpiry` with an expired chain certificate); otherwise every
 *   chain certificate must be valid now.
 */
import { NotaryError } from '../errors';
import type { RevocationChecker } from '../revocation';
import { verifyAuthenticTimestamp } from '../timestamp/verify';
import type { VerifyTimestampOption } from '../trustpolicy/levels';
import type { TrustStore } from '../truststore/types';
import type { EnvelopeContent } from '../types';
import type { Certificate } from '../x509/certificate';
import { goQuote } from '../x509/go-quote';
import { formatRfc1123Z } from '../x509/time-format';
import { formatSignedTime } from './expiry';
import { asNotaryError } from './as-notary-error';
import { loadTsaTrustAnchors } from './trust-anchors';

export interface AuthenticTimestampContext {
  policyName: string;
  trustStores: readonly string[];
  verifyTimestamp: VerifyTimestampOption;
  trustStore: TrustStore;
  now: Date;
  revocation?: RevocationChecker | undefined;
}

export async function authenticTimestampError(envelope: EnvelopeContent, context: AuthenticTimestampContext): Promise<NotaryError | null> {
  const { signerInfo } = envelope;
  const chain = signerInfo.certificateChain;
  const { signingScheme, signingTime } = signerInfo.signedAttributes;

  if (signingScheme === 'notary.x509.signingAuthority') {
    const at = signingTime.date.getTime();
    const invalid = chain.find((certificate) => at < certificate.notBefore.getTime() || at > certificate.notAfter.getTime());
    if (!invalid) return null;
    return new NotaryError(
      'ERR_CERT_EXPIRED',
      `certificate ${goQuote(invalid.subject)} was not valid when the digital signature was produced at ${goQuote(formatSignedTime(signingTime))}`,
    );
  }

  let tsaConfigured: boolean;
  try {
    tsaConfigured = hasTsaStore(context.policyName, context.trustStores);
  } catch (error) {
    return new NotaryError('ERR_TRUST_POLICY', `failed to check tsa trust store configuration in turst policy with error: ${(error as Error).message}`);
  }
  const now = context.now.getTime();
  const timestampApplies =
    tsaConfigured && (context.verifyTimestamp === 'always' || chain.some((certificate) => now > certificate.notAfter.getTime()));
  if (!timestampApplies) return validityNowError(chain, context.now);

  try {
    await verifyAuthenticTimestamp({
      token: signerInfo.unsignedAttributes.timestampSignature,
      signature: signerInfo.signature,
      signingChain: chain,
      signingTime,
      tsaRoots: () => loadTsaTrustAnchors(signingScheme, context.policyName, context.trustStores, context.trustStore),
      now: context.now,
      ...(context.revocation ? { revocation: context.revocation } : {}),
    });
    return null;
  } catch (error) {
    return asNotaryError(error, 'ERR_TIMESTAMP');
  }
}

/** notation's `isTSATrustStoreInPolicy`; throws on a value without `:`. */
function hasTsaStore(policyName: string, trustStores: readonly string[]): boolean {
  for (const value of trustStores) {
    const separator = value.indexOf(':');
    if (separator < 0) {
      throw new Error(
        `invalid trust policy statement: ${goQuote(policyName)} is missing separator in trust store value ${goQuote(value)}. The required format is <TrustStoreType>:<TrustStoreName>`,
      );
    }
    if (value.slice(0, separator) === 'tsa') return true;
  }
  return false;
}

/** Without a verified timestamp, trust in time comes from now: every chain certificate must be valid now. */
function validityNowError(chain: readonly Certificate[], now: Date): NotaryError | null {
  const at = now.getTime();
  for (const certificate of chain) {
    if (at < certificate.notBefore.getTime()) {
      return new NotaryError(
        'ERR_CERT_EXPIRED',
        `verification time is before certificate ${goQuote(certificate.subject)} validity period, it will be valid from ${goQuote(formatRfc1123Z(certificate.notBefore))}`,
      );
    }
    if (at > certificate.notAfter.getTime()) {
      return new NotaryError(
        'ERR_CERT_EXPIRED',
        `verification time is after certificate ${goQuote(certificate.subject)} validity period, it was expired at ${goQuote(formatRfc1123Z(certificate.notAfter))}`,
      );
    }
  }
  return null;
}
