/**
 * Named trust stores read from a NOTATION config root (reference §10.4;
 * notation-go `truststore.x509TrustStore`):
 * `<root>/truststore/x509/{ca|signingAuthority|tsa}/<name>/<files>`, every
 * regular file holding PEM or DER certificates.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotaryError } from '../errors';
import { type Certificate, parseCertificates } from '../x509/certificate';
import { goQuote } from '../x509/go-quote';
import { missingStoreError, noCertificatesError, validateTrustedCertificates } from './trusted-certificates';
import { isTrustStoreType, TRUST_STORE_NAME_PATTERN, type TrustStore, type TrustStoreType } from './types';

export class DirectoryTrustStore implements TrustStore {
  /** @param configRoot the NOTATION config directory (the folder holding `truststore/`). */
  constructor(private readonly configRoot: string) {}

  async getCertificates(type: TrustStoreType, name: string): Promise<Certificate[]> {
    if (!isTrustStoreType(type)) throw storeError(`unsupported trust store type: ${String(type)}`);
    if (!TRUST_STORE_NAME_PATTERN.test(name)) {
      throw storeError(`trust store name needs to follow [a-zA-Z0-9_.-]+ format, ${name} is invalid`);
    }
    const path = join(this.configRoot, 'truststore', 'x509', type, name);
    const stats = await lstat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw missingStoreError(name, type);
      throw storeError(`failed to access the trust store ${goQuote(name)} of type ${goQuote(type)}`, error);
    });
    if (!stats.isDirectory() || stats.isSymbolicLink()) {
      throw storeError(`the trust store ${name} of type ${type} with path ${path} is not a regular directory (symlinks are not supported)`);
    }
    const entries = await readdir(path, { withFileTypes: true }).catch((error: unknown) => {
      throw storeError(`failed to access the trust store ${goQuote(name)} of type ${goQuote(type)}`, error);
    });
    // Go's os.ReadDir returns entries sorted by file name.
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));

    const certificates: Certificate[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) {
        throw storeError(
          `trusted certificate ${entry.name} in trust store ${name} of type ${type} is not a regular file (directories or symlinks are not supported)`,
        );
      }
      const fileCertificates = await readCertificateFile(join(path, entry.name)).catch((error: unknown) => {
        throw storeError(`failed to read the trusted certificate ${entry.name} in trust store ${name} of type ${type}`, error);
      });
      validateTrustedCertificates(fileCertificates, entry.name, name, type);
      certificates.push(...fileCertificates);
    }
    if (certificates.length === 0) throw noCertificatesError(name, type);
    return certificates;
  }
}

/** notation-core-go `ReadCertificateFile`: all PEM CERTIFICATE blocks, or concatenated DER. */
async function readCertificateFile(path: string): Promise<Certificate[]> {
  const certificates = parseCertificates(await readFile(path));
  if (certificates.length === 0) throw new Error('no certificates found in the file');
  return certificates;
}

function storeError(message: string, cause?: unknown): NotaryError {
  return new NotaryError('ERR_TRUST_STORE', message, cause === undefined ? {} : { cause });
}
