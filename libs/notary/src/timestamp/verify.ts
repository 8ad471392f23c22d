/**
 * RFC 3161 timestamp countersignature verification under `notary.x509`
 * (reference §9): `verifyTimestamp` is tspclient-go's part (token → trusted
 * TSA chain and timestamp range); `verifyAuthenticTimestamp` is notation-go's
 * whole `verifyTimestamp` step, in notation's order, with its error wording.
 */
import { isNotaryError } from '../errors';
import { offlineRevocationChecker, RevocationChecker, summarizeRevocation } from '../revocation';
import type { SignedTime } from '../types';
import type { Certificate } from '../x509/certificate';
import { goQuote } from '../x509/go-quote';
import { goView } from '../x509/go-view';
import { validateTimestampingCertChain } from '../x509/timestamp-chain';
import { verifySigner } from './cms-verify';
import { messageOf, TimestampError } from './errors';
import { checkChainValidityAgainstTimestamp, checkTimestampAfterSigningTime } from './range';
import { findSigningCertificate } from './signing-certificate';
import { parseSignedToken, readTstInfo, SignedToken, TimestampToken } from './token';
import { TimestampRange, TstInfoError, validateTstInfo } from './tst-info';

const EXTENDED_KEY_USAGE_OID = '2.5.29.37';

export interface VerifiedTimestamp {
  /** [genTime − accuracy, genTime + accuracy]. */
  timestamp: TimestampRange;
  /** The TSA chain that verified: signer first, TSA root last. */
  chain: Certificate[];
  token: TimestampToken;
}

/** Trusted TSA roots, or a loader (run only once the token itself has been checked, as notation orders it). */
export type TsaRootsSource = readonly Certificate[] | (() => readonly Certificate[] | Promise<readonly Certificate[]>);

export interface VerifyTimestampOptions {
  /** The timestamp token (DER/BER TimeStampToken). */
  token: Uint8Array;
  /** The primitive signature bytes the token must countersign. */
  signature: Uint8Array;
  /** The `tsa` trust store's certificates. */
  tsaRoots: readonly Certificate[];
}

/**
 * Parse the token, check its TSTInfo against `signature`, verify its CMS
 * signature and TSA chain (to `tsaRoots`, at genTime) and the chain's
 * timestamping rules. Returns the timestamp range and the TSA chain.
 * Throws TimestampError (steps parse, tstInfo, validate, noTrustedTsa, verify, chain).
 */
export function verifyTimestamp(options: VerifyTimestampOptions): VerifiedTimestamp {
  const { token, timestamp } = readTimestamp(options.token, options.signature);
  return { timestamp, chain: verifyTokenChain(token, timestamp, options.tsaRoots), token };
}

export interface AuthenticTimestampOptions {
  /** `io.cncf.notary.timestampSignature`; undefined or empty when the envelope carries none. */
  token: Uint8Array | undefined;
  /** The envelope's primitive signature bytes. */
  signature: Uint8Array;
  /** The envelope's certificate chain (x5c / x5chain), leaf first. */
  signingChain: readonly Certificate[];
  /** The envelope's `io.cncf.notary.signingTime`; when given, the timestamp must not start before it. */
  signingTime?: SignedTime;
  tsaRoots: TsaRootsSource;
  /** TSA chain revocation; default: the offline checker (revocable certificates are `unknown`). */
  revocation?: RevocationChecker;
  /** Verification clock, passed to the revocation checker. */
  now?: Date;
}

/**
 * notation-go `verifyTimestamp` once timestamp verification applies (a `tsa`
 * store is configured and `verifyTimestamp` is `always`, or `afterCertExpiry`
 * with an expired chain): token present → parsed → TSTInfo → stamps the
 * signature → TSA roots loaded → CMS + chain verified at genTime → (signing
 * time bound) → timestamping chain rules → signing chain covers the range →
 * TSA chain revocation. Resolves with the verified timestamp; rejects with a
 * TimestampError whose message is notation's for the failing step.
 */
export async function verifyAuthenticTimestamp(options: AuthenticTimestampOptions): Promise<VerifiedTimestamp> {
  if (!options.token || options.token.length === 0) {
    throw new TimestampError('missing', 'no timestamp countersignature was found in the signature envelope');
  }
  const { token, timestamp } = readTimestamp(options.token, options.signature);
  const roots = await loadRoots(options.tsaRoots);
  const chain = verifyTokenSignature(token, timestamp, roots);
  if (options.signingTime) checkTimestampAfterSigningTime(timestamp, options.signingTime);
  validateChainRules(chain);
  checkChainValidityAgainstTimestamp(options.signingChain, timestamp);
  await checkTimestampingRevocation(chain, options.revocation ?? offlineRevocationChecker, options.now);
  return { timestamp, chain, token };
}

/**
 * notation-go step 5: the TSA chain's revocation status. Throws TimestampError
 * (`timestamping certificate with subject "…" is revoked` → ERR_REVOKED,
 * `… revocation status is unknown` → ERR_REVOCATION_UNKNOWN, or step
 * `revocationCheck` when the checker itself fails → ERR_INCONCLUSIVE).
 */
export async function checkTimestampingRevocation(chain: readonly Certificate[], checker: RevocationChecker, now?: Date): Promise<void> {
  let summary;
  try {
    const results = await checker.check(chain, now ? { purpose: 'timestamping', now } : { purpose: 'timestamping' });
    summary = summarizeRevocation(results, chain);
  } catch (error) {
    throw new TimestampError('revocationCheck', messageOf(error), { code: 'ERR_INCONCLUSIVE', cause: error });
  }
  if (summary.status === 'revoked') {
    throw new TimestampError('revocation', `timestamping certificate with subject ${goQuote(summary.subject ?? '')} is revoked`, { code: 'ERR_REVOKED' });
  }
  if (summary.status === 'unknown') {
    throw new TimestampError('revocation', `timestamping certificate with subject ${goQuote(summary.subject ?? '')} revocation status is unknown`, {
      code: 'ERR_REVOCATION_UNKNOWN',
    });
  }
}

/** Parse, decode and validate the TSTInfo against the signature (notation steps 2, as far as `info.Validate`). */
function readTimestamp(bytes: Uint8Array, signature: Uint8Array): { token: TimestampToken; timestamp: TimestampRange } {
  const signed = parseSignedToken(bytes);
  const tstInfo = readTstInfo(signed);
  let timestamp: TimestampRange;
  try {
    timestamp = validateTstInfo(tstInfo, Buffer.from(signature));
  } catch (error) {
    if (!(error instanceof TstInfoError)) throw error;
    throw new TimestampError('validate', error.message, { cause: error });
  }
  return { token: { ...signed, tstInfo }, timestamp };
}

function verifyTokenChain(token: SignedToken, timestamp: TimestampRange, roots: readonly Certificate[]): Certificate[] {
  const chain = verifyTokenSignature(token, timestamp, roots);
  validateChainRules(chain);
  return chain;
}

async function loadRoots(source: TsaRootsSource): Promise<readonly Certificate[]> {
  if (typeof source !== 'function') return source;
  try {
    return await source();
  } catch (error) {
    throw new TimestampError('trustStore', messageOf(error), { code: isNotaryError(error) ? error.code : 'ERR_TRUST_STORE', cause: error });
  }
}

/**
 * tspclient-go `SignedToken.Verify`: for each SignerInfo, identify the signer
 * by signingCertificateV2, verify it (chain at genTime, signature, signed
 * attributes) and require its EKU to be exactly timeStamping and critical
 * (RFC 3161 §2.3). The first signer that passes wins; otherwise the last error.
 */
function verifyTokenSignature(token: SignedToken, timestamp: TimestampRange, roots: readonly Certificate[]): Certificate[] {
  if (roots.length === 0) throw new TimestampError('noTrustedTsa', 'no trusted TSA certificate found in trust store', { code: 'ERR_TRUST_STORE' });
  const failure = (reason: string, cause?: unknown): TimestampError =>
    new TimestampError('verify', `failed to verify signed token: ${reason}`, { code: reason.includes('unknown authority') ? 'ERR_UNTRUSTED' : 'ERR_TIMESTAMP', cause });

  if (token.signerInfos.length === 0) throw failure('signerInfo not found');
  let lastError: TimestampError | undefined;
  for (const signerInfo of token.signerInfos) {
    let chain: Certificate[];
    let signingCertificate: Certificate;
    try {
      signingCertificate = findSigningCertificate(token, signerInfo);
      chain = verifySigner(token, signerInfo, signingCertificate, { roots, currentTime: timestamp.genTime });
    } catch (error) {
      lastError = failure(messageOf(error), error);
      continue;
    }
    const view = goView(signingCertificate);
    if (view.extKeyUsage.length === 1 && view.extKeyUsage[0] === 'Timestamping' && view.unknownExtKeyUsage.length === 0) {
      if (view.extensions.find((extension) => extension.id === EXTENDED_KEY_USAGE_OID)?.critical) return chain;
      lastError = failure('signing certificate extended key usage extension must be set as critical');
    } else {
      lastError = failure('signing certificate must have and only have ExtKeyUsageTimeStamping as extended key usage');
    }
  }
  throw lastError!;
}

/** notation-core-go `ValidateTimestampingCertChain` on the chain Go built. */
function validateChainRules(chain: readonly Certificate[]): void {
  try {
    validateTimestampingCertChain(chain);
  } catch (error) {
    throw new TimestampError('chain', messageOf(error), { code: isNotaryError(error) ? error.code : 'ERR_CERT_CHAIN_INVALID', cause: error });
  }
}
