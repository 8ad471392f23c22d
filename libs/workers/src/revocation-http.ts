/**
 * The `RevocationHttp` port of libs/notary over undici: plain http/https GET
 * and POST to OCSP responders and CRL distribution points, with a deadline per
 * request, a size cap (1 MiB for OCSP responses, 10 MiB for CRLs), and at
 * most a few redirects, never to another scheme than http/https.
 */
import type { RevocationHttp } from '@notary-gate/notary';
import { Agent, type Dispatcher } from 'undici';

export const MAX_OCSP_RESPONSE_BYTES = 1024 * 1024;
export const MAX_CRL_BYTES = 10 * 1024 * 1024;
const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface UndiciRevocationHttp extends RevocationHttp {
  close(): Promise<void>;
}

export function createRevocationHttp(options: { dispatcher?: Dispatcher } = {}): UndiciRevocationHttp {
  const owned = options.dispatcher ? undefined : new Agent({ connections: 16 });
  const dispatcher = options.dispatcher ?? owned!;
  return {
    get: (url, timeoutMs, kind) => fetchBytes(dispatcher, url, { method: 'GET' }, timeoutMs, kind === 'crl' ? MAX_CRL_BYTES : MAX_OCSP_RESPONSE_BYTES),
    post: (url, body, contentType, timeoutMs) =>
      fetchBytes(dispatcher, url, { method: 'POST', body, headers: { 'content-type': contentType } }, timeoutMs, MAX_OCSP_RESPONSE_BYTES),
    close: async () => owned?.close(),
  };
}

interface Outgoing {
  method: 'GET' | 'POST';
  body?: Buffer;
  headers?: Record<string, string>;
}

async function fetchBytes(dispatcher: Dispatcher, url: string, outgoing: Outgoing, timeoutMs: number, maxBytes: number): Promise<Buffer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let target = httpUrl(url);
  for (let hop = 0; ; hop++) {
    const response = await dispatcher.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: outgoing.method,
      ...(outgoing.body ? { body: outgoing.body } : {}),
      ...(outgoing.headers ? { headers: outgoing.headers } : {}),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const location = response.headers.location;
    if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
      await response.body.dump();
      // A POST is only replayed on 307/308 (RFC 9110 §15.4); the others would turn it into a GET the responder does not expect.
      if (hop >= MAX_REDIRECTS || (outgoing.method === 'POST' && response.statusCode < 307)) throw new Error(`too many or unsupported redirects from ${url}`);
      target = httpUrl(new URL(location, target).toString());
      continue;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`${target.origin}${target.pathname} answered HTTP ${response.statusCode}`);
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.body.destroy();
      throw new Error(`response of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        response.body.destroy();
        throw new Error(`response exceeds the ${maxBytes}-byte limit`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }
}

function httpUrl(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`unsupported revocation URL scheme ${parsed.protocol}`);
  return parsed;
}
