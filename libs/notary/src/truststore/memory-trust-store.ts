/**
 * Named trust stores held in memory: the admission path takes trust anchors
 * from Kyverno policies (PEM text), not from a NOTATION directory. Entries are
 * checked with the same rules and messages as files of a directory store, the
 * entry's label standing for the file name.
 */
import { NotaryError } from '../errors';
import { type Certificate, parseCertificates } from '../x509/certificate';
import { missingStoreError, noCertificatesError, validateTrustedCertificates } from './trusted-certificates';
import { isTrustStoreType, TRUST_STORE_NAME_PATTERN, type TrustStore, type TrustStoreType } from './types';

/** One "file" of a store: PEM text, DER bytes, or parsed certificates. */
export interface TrustedCertificateEntry {
  label: string;
  certificates: string | Buffer | readonly Certificate[];
}

interface StoredEntry {
  label: string;
  certificates: Certificate[] | Error;
}

export class MemoryTrustStore implements TrustStore {
  private readonly stores = new Map<string, StoredEntry[]>();

  /** Add certificates to the named store `<type>:<name>` (creating it). Throws TypeError on a bad type or name. */
  add(type: TrustStoreType, name: string, entry: TrustedCertificateEntry): this {
    if (!isTrustStoreType(type)) throw new TypeError(`unsupported trust store type: ${String(type)}`);
    if (!TRUST_STORE_NAME_PATTERN.test(name)) throw new TypeError(`trust store name needs to follow [a-zA-Z0-9_.-]+ format, ${name} is invalid`);
    const key = `${type}:${name}`;
    const entries = this.stores.get(key) ?? [];
    entries.push({ label: entry.label, certificates: parse(entry.certificates) });
    this.stores.set(key, entries);
    return this;
  }

  async getCertificates(type: TrustStoreType, name: string): Promise<Certificate[]> {
    const entries = this.stores.get(`${type}:${name}`);
    if (!entries) throw missingStoreError(name, type);
    const certificates: Certificate[] = [];
    for (const entry of entries) {
      if (entry.certificates instanceof Error) {
        throw new NotaryError('ERR_TRUST_STORE', `failed to read the trusted certificate ${entry.label} in trust store ${name} of type ${type}`, {
          cause: entry.certificates,
        });
      }
      validateTrustedCertificates(entry.certificates, entry.label, name, type);
      certificates.push(...entry.certificates);
    }
    if (certificates.length === 0) throw noCertificatesError(name, type);
    return certificates;
  }
}

/** Parse now, report later: a bad entry fails verification with notation's read error, not the caller's setup. */
function parse(input: TrustedCertificateEntry['certificates']): Certificate[] | Error {
  if (Array.isArray(input)) return [...(input as readonly Certificate[])];
  try {
    const certificates = parseCertificates(input as string | Buffer);
    return certificates.length > 0 ? certificates : new Error('no certificates found in the file');
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
