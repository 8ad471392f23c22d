/**
 * Certificate revocation as a port (STYLE.md §1), shared by the code-signing
 * revocation step (reference §8 step 6) and the TSA chain check of the
 * authentic-timestamp step (§9 step 10).
 *
 * notation-core-go's `revocation` package checks each certificate but the
 * root by OCSP (preferred) or CRL; a certificate with neither an OCSP URL nor
 * a CRL distribution point is "non-revokable", which counts as OK, and the
 * root is always non-revokable. This library does no network I/O: the
 * default checker is the offline one, which reports every revocable
 * certificate as `unknown` — exactly what notation reports offline (the
 * vectors' GlobalSign TSA chain: `timestamping certificate with subject "…"
 * revocation status is unknown`). A deployment that can reach OCSP/CRL
 * servers injects a network checker implementing the same interface.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  CRLDistributionPoints,
  id_ad_ocsp,
  id_ce_cRLDistributionPoints,
  id_pe_authorityInfoAccess,
} from '@peculiar/asn1-x509';
import type { Certificate } from './x509/certificate';

/** notation-core-go `result.Result`. */
export type CertRevocationStatus = 'ok' | 'nonRevokable' | 'revoked' | 'unknown';

/** One certificate's outcome (notation-core-go `result.CertRevocationResult`). */
export interface CertRevocationResult {
  status: CertRevocationStatus;
  /** How the status was obtained, when a method applied. */
  method?: 'ocsp' | 'crl' | 'ocspFallbackCrl';
  /** Per-server failures, for logs (a failure is not a verdict by itself). */
  errors?: string[];
}

export type RevocationPurpose = 'codeSigning' | 'timestamping';

export interface RevocationCheckOptions {
  purpose: RevocationPurpose;
  /**
   * Under notary.x509.signingAuthority, the authentic signing time: a
   * revocation dated after it (by invalidity date) may be ignored.
   */
  signingTime?: Date;
  /** The verification clock (for CRL/OCSP freshness checks). */
  now?: Date;
}

/** The revocation port: one result per certificate, in chain order (leaf first, root last). */
export interface RevocationChecker {
  check(chain: readonly Certificate[], options: RevocationCheckOptions): Promise<CertRevocationResult[]>;
}

export interface RevocationEndpoints {
  /** OCSP responder URLs (authorityInfoAccess id-ad-ocsp URIs). */
  ocsp: string[];
  /** CRL distribution point URLs (fullName URIs). */
  crl: string[];
}

const endpointsMemo = new WeakMap<Certificate, RevocationEndpoints>();

/** Where a certificate's revocation status can be asked, as Go reads `OCSPServer` / `CRLDistributionPoints`. */
export function revocationEndpoints(certificate: Certificate): RevocationEndpoints {
  let endpoints = endpointsMemo.get(certificate);
  if (endpoints) return endpoints;
  endpoints = { ocsp: [], crl: [] };
  for (const extension of certificate.parsed.extensions) {
    try {
      if (extension.type === id_pe_authorityInfoAccess) {
        for (const access of AsnConvert.parse(extension.value, AuthorityInfoAccessSyntax)) {
          const uri = access.accessLocation.uniformResourceIdentifier;
          if (access.accessMethod === id_ad_ocsp && uri) endpoints.ocsp.push(uri);
        }
      } else if (extension.type === id_ce_cRLDistributionPoints) {
        for (const point of AsnConvert.parse(extension.value, CRLDistributionPoints)) {
          for (const name of point.distributionPoint?.fullName ?? []) {
            if (name.uniformResourceIdentifier) endpoints.crl.push(name.uniformResourceIdentifier);
          }
        }
      }
    } catch {
      // A malformed extension names no endpoint; Go would have refused the certificate earlier.
    }
  }
  endpointsMemo.set(certificate, endpoints);
  return endpoints;
}

/** True when the certificate names an OCSP responder or a CRL distribution point. */
export function isRevocable(certificate: Certificate): boolean {
  const { ocsp, crl } = revocationEndpoints(certificate);
  return ocsp.length > 0 || crl.length > 0;
}

/**
 * The checker used when no network checker is configured: the root and every
 * certificate without endpoints are non-revokable (OK); every other one is
 * `unknown`, because its status cannot be learned offline.
 */
export class OfflineRevocationChecker implements RevocationChecker {
  async check(chain: readonly Certificate[]): Promise<CertRevocationResult[]> {
    return chain.map((certificate, index) => {
      if (index === chain.length - 1 || !isRevocable(certificate)) return { status: 'nonRevokable' };
      return { status: 'unknown', errors: ['revocation status cannot be checked offline'] };
    });
  }
}

/** Reports every certificate as not revoked (what the vectors' `tsaRevocation: "stub-ok"` cases were run with). */
export class NotRevokedChecker implements RevocationChecker {
  async check(chain: readonly Certificate[]): Promise<CertRevocationResult[]> {
    return chain.map(() => ({ status: 'ok' }));
  }
}

export const offlineRevocationChecker: RevocationChecker = new OfflineRevocationChecker();
export const notRevokedChecker: RevocationChecker = new NotRevokedChecker();

export interface RevocationSummary {
  status: 'ok' | 'revoked' | 'unknown';
  /** Go `pkix.Name.String()` of the certificate the status is about, when not ok. */
  subject?: string;
}

/**
 * notation-go `revocationFinalResult`: OK when every certificate is ok or
 * non-revokable; otherwise revoked if any is revoked (the one nearest the
 * leaf), else unknown naming the non-OK certificate nearest the leaf.
 */
export function summarizeRevocation(results: readonly CertRevocationResult[], chain: readonly Certificate[]): RevocationSummary {
  if (results.length !== chain.length) throw new TypeError(`expected ${chain.length} revocation results, got ${results.length}`);
  let summary: RevocationSummary = { status: 'ok' };
  let revokedSubject: string | undefined;
  for (let i = results.length - 1; i >= 0; i--) {
    const { status } = results[i]!;
    if (status === 'ok' || status === 'nonRevokable') continue;
    const subject = chain[i]!.subject;
    summary = { status, subject };
    if (status === 'revoked') revokedSubject = subject;
  }
  if (revokedSubject !== undefined) return { status: 'revoked', subject: revokedSubject };
  return summary;
}
