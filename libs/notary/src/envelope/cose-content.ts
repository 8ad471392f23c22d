/**
 * COSE `Content()` (notation-core-go `cose/envelope.go`): payload content
 * type, the protected header (crit rules, signing scheme, tag-1 times,
 * extended attributes), x5chain and the unsigned attributes.
 */
import type { ExtendedAttribute, SignedTime, SigningScheme } from '../types';
import { signatureAlgorithmFromCose } from '../x509/key-spec';
import { CborTag } from './cbor';
import { COSE_MEDIA_TYPE, HEADER, formatHeaderList, isSigningScheme, type DecodedContent } from './codec';
import { LABEL, certificateOf, type HeaderLabel, type HeaderMap, type ParsedCose } from './cose-model';
import { verifyFailure } from './failure';

const SYSTEM_LABELS: readonly HeaderLabel[] = [
  LABEL.alg,
  LABEL.crit,
  LABEL.contentType,
  HEADER.expiry,
  HEADER.signingScheme,
  HEADER.signingTime,
  HEADER.authenticSigningTime,
];

/** notation-core-go `parseTime`: a tag-1 datetime, with notation's error texts. */
function parseTime(header: HeaderMap, label: string): SignedTime {
  const value = header.get(label);
  if (value === undefined) throw new Error(`protected header ${JSON.stringify(label)} is missing`);
  if (value instanceof CborTag && (value.tag === 0 || value.tag === 1)) {
    // go-cose decodes tags 0 and 1 to time.Time; notation then insists on tag 1.
    if (value.tag !== 1) throw new Error('only Tag `1` Datetime CBOR object is supported');
    const seconds = Number(value.value);
    const date = new Date(seconds * 1000);
    if (!Number.isFinite(seconds) || Number.isNaN(date.getTime())) throw new Error('invalid timeValue type');
    return { date };
  }
  throw new Error('invalid timeValue type');
}

/** notation-core-go COSE `Content()`: payload, protected headers, x5chain, unsigned attributes. */
export function coseContent(parsed: ParsedCose): DecodedContent {
  const contentType = parsed.protected.get(LABEL.contentType);
  if (contentType === undefined) throw verifyFailure('ERR_PAYLOAD_INVALID', 'missing content type');
  if (typeof contentType !== 'string') throw verifyFailure('ERR_PAYLOAD_INVALID', "content type should be of 'tstr' type");
  if (parsed.signature.length === 0) throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'signature missing in COSE envelope');

  const header = parsed.protected;
  const critical = (header.get(LABEL.crit) as HeaderLabel[] | undefined) ?? [];
  const scheme = header.get(HEADER.signingScheme);
  if (typeof scheme !== 'string') throw verifyFailure('ERR_HEADER_INVALID', 'invalid signingScheme');
  const mustBeCritical: HeaderLabel[] = [HEADER.signingScheme];
  if (scheme === 'notary.x509.signingAuthority') mustBeCritical.push(HEADER.authenticSigningTime);
  if (header.has(HEADER.expiry)) mustBeCritical.push(HEADER.expiry);
  const missing = mustBeCritical.filter((label) => !critical.includes(label));
  if (missing.length > 0) throw verifyFailure('ERR_CRITICAL_HEADER', `these required headers are not marked as critical: ${formatHeaderList(missing)}`);

  const alg = header.get(LABEL.alg);
  if (alg === undefined) throw verifyFailure('ERR_HEADER_INVALID', 'algorithm not found');
  const signatureAlgorithm = signatureAlgorithmFromCose(typeof alg === 'bigint' ? Number(alg) : alg);
  if (!signatureAlgorithm) throw verifyFailure('ERR_UNSUPPORTED_ALGORITHM', `signature algorithm not supported: ${String(alg)}`);
  if (!isSigningScheme(scheme)) throw verifyFailure('ERR_HEADER_INVALID', `unsupported signingScheme: ${scheme}`);
  const signingScheme: SigningScheme = scheme;

  let signingTime: SignedTime;
  try {
    signingTime = parseTime(header, signingScheme === 'notary.x509' ? HEADER.signingTime : HEADER.authenticSigningTime);
  } catch (error) {
    throw verifyFailure('ERR_HEADER_INVALID', `invalid signingTime: ${(error as Error).message}`);
  }
  let expiry: SignedTime | undefined;
  if (header.has(HEADER.expiry)) {
    try {
      expiry = parseTime(header, HEADER.expiry);
    } catch (error) {
      throw verifyFailure('ERR_HEADER_INVALID', `invalid expiry: ${(error as Error).message}`);
    }
  }
  const extendedAttributes: ExtendedAttribute[] = [];
  for (const [key, value] of header) {
    if (SYSTEM_LABELS.includes(key)) continue;
    extendedAttributes.push({ key: typeof key === 'bigint' ? String(key) : key, value, critical: critical.includes(key) });
  }

  const chain = parsed.unprotected.get(LABEL.x5chain);
  if (!Array.isArray(chain) || chain.length === 0) throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'certificate chain is not present');
  const certificateChain = chain.map((entry) => {
    if (!Buffer.isBuffer(entry)) throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'certificate chain is not present');
    try {
      return certificateOf(entry);
    } catch (cause) {
      throw verifyFailure('ERR_ENVELOPE_MALFORMED', 'x509: malformed certificate', cause);
    }
  });

  const unsignedAttributes: DecodedContent['unsignedAttributes'] = {};
  const agent = parsed.unprotected.get(HEADER.signingAgent);
  if (typeof agent === 'string' && agent !== '') unsignedAttributes.signingAgent = agent;
  const token = parsed.unprotected.get(HEADER.timestampSignature);
  if (Buffer.isBuffer(token) && token.length > 0) unsignedAttributes.timestampSignature = token;

  return {
    mediaType: COSE_MEDIA_TYPE,
    payload: { contentType, content: parsed.payload ?? Buffer.alloc(0) },
    signingScheme,
    signingTime,
    expiry,
    extendedAttributes,
    signatureAlgorithm,
    certificateChain,
    signature: parsed.signature,
    unsignedAttributes,
  };
}
