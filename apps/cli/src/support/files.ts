/**
 * Reading the files named on the command line: keys, certificates, payloads.
 * Every failure is a usage error naming the file and what is wrong with it.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCertificates, type Certificate } from '@notary-gate/notary';
import { UsageError } from './errors';

export function readInputFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new UsageError(`cannot read ${what} "${path}": ${reason}`, { cause });
  }
}

/** A PEM (PKCS#8, PKCS#1 or SEC 1) or DER private key. */
export function readPrivateKey(path: string): KeyObject {
  const bytes = readInputFile(path, 'key file');
  try {
    const pem = bytes.includes('-----BEGIN');
    const key = pem ? createPrivateKey({ key: bytes, format: 'pem' }) : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
    return key;
  } catch (cause) {
    throw new UsageError(`malformed private key in "${path}": ${oneReason(cause)}`, { cause });
  }
}

/** All certificates of a PEM or concatenated-DER file, in file order; at least one. */
export function readCertificates(path: string): Certificate[] {
  const bytes = readInputFile(path, 'certificate file');
  let certificates: Certificate[];
  try {
    certificates = parseCertificates(bytes);
  } catch (cause) {
    throw new UsageError(`malformed certificate in "${path}": ${oneReason(cause)}`, { cause });
  }
  if (certificates.length === 0) throw new UsageError(`no certificate found in "${path}"`);
  return certificates;
}

function oneReason(cause: unknown): string {
  const message = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
  return message.replace(/^Error: /, '');
}
