/**
 * The checks every envelope gets once its format-specific parsing is done:
 * notation-core-go `internal/base/envelope.go` `validateEnvelopeContent`
 * (reference §4.3 step 4), preceded by our critical-header policy.
 */
import { isNotaryError, type NotaryError } from '../errors';
import type { EnvelopeContent, SignatureAlgorithm } from '../types';
import type { Certificate } from '../x509/certificate';
import { validateCodeSigningCertChain } from '../x509/codesigning-chain';
import { goQuote } from '../x509/go-quote';
import { keySpecOf, type KeySpec } from '../x509/key-spec';
import { HEADER, type DecodedContent } from './codec';
import { verifyFailure } from './failure';

/** Extended attributes that are "known": they mean a verification plugin is required (§11). */
const PLUGIN_HEADERS: readonly unknown[] = [HEADER.verificationPlugin, HEADER.verificationPluginMinVersion];

/**
 * Unknown critical headers are rejected — the signature specification's
 * rule ("an unknown critical attribute MUST fail verification"). This is a
 * deliberate difference from notation-go, which accepts them when no
 * verification plugin is named (reference §4.2 [impl]).
 *
 * When the envelope names a verification plugin, its critical attributes are
 * the plugin's to process (§11), so they are kept here, marked critical, and
 * the verifier fails the signature for the missing plugin — the outcome
 * notation reports for those envelopes.
 */
export function checkCriticalHeaders(content: DecodedContent): void {
  const namesPlugin = content.extendedAttributes.some((attribute) => attribute.key === HEADER.verificationPlugin);
  if (namesPlugin) return;
  const unknown = content.extendedAttributes.find((attribute) => attribute.critical && !PLUGIN_HEADERS.includes(attribute.key));
  if (unknown) {
    const name = typeof unknown.key === 'string' ? goQuote(unknown.key) : String(unknown.key);
    throw verifyFailure('ERR_CRITICAL_HEADER', `critical header ${name} is not supported`);
  }
}

// notation-core-go `signature.Algorithm` has no String method, so `%v` prints its number.
const GO_ALGORITHM_NUMBER: Record<SignatureAlgorithm, number> = {
  'RSASSA-PSS-SHA-256': 1,
  'RSASSA-PSS-SHA-384': 2,
  'RSASSA-PSS-SHA-512': 3,
  'ECDSA-SHA-256': 4,
  'ECDSA-SHA-384': 5,
  'ECDSA-SHA-512': 6,
};

/** `validateEnvelopeContent`: payload, signature, times, chain, key ↔ algorithm. */
export function completeContent(decoded: DecodedContent): EnvelopeContent {
  if (decoded.payload.content.length === 0) throw verifyFailure('ERR_PAYLOAD_INVALID', 'content not present');
  if (decoded.signature.length === 0) throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'signature not present or is empty');
  const { signingTime, expiry } = decoded;
  if (!signingTime) throw verifyFailure('ERR_HEADER_INVALID', 'signing-time not present');
  if (expiry && expiry.date.getTime() <= signingTime.date.getTime()) {
    throw verifyFailure('ERR_HEADER_INVALID', 'expiry cannot be equal or before the signing time');
  }
  const chain = decoded.certificateChain;
  if (chain.length === 0) throw verifyFailure('ERR_CERT_CHAIN_INVALID', 'certificate-chain not present or is empty');
  const chainError = validateChainOnce(chain);
  if (chainError) throw verifyFailure(chainError.code, `certificate-chain is invalid, ${chainError.message}`, chainError);

  let derived: SignatureAlgorithm;
  try {
    derived = signatureAlgorithmOf(chain[0]!);
  } catch (error) {
    if (isNotaryError(error)) throw verifyFailure(error.code, error.message, error);
    throw error;
  }
  if (derived !== decoded.signatureAlgorithm) {
    throw verifyFailure(
      'ERR_ALGORITHM_MISMATCH',
      `mismatch between signature algorithm derived from signing certificate (${GO_ALGORITHM_NUMBER[derived]}) and signing algorithm specified (${GO_ALGORITHM_NUMBER[decoded.signatureAlgorithm]}s)`,
    );
  }

  const signedAttributes: EnvelopeContent['signerInfo']['signedAttributes'] = {
    contentType: decoded.payload.contentType,
    signingScheme: decoded.signingScheme,
    signingTime,
    extendedAttributes: decoded.extendedAttributes,
  };
  if (expiry) signedAttributes.expiry = expiry;
  return {
    mediaType: decoded.mediaType,
    signerInfo: {
      signedAttributes,
      unsignedAttributes: decoded.unsignedAttributes,
      signatureAlgorithm: decoded.signatureAlgorithm,
      certificateChain: chain,
      signature: decoded.signature,
    },
    payload: decoded.payload,
  };
}

/** A certificate key's spec (§6), remembered per certificate (certificates are immutable); throws like keySpecOf. */
const keySpecs = new WeakMap<Certificate, KeySpec>();

export function cachedKeySpec(certificate: Certificate): KeySpec {
  let spec = keySpecs.get(certificate);
  if (!spec) {
    spec = keySpecOf(certificate);
    keySpecs.set(certificate, spec);
  }
  return spec;
}

function signatureAlgorithmOf(leaf: Certificate): SignatureAlgorithm {
  return cachedKeySpec(leaf).signatureAlgorithm;
}

// ---------------------------------------------------------------- chain memo

/**
 * The chain check (without a signing time) depends on the certificates alone,
 * and admission sees the same few chains over and over: remember each
 * chain's outcome. Certificates are memoised by DER (`parseCertificate`), so
 * object identity stands for content.
 */
const CHAIN_MEMO_LIMIT = 1024;
const chainMemo = new Map<string, NotaryError | null>();
const certificateIds = new WeakMap<Certificate, number>();
let nextCertificateId = 1;

function chainKey(chain: readonly Certificate[]): string {
  let key = '';
  for (const certificate of chain) {
    let id = certificateIds.get(certificate);
    if (id === undefined) {
      id = nextCertificateId++;
      certificateIds.set(certificate, id);
    }
    key += `${id},`;
  }
  return key;
}

function validateChainOnce(chain: readonly Certificate[]): NotaryError | null {
  const key = chainKey(chain);
  const known = chainMemo.get(key);
  if (known !== undefined) return known;
  let outcome: NotaryError | null = null;
  try {
    validateCodeSigningCertChain(chain);
  } catch (error) {
    if (!isNotaryError(error)) throw error;
    outcome = error;
  }
  if (chainMemo.size >= CHAIN_MEMO_LIMIT) chainMemo.delete(chainMemo.keys().next().value as string);
  chainMemo.set(key, outcome);
  return outcome;
}
