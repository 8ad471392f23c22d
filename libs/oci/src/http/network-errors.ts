/**
 * Turns transport failures (undici / Node socket errors) into OciErrors:
 * timeouts and network errors are inconclusive; a TLS handshake answered in
 * plain HTTP means the registry needs `insecureRegistries`, which we refuse
 * to assume.
 */
import { OciError } from '../errors';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** Where the failure happened, for the message. */
export interface FailureContext {
  /** e.g. `fetch manifest localhost:5000/app:v1` */
  action: string;
  registry: string;
  reference?: string;
  /** The host:port contacted. */
  host: string;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : codeOf(cause);
}

/** True for failures of the network or the peer (as opposed to bugs in our code). */
export function isNetworkFailure(error: unknown): boolean {
  if (error instanceof OciError) return false;
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  if (name === 'AbortError' || name === 'TimeoutError') return true;
  const code = codeOf(error);
  return code !== undefined && (/^(UND_ERR_|E[A-Z]+$|ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code));
}

/** The OciError for a network failure (caller has checked `isNetworkFailure`). */
export function networkError(error: unknown, context: FailureContext): OciError {
  const code = codeOf(error) ?? String((error as { name?: unknown }).name ?? 'error');
  const details = { registry: context.registry, cause: error, ...(context.reference === undefined ? {} : { reference: context.reference }) };
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return new OciError(
      'ERR_INSECURE_REFUSED',
      `${context.action}: registry ${context.host} answered HTTPS with plain HTTP; plain HTTP is refused unless the registry is listed in insecureRegistries`,
      details,
    );
  }
  if (/^(ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code)) {
    // A certificate problem is a configuration fact, not a passing outage.
    return new OciError('ERR_UNREACHABLE', `${context.action}: TLS connection to ${context.host} failed (${code})`, details);
  }
  const name = (error as { name?: unknown }).name;
  if (TIMEOUT_CODES.has(code) || name === 'TimeoutError' || name === 'AbortError') {
    return new OciError('ERR_TIMEOUT', `${context.action}: request to ${context.host} timed out (${code})`, details);
  }
  return new OciError('ERR_UNREACHABLE', `${context.action}: cannot reach ${context.host} (${code})`, details);
}
