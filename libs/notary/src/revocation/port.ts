/**
 * What the online revocation checker needs from the outside world: two HTTP
 * verbs. The notary library does no network I/O itself (DESIGN.md: domain
 * libraries are I/O-free); a host injects an implementation.
 */
export interface RevocationHttp {
  /**
   * GET `url` (an OCSP request in the URL, or a CRL); rejects on a network
   * error, a timeout, a non-200 status or a body too large for `kind`.
   */
  get(url: string, timeoutMs: number, kind: 'ocsp' | 'crl'): Promise<Buffer>;
  /** POST an OCSP request `body` with `contentType` to `url`; same failures as `get`. */
  post(url: string, body: Buffer, contentType: string, timeoutMs: number): Promise<Buffer>;
}

/** One server's answer about one certificate (notation-core-go `result.ServerResult`). */
export interface ServerOutcome {
  status: 'ok' | 'revoked' | 'unknown';
  /** Why the status is unknown, or which server said revoked. */
  error?: string;
}
