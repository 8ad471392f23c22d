/**
 * Typed errors of the OCI client (STYLE.md §4): one class, stable codes that
 * are the API. Messages name the registry, the reference and what went wrong,
 * and never carry credentials or tokens.
 */
export type OciErrorCode =
  | 'ERR_INVALID_REFERENCE' // not a valid image / layout reference (distribution grammar)
  | 'ERR_INVALID_DIGEST' // a digest string that is malformed or of an unsupported algorithm
  | 'ERR_NOT_FOUND' // manifest, blob, tag or repository does not exist (404)
  | 'ERR_UNAUTHORIZED' // 401 after the auth flow: missing or rejected credentials
  | 'ERR_DENIED' // 403: authenticated but not allowed
  | 'ERR_DIGEST_MISMATCH' // received bytes do not hash to the digest asked for
  | 'ERR_SIZE_MISMATCH' // received bytes / Content-Length differ from the descriptor size
  | 'ERR_TOO_LARGE' // content over the configured cap
  | 'ERR_TOO_MANY_REFERRERS' // more referrers than maxReferrers: refuse rather than truncate
  | 'ERR_SUBJECT_MISMATCH' // a listed referrer whose manifest has another subject (dropped, reported as skipped)
  | 'ERR_BAD_RESPONSE' // malformed JSON, wrong media type, missing header, unexpected status
  | 'ERR_INSECURE_REFUSED' // plain HTTP to a registry not listed as insecure
  | 'ERR_CONFIG_INVALID' // unreadable docker config.json
  | 'ERR_LAYOUT_INVALID' // OCI image-layout directory is malformed
  // inconclusive: the answer is unknown, not negative
  | 'ERR_UNREACHABLE' // network error (DNS, connection refused/reset, TLS)
  | 'ERR_TIMEOUT'
  | 'ERR_RATE_LIMITED' // 429 after the retries
  | 'ERR_SERVER_ERROR'; // 5xx after the retries

/** Codes that say "we could not find out" (STYLE.md §5): never a failed verdict, never cached. */
const INCONCLUSIVE_CODES: ReadonlySet<OciErrorCode> = new Set<OciErrorCode>([
  'ERR_UNREACHABLE',
  'ERR_TIMEOUT',
  'ERR_RATE_LIMITED',
  'ERR_SERVER_ERROR',
]);

export interface OciErrorDetails {
  /** Registry host (`docker.io`, `localhost:5000`) or layout directory. */
  registry?: string;
  /** The reference or digest concerned, e.g. `localhost:5000/app@sha256:…`. */
  reference?: string;
  /** HTTP status when the error comes from a response. */
  status?: number;
  cause?: unknown;
}

export class OciError extends Error {
  override readonly name: string = 'OciError';
  readonly code: OciErrorCode;
  readonly registry: string | undefined;
  readonly reference: string | undefined;
  readonly status: number | undefined;

  constructor(code: OciErrorCode, message: string, details: OciErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.registry = details.registry;
    this.reference = details.reference;
    this.status = details.status;
  }

  /** True for network failures, timeouts, rate limits and 5xx: the content's state is unknown. */
  get inconclusive(): boolean {
    return INCONCLUSIVE_CODES.has(this.code);
  }
}

/** True when `error` is an OciError, optionally with the given code. */
export function isOciError(error: unknown, code?: OciErrorCode): error is OciError {
  return error instanceof OciError && (code === undefined || error.code === code);
}

/** Whether an OciError code is inconclusive (network, timeouts, 429, 5xx). */
export function isInconclusiveCode(code: OciErrorCode): boolean {
  return INCONCLUSIVE_CODES.has(code);
}
