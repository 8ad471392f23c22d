/**
 * The JWS envelope, `application/jose+json` (reference §4; notation-core-go
 * `signature/jws`): flattened JSON serialization, verified the way
 * golang-jwt v4 verifies the compact form notation rebuilds from it.
 *
 * - `jws-parse.ts` / `jws-canonical.ts`: `ParseEnvelope`;
 * - `jws-verify.ts`: the signature check (golang-jwt, RSA-PSS salt rule);
 * - `jws-content.ts`: protected headers and signer info;
 * - `jws-sign.ts`: writing envelopes.
 */
import { JWS_MEDIA_TYPE, type EnvelopeCodec } from './codec';
import { jwsContent } from './jws-content';
import type { ParsedJws } from './jws-model';
import { parseJws } from './jws-parse';
import { verifyJwsSignature } from './jws-verify';

export { JWS_MEDIA_TYPE };
export type { ParsedJws };
export { parseJws, verifyJwsSignature, jwsContent };
export { parseCanonicalJws } from './jws-canonical';
export { jwtClaimsBytes, serializeJws, signJws, signingTimeHeader } from './jws-sign';
export type { JwsEncodeInput, SignedJws } from './jws-sign';

export const jwsCodec: EnvelopeCodec<ParsedJws> = {
  mediaType: JWS_MEDIA_TYPE,
  parse: parseJws,
  verifySignature: verifyJwsSignature,
  content: jwsContent,
};
