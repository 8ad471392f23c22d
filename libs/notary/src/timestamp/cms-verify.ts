/**
 * CMS signer verification (RFC 5652 §5.4, §5.6) as tspclient-go's
 * `internal/cms` `ParsedSignedData.VerifySigner` does it for a timestamp
 * token: first the signer certificate's chain to a TSA root at genTime (Go
 * `x509.Verify`), then the signature over the signed attributes, then the
 * attributes themselves (content type, message digest of the TSTInfo,
 * optional signing time). Errors read `cms verification failure: …`.
 */
import { constants as cryptoConstants, createHash, verify as cryptoVerify } from 'node:crypto';
import type { Certificate } from '../x509/certificate';
import { formatGoTimeString } from '../x509/time-format';
import { messageOf } from './errors';
import { parseAsn1Time, parseObjectIdentifier, StructReader, TAG_OCTET_STRING, TAG_OID, TAG_UTC_TIME } from './go-asn1';
import { goVerify } from './go-x509-verify';
import { CmsSignerInfo, OID_TST_INFO, SignedToken } from './token';
import { HASH_OIDS } from './tst-info';

export const OID_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

/** tspclient-go `cms.VerificationError`. */
export class CmsVerificationError extends Error {
  override readonly name = 'CmsVerificationError';
  constructor(message?: string, detail?: string) {
    super(['cms verification failure', message, detail].filter((part) => part !== undefined && part !== '').join(': '));
  }
}

interface SignatureScheme {
  keyType: 'RSA' | 'ECDSA';
  hash: 'sha256' | 'sha384' | 'sha512';
  pss?: boolean;
}

const RSA = '1.2.840.113549.1.1.1';
const RSA_PSS = '1.2.840.113549.1.1.10';
const FIXED_SCHEMES: Record<string, SignatureScheme> = {
  '1.2.840.113549.1.1.11': { keyType: 'RSA', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { keyType: 'RSA', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { keyType: 'RSA', hash: 'sha512' },
  '1.2.840.10045.4.3.2': { keyType: 'ECDSA', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { keyType: 'ECDSA', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { keyType: 'ECDSA', hash: 'sha512' },
};

/**
 * tspclient-go `oid.ToSignatureAlgorithm`: rsaEncryption and RSASSA-PSS take
 * the hash from the digest algorithm; the combined OIDs fix it. SHA-1 is not
 * supported.
 */
function signatureScheme(digestAlgorithm: string, signatureAlgorithm: string): SignatureScheme | undefined {
  const digest = HASH_OIDS[digestAlgorithm];
  if (signatureAlgorithm === RSA) return digest && { keyType: 'RSA', hash: digest };
  if (signatureAlgorithm === RSA_PSS) return digest && { keyType: 'RSA', hash: digest, pss: true };
  return FIXED_SCHEMES[signatureAlgorithm];
}

/**
 * Verify one SignerInfo with its identified signing certificate; returns the
 * chain (signer → TSA root) that validated. Throws CmsVerificationError, or a
 * plain Error for a non-TSTInfo content type (as tspclient-go does).
 */
export function verifySigner(
  token: SignedToken,
  signerInfo: CmsSignerInfo,
  signingCertificate: Certificate,
  options: { roots: readonly Certificate[]; currentTime: Date },
): Certificate[] {
  if (signerInfo.version !== 1) {
    // Only IssuerAndSerialNumber signer identifiers are supported.
    throw new CmsVerificationError(`invalid signer info version: only version 1 is supported; got ${signerInfo.version}`);
  }
  let chains: Certificate[][];
  try {
    chains = goVerify(signingCertificate, {
      roots: options.roots,
      intermediates: token.certificates,
      currentTime: options.currentTime,
      keyUsage: OID_TIME_STAMPING,
    });
  } catch (error) {
    throw new CmsVerificationError(undefined, messageOf(error));
  }
  verifySignature(token, signerInfo, signingCertificate);
  return verifySignedAttributes(token, signerInfo, chains);
}

/** RFC 5652 §5.6: the signature covers the DER signed attributes (or the content when there are none). */
function verifySignature(token: SignedToken, signerInfo: CmsSignerInfo, certificate: Certificate): void {
  const scheme = signatureScheme(signerInfo.digestAlgorithm, signerInfo.signatureAlgorithm);
  if (!scheme) throw new CmsVerificationError('unknown signature algorithm');
  const signed = signerInfo.signedAttributesDer ?? token.content;
  const key = certificate.publicKey;
  const keyType = key.asymmetricKeyType === 'rsa' ? 'RSA' : key.asymmetricKeyType === 'ec' ? 'ECDSA' : undefined;
  if (keyType !== scheme.keyType) {
    const goType = keyType === 'RSA' ? '*rsa.PublicKey' : keyType === 'ECDSA' ? '*ecdsa.PublicKey' : 'ed25519.PublicKey';
    throw new CmsVerificationError(undefined, `x509: signature algorithm specifies an ${scheme.keyType} public key, but have public key of type ${goType}`);
  }
  let valid: boolean;
  try {
    valid =
      scheme.keyType === 'ECDSA'
        ? cryptoVerify(scheme.hash, signed, key, signerInfo.signature)
        : cryptoVerify(
            scheme.hash,
            signed,
            scheme.pss
              ? { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: createHash(scheme.hash).digest().length }
              : { key, padding: cryptoConstants.RSA_PKCS1_PADDING },
            signerInfo.signature,
          );
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new CmsVerificationError(undefined, scheme.keyType === 'RSA' ? 'crypto/rsa: verification error' : 'x509: ECDSA verification failure');
  }
}

/** RFC 5652 §5.3/§11: content type and message digest attributes; signing time, if present, inside a chain's validity. */
function verifySignedAttributes(token: SignedToken, signerInfo: CmsSignerInfo, chains: Certificate[][]): Certificate[] {
  if (signerInfo.signedAttributes.length === 0) throw new CmsVerificationError('missing signed attributes');
  if (token.contentType !== OID_TST_INFO) {
    throw new Error(`unexpected content type: ${token.contentType}. Expected to be id-ct-TSTInfo (${OID_TST_INFO})`);
  }

  const contentType = attribute(signerInfo, OID_CONTENT_TYPE, 'invalid content type', (values) =>
    parseObjectIdentifier(new StructReader(values).next({ typeName: 'ObjectIdentifier', tag: TAG_OID, compound: false })!.content),
  );
  if (contentType !== token.contentType) {
    throw new CmsVerificationError(`mismatch content type: found "${contentType}" in signer info, and "${token.contentType}" in signed data`);
  }

  const expectedDigest = attribute(signerInfo, OID_MESSAGE_DIGEST, 'invalid message digest', (values) =>
    Buffer.from(new StructReader(values).next({ typeName: '', tag: TAG_OCTET_STRING, compound: false })!.content),
  );
  const hash = HASH_OIDS[signerInfo.digestAlgorithm];
  if (!hash) throw new CmsVerificationError('unsupported digest algorithm');
  if (!createHash(hash).update(token.content).digest().equals(expectedDigest)) throw new CmsVerificationError('mismatch message digest');

  const signingTimeAttribute = signerInfo.signedAttributes.find((candidate) => candidate.type === OID_SIGNING_TIME);
  if (!signingTimeAttribute) return chains[0]!;
  const signingTime = attribute(signerInfo, OID_SIGNING_TIME, 'invalid signing time', (values) =>
    parseAsn1Time(new StructReader(values).next({ typeName: 'Time', tag: TAG_UTC_TIME, compound: false })!),
  ).date;
  const chain = chains.find((candidate) =>
    candidate.every((certificate) => signingTime.getTime() >= certificate.notBefore.getTime() && signingTime.getTime() <= certificate.notAfter.getTime()),
  );
  if (!chain) throw new CmsVerificationError(`signing time, ${formatGoTimeString(signingTime)}, is outside certificate's validity period`);
  return chain;
}

/** tspclient-go `Attributes.Get`: the first attribute of that type, its first value decoded. */
function attribute<T>(signerInfo: CmsSignerInfo, type: string, failure: string, decode: (values: Buffer) => T): T {
  const found = signerInfo.signedAttributes.find((candidate) => candidate.type === type);
  if (!found) throw new CmsVerificationError(failure, 'attribute not found');
  try {
    return decode(found.values);
  } catch (error) {
    throw new CmsVerificationError(failure, messageOf(error));
  }
}
