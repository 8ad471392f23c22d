/**
 * `notation blob inspect` picks the envelope format from the signature file
 * name, `<blob>.<format>.sig` (notation `cmd/notation/blob/inspect.go`
 * `parseEnvelopeMediaType`): the second-to-last dot-separated part, case
 * folded, must be `jws` or `cose`.
 */
import { basename } from 'node:path';
import { NotaryError } from '../errors';
import type { EnvelopeMediaType } from '../types';

export function envelopeMediaTypeFromFileName(signaturePath: string): EnvelopeMediaType {
  const fileName = basename(signaturePath);
  const parts = fileName.split('.');
  if (parts.length < 3) throw new NotaryError('ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE', `invalid signature filename: ${fileName}`);
  const format = parts[parts.length - 2]!.toLowerCase();
  if (format === 'jws') return 'application/jose+json';
  if (format === 'cose') return 'application/cose';
  throw new NotaryError('ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE', `unsupported signature format: ${format}`);
}
