/**
 * The network revocation checker (notation-core-go `revocation.ValidateContext`,
 * reference §8 step 6 and §9 step 10): every certificate but the root is
 * checked — by OCSP when it names a responder, falling back to its CRL
 * distribution points when OCSP gives no answer, by CRL alone when it names
 * no responder — and a certificate naming neither is non-revokable. A server
 * that cannot be reached, times out (2 s by default, as Kyverno's
 * `ocsp.CheckStatus` client) or answers something unusable leaves the status
 * `unknown`, never `ok`. HTTP goes through the injected `RevocationHttp`.
 */
import { revocationEndpoints, type CertRevocationResult, type RevocationChecker, type RevocationCheckOptions } from '../revocation';
import type { Certificate } from '../x509/certificate';
import { checkCrlServer, memoryCrlCache, type CrlCache } from './crl';
import { checkOcspServer } from './ocsp';
import type { RevocationHttp, ServerOutcome } from './port';

export interface OnlineRevocationOptions {
  http: RevocationHttp;
  /** Per request (default 2000 ms, Kyverno's OCSP timeout). */
  timeoutMs?: number;
  /** The clock when a check passes no `now` (default: the system clock). */
  now?: () => Date;
  /** Validated CRLs reused until their nextUpdate (default: 64 in memory; `null` disables). */
  cache?: CrlCache | null;
}

export const DEFAULT_REVOCATION_TIMEOUT_MS = 2000;

export function createOnlineRevocationChecker(options: OnlineRevocationOptions): RevocationChecker {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REVOCATION_TIMEOUT_MS;
  const clock = options.now ?? (() => new Date());
  const cache = options.cache === null ? undefined : (options.cache ?? memoryCrlCache());
  return {
    async check(chain: readonly Certificate[], checkOptions: RevocationCheckOptions): Promise<CertRevocationResult[]> {
      const now = checkOptions.now ?? clock();
      const context = { http: options.http, timeoutMs, now, signingTime: checkOptions.signingTime, cache };
      // The root is non-revokable; the others are checked concurrently, as notation-core-go does.
      return Promise.all(
        chain.map((certificate, index) =>
          index === chain.length - 1 ? { status: 'nonRevokable' as const } : checkCertificate(certificate, chain[index + 1]!, context),
        ),
      );
    },
  };
}

interface CheckContext {
  http: RevocationHttp;
  timeoutMs: number;
  now: Date;
  signingTime: Date | undefined;
  cache: CrlCache | undefined;
}

async function checkCertificate(certificate: Certificate, issuer: Certificate, context: CheckContext): Promise<CertRevocationResult> {
  const { ocsp, crl } = revocationEndpoints(certificate);
  const check = { ...context, certificate, issuer };
  if (ocsp.length > 0) {
    const viaOcsp = await firstAnswer(ocsp, (server) => checkOcspServer(server, check));
    if (viaOcsp.status !== 'unknown' || crl.length === 0) return { ...viaOcsp, method: 'ocsp' };
    const viaCrl = await firstAnswer(crl, (url) => checkCrlServer(url, check));
    return { status: viaCrl.status, method: 'ocspFallbackCrl', errors: [...(viaOcsp.errors ?? []), ...(viaCrl.errors ?? [])] };
  }
  if (crl.length > 0) return { ...(await firstAnswer(crl, (url) => checkCrlServer(url, check))), method: 'crl' };
  return { status: 'nonRevokable' };
}

/** Servers in the certificate's order until one gives a definite answer; unknown (with every reason) when none does. */
async function firstAnswer(servers: readonly string[], ask: (server: string) => Promise<ServerOutcome>): Promise<CertRevocationResult> {
  const errors: string[] = [];
  for (const server of servers) {
    const outcome = await ask(server);
    if (outcome.status === 'ok') return { status: 'ok' };
    if (outcome.status === 'revoked') return { status: 'revoked', errors: [`${server}: ${outcome.error ?? 'revoked'}`] };
    errors.push(outcome.error ?? `${server}: unknown`);
  }
  return { status: 'unknown', errors };
}
