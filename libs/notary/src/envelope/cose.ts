/**
 * The COSE envelope, `application/cose` (reference §5; notation-core-go
 * `signature/cose`, go-cose v1.3.0): COSE_Sign1_Tagged (tag 18) around
 * `[protected bstr, unprotected map, payload bstr, signature bstr]`.
 *
 * - Sig_structure embeds the protected item exactly as received (go-cose's
 *   `RawProtected`); it is never re-encoded.
 * - Times are tag 1 epoch seconds; the tag must be present (§5).
 * - RSA-PSS uses salt = hash length on both sides (RFC 8230); ECDSA is raw r||s.
 */
import { COSE_MEDIA_TYPE, type EnvelopeCodec } from './codec';
import { coseContent } from './cose-content';
import type { ParsedCose } from './cose-model';
import { parseCose } from './cose-parse';
import { verifyCoseSignature } from './cose-verify';

export { COSE_MEDIA_TYPE };
export { LABEL, sigStructure } from './cose-model';
export type { HeaderLabel, HeaderMap, ParsedCose } from './cose-model';
export { parseCose, verifyCoseSignature, coseContent };
export { encodeProtectedHeader, epochTime, serializeCose, signCose } from './cose-sign';

export const coseCodec: EnvelopeCodec<ParsedCose> = {
  mediaType: COSE_MEDIA_TYPE,
  parse: parseCose,
  verifySignature: verifyCoseSignature,
  content: coseContent,
};
