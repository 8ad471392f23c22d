/**
 * Reading response bodies under a cap: the cap is enforced while streaming, so
 * a hostile registry cannot make us buffer more than we accept.
 */
import { OciError } from '../errors';

/** The minimal readable-body shape undici returns (async iterable of chunks, destroyable). */
export interface ReadableBody extends AsyncIterable<Uint8Array | string> {
  destroy(error?: Error): unknown;
  on?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Stops reading a body we refuse (too large, not needed): the connection is
 * dropped. undici reports the abort as an 'error' event, which is expected here.
 */
export function abandonBody(body: ReadableBody): void {
  body.on?.('error', () => undefined);
  body.destroy();
}

/**
 * Reads at most `cap` bytes; on more, destroys the stream and throws the error
 * made by `tooLarge` (received so far, which is > cap).
 */
export async function readCapped(body: ReadableBody, cap: number, tooLarge: (received: number) => OciError): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    received += buffer.length;
    if (received > cap) {
      const error = tooLarge(received);
      abandonBody(body);
      throw error;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, received);
}

/** Drains and discards a body (frees the keep-alive connection); errors are irrelevant here. */
export async function discardBody(body: ReadableBody & { dump?: () => Promise<void> }): Promise<void> {
  try {
    if (typeof body.dump === 'function') await body.dump();
    else for await (const _chunk of body) void _chunk;
  } catch {
    // the connection is dropped by undici; nothing to report
  }
}
