/**
 * CRL checking as notation-core-go `revocation/crl` does it: download a
 * distribution point's CRL, accept it only when the issuer signed it (Go
 * `RevocationList.CheckSignatureFrom`: the issuer must be a CA allowed to sign
 * CRLs), it names a nextUpdate that has not passed, and it carries no critical
 * extension we do not understand (delta CRLs are not supported); then look the
 * serial number up. A revocation entry whose invalidity date follows the
 * authentic signing time is ignored (reference §8 step 6).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  CertificateList,
  CRLReason,
  CRLReasons,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  id_ce_deltaCRLIndicator,
  id_ce_invalidityDate,
  InvalidityDate,
  type RevokedCertificate,
} from '@peculiar/asn1-x509';
import type { Certificate } from '../x509/certificate';
import { GoKeyUsage, goView } from '../x509/go-view';
import { firstElementOf, unsignedBytes } from '../der';
import { serialOf } from './ocsp';
import type { RevocationHttp, ServerOutcome } from './port';
import { signatureError } from './signature';

/** CRL extensions understood here; any other critical one makes the CRL unusable (RFC 5280 §5.2). */
const KNOWN_CRL_EXTENSIONS = new Set([id_ce_authorityKeyIdentifier, id_ce_cRLNumber]);
const KNOWN_ENTRY_EXTENSIONS = new Set([id_ce_cRLReasons, id_ce_invalidityDate]);

/** A validated CRL, reusable until its nextUpdate. */
export interface ValidatedCrl {
  nextUpdate: Date;
  /** Revoked serial numbers (hex of the unsigned content bytes) → their entry. */
  entries: Map<string, RevokedCertificate>;
}

/** Where validated CRLs are kept between checks (keyed by URL and issuer). */
export interface CrlCache {
  get(key: string): ValidatedCrl | undefined;
  set(key: string, crl: ValidatedCrl): void;
}

/** A bounded in-memory CRL cache; entries past their nextUpdate are ignored. */
export function memoryCrlCache(maxEntries = 64): CrlCache {
  const entries = new Map<string, ValidatedCrl>();
  return {
    get: (key) => entries.get(key),
    set: (key, crl) => {
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, crl);
    },
  };
}

export interface CrlCheck {
  certificate: Certificate;
  issuer: Certificate;
  http: RevocationHttp;
  timeoutMs: number;
  now: Date;
  signingTime?: Date | undefined;
  cache?: CrlCache | undefined;
}

/** Ask one distribution point; every failure is `unknown` with its reason, never `ok`. */
export async function checkCrlServer(url: string, check: CrlCheck): Promise<ServerOutcome> {
  const cacheKey = `${url} ${check.issuer.sha256Fingerprint}`;
  let crl = check.cache?.get(cacheKey);
  if (!crl || crl.nextUpdate.getTime() < check.now.getTime()) {
    let raw: Buffer;
    try {
      raw = await check.http.get(url, check.timeoutMs, 'crl');
    } catch (error) {
      return { status: 'unknown', error: `CRL download from ${url} failed: ${(error as Error).message}` };
    }
    try {
      crl = validateCrl(raw, check.issuer, check.now);
    } catch (error) {
      return { status: 'unknown', error: `invalid CRL from ${url}: ${(error as Error).message}` };
    }
    check.cache?.set(cacheKey, crl);
  }
  return lookUp(crl, check);
}

/** Parse and validate a CRL issued by `issuer`; throws with the reason it cannot be used. */
export function validateCrl(raw: Buffer, issuer: Certificate, now: Date): ValidatedCrl {
  const list = AsnConvert.parse(raw, CertificateList);
  const tbs = list.tbsCertList;
  const view = goView(issuer);
  if ((view.version === 3 && !view.basicConstraintsValid) || (view.basicConstraintsValid && !view.isCA)) throw new Error('CRL issuer is not a CA');
  if (view.keyUsage !== 0 && (view.keyUsage & GoKeyUsage.CRLSign) === 0) throw new Error('CRL issuer is not allowed to sign CRLs');
  if (!Buffer.from(AsnConvert.serialize(tbs.issuer)).equals(issuer.rawSubject)) throw new Error('CRL issuer name does not match the certificate issuer');
  const signatureProblem = signatureError(list.signatureAlgorithm, firstElementOf(raw), Buffer.from(list.signature), issuer.publicKey);
  if (signatureProblem) throw new Error(`CRL signature: ${signatureProblem}`);
  if (!tbs.nextUpdate) throw new Error('CRL NextUpdate is not set');
  const nextUpdate = tbs.nextUpdate.getTime();
  if (now.getTime() > nextUpdate.getTime()) throw new Error(`expired CRL (nextUpdate ${nextUpdate.toISOString()})`);
  for (const extension of tbs.crlExtensions ?? []) {
    if (extension.extnID === id_ce_deltaCRLIndicator) throw new Error('delta CRL is not supported');
    if (extension.critical && !KNOWN_CRL_EXTENSIONS.has(extension.extnID)) throw new Error(`unsupported critical CRL extension ${extension.extnID}`);
  }
  const entries = new Map<string, RevokedCertificate>();
  for (const entry of tbs.revokedCertificates ?? []) entries.set(unsignedBytes(entry.userCertificate).toString('hex'), entry);
  return { nextUpdate, entries };
}

function lookUp(crl: ValidatedCrl, check: CrlCheck): ServerOutcome {
  const entry = crl.entries.get(unsignedBytes(serialOf(check.certificate)).toString('hex'));
  if (!entry) return { status: 'ok' };
  let invalidity: Date | undefined;
  for (const extension of entry.crlEntryExtensions ?? []) {
    if (extension.extnID === id_ce_invalidityDate) invalidity = AsnConvert.parse(extension.extnValue.buffer, InvalidityDate).value;
    else if (extension.extnID === id_ce_cRLReasons) {
      // RFC 5280 §5.3.1: removeFromCRL only appears in delta CRLs, meaning "no longer revoked".
      if (AsnConvert.parse(extension.extnValue.buffer, CRLReason).reason === CRLReasons.removeFromCRL) return { status: 'ok' };
    } else if (extension.critical && !KNOWN_ENTRY_EXTENSIONS.has(extension.extnID)) {
      return { status: 'unknown', error: `unsupported critical CRL entry extension ${extension.extnID}` };
    }
  }
  if (check.signingTime && invalidity && check.signingTime.getTime() < invalidity.getTime()) return { status: 'ok' };
  return { status: 'revoked', error: `revoked at ${entry.revocationDate.getTime().toISOString()}` };
}
