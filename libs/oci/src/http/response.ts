/**
 * One HTTP exchange with a registry, as undici gives it, plus the helpers to
 * read headers and to turn an unexpected status into an OciError.
 */
import type { Dispatcher } from 'undici';
import { OciError, type OciErrorCode } from '../errors';
import { readCapped, type ReadableBody } from './body';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers?: Record<string, string>;
  /** A buffer, or chunks produced afresh each time the request is sent (re-iterable, for retries); give content-length with chunks. */
  body?: Buffer | AsyncIterable<Buffer>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** The URL finally answered (after redirects). */
  url: URL;
}

/** First value of a response header (names are lowercase in undici). */
export function headerValue(response: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The media type of `Content-Type`, without parameters, lowercased. */
export function contentType(response: Pick<HttpResponse, 'headers'>): string | undefined {
  const value = headerValue(response, 'content-type');
  return value === undefined ? undefined : value.split(';')[0]!.trim().toLowerCase();
}

/** `Content-Length` as a number, or undefined when absent or not a plain integer. */
export function contentLength(response: Pick<HttpResponse, 'headers'>): number | undefined {
  const value = headerValue(response, 'content-length');
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/** What a failed request was doing, for messages: `fetch manifest localhost:5000/app:v1`. */
export interface ErrorContext {
  action: string;
  registry: string;
  reference?: string;
}

const MAX_ERROR_BODY = 16 * 1024;

/**
 * Reads the distribution error body (`{"errors":[{"code","message"}]}`,
 * distribution spec §Error Codes) for the message; bounded, never throws.
 */
export async function readErrorSummary(body: ReadableBody): Promise<{ codes: string[]; summary: string }> {
  let text = '';
  try {
    text = (await readCapped(body, MAX_ERROR_BODY, () => new OciError('ERR_TOO_LARGE', 'error body too large'))).toString('utf8');
  } catch {
    return { codes: [], summary: '' };
  }
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    if (Array.isArray(parsed.errors)) {
      const entries = parsed.errors.filter((e) => typeof e === 'object' && e !== null);
      const codes = entries.map((e) => (typeof e.code === 'string' ? e.code : '')).filter((c) => c !== '');
      const summary = entries
        .map((e) => [typeof e.code === 'string' ? e.code : '', typeof e.message === 'string' ? e.message : ''].filter((s) => s !== '').join(': '))
        .join('; ');
      return { codes, summary: summary.slice(0, 300) };
    }
  } catch {
    // not JSON: fall through to the text
  }
  return { codes: [], summary: text.trim().replace(/\s+/g, ' ').slice(0, 200) };
}

/** The stable code for an HTTP status we did not expect. */
export function codeForStatus(status: number): OciErrorCode {
  if (status === 404) return 'ERR_NOT_FOUND';
  if (status === 401) return 'ERR_UNAUTHORIZED';
  if (status === 403) return 'ERR_DENIED';
  if (status === 429) return 'ERR_RATE_LIMITED';
  if (status >= 500) return 'ERR_SERVER_ERROR';
  return 'ERR_BAD_RESPONSE';
}

/** Consumes the body of an unexpected response and returns the OciError describing it. */
export async function unexpectedStatus(response: HttpResponse, context: ErrorContext): Promise<OciError> {
  const { summary } = await readErrorSummary(response.body);
  const code = codeForStatus(response.status);
  const meaning =
    code === 'ERR_NOT_FOUND'
      ? 'not found'
      : code === 'ERR_UNAUTHORIZED'
        ? 'authentication required or credentials rejected'
        : code === 'ERR_DENIED'
          ? 'access denied'
          : code === 'ERR_RATE_LIMITED'
            ? 'rate limited by the registry'
            : code === 'ERR_SERVER_ERROR'
              ? 'registry error'
              : 'unexpected response';
  return new OciError(
    code,
    `${context.action}: ${meaning} (HTTP ${response.status}${summary === '' ? '' : `: ${summary}`})`,
    { registry: context.registry, status: response.status, ...(context.reference === undefined ? {} : { reference: context.reference }) },
  );
}
