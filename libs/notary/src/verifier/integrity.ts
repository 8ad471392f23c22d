/**
 * The integrity step (reference §8 step 1): always enforced. The envelope
 * area's `verifyEnvelope` parses by media type, checks the signature, the
 * headers and the payload content type, and throws notation's exact text.
 */
import type { NotaryError } from '../errors';
import { verifyEnvelope } from '../envelope/envelope';
import type { EnvelopeContent } from '../types';
import { asNotaryError } from './as-notary-error';

export function verifyIntegrity(bytes: Buffer, mediaType: string): { envelope?: EnvelopeContent; error: NotaryError | null } {
  try {
    return { envelope: verifyEnvelope(bytes, mediaType), error: null };
  } catch (error) {
    return { error: asNotaryError(error, 'ERR_ENVELOPE_MALFORMED') };
  }
}
