/**
 * One wording for every failure of a Kubernetes API call, whatever shape the
 * client gives it: a list's HttpError (status + Status body), a watch's
 * response error (status + statusMessage), a Status object streamed as a
 * watch ERROR event, or a transport error (ECONNREFUSED, TLS, timeout).
 * E.g. `list namespaces: 403 Forbidden: namespaces is forbidden: User …`.
 */
import { STATUS_CODES } from 'node:http';

/** A Kubernetes API call failed (any status other than the one expected, or no answer). */
export class KubernetesApiError extends Error {
  override readonly name = 'KubernetesApiError';
  constructor(
    /** HTTP status, when the API server answered. */
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

interface StatusLike {
  kind?: unknown;
  code?: unknown;
  reason?: unknown;
  message?: unknown;
}

/** The HTTP status of a client error, if the API server answered. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { statusCode?: unknown; code?: unknown; kind?: unknown };
  if (typeof candidate.statusCode === 'number') return candidate.statusCode;
  // A Status object streamed as a watch ERROR event carries `code`.
  if (candidate.kind === 'Status' && typeof candidate.code === 'number') return candidate.code;
  return undefined;
}

/** `<operation>: <status> <reason>[: <Status message>]`, or `<operation>: <transport error>`. */
export function apiError(operation: string, error: unknown): KubernetesApiError {
  const status = statusOf(error);
  if (status === undefined) {
    // Duck-typed: transport errors may come from another realm (node core under a vm context), where `instanceof Error` fails.
    const own = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
    const message = typeof own === 'string' ? own : typeof error === 'object' && error !== null ? JSON.stringify(error).slice(0, 300) : String(error);
    return new KubernetesApiError(undefined, `${operation}: ${message || 'no answer'}`);
  }
  // A list's HttpError has the Status in `body`; a streamed ERROR event is the Status itself; a watch's response error has neither.
  const body = ((error as { body?: unknown }).body ?? ((error as StatusLike).kind === 'Status' ? error : undefined)) as StatusLike | string | undefined;
  const detail = typeof body === 'object' && body !== null && typeof body.message === 'string' ? body.message : typeof body === 'string' ? body.slice(0, 300) : '';
  return new KubernetesApiError(status, `${operation}: ${status} ${STATUS_CODES[status] ?? 'Error'}${detail ? `: ${detail}` : ''}`);
}
