/**
 * The webhook's certificate: from PEM files (cert-manager, a Secret mount) or,
 * when none are given, a self-signed one generated at start — ECDSA P-256,
 * serverAuth, SANs localhost / 127.0.0.1 / ::1 plus the service DNS names —
 * whose SHA-256 fingerprint is logged so a caBundle can be checked against it.
 */
import { X509Certificate, randomBytes, webcrypto } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { readFile } from 'node:fs/promises';
import * as x509 from '@peculiar/x509';

export interface TlsMaterial {
  /** PEM certificate chain (leaf first). */
  cert: string;
  /** PEM private key. */
  key: string;
  /** SHA-256 of the leaf certificate (DER), colon-separated hex as openssl prints it. */
  fingerprint: string;
  source: 'files' | 'self-signed';
}

/** Reads and checks a certificate/key pair: both PEM, and the key must match the certificate. */
export async function loadTlsFiles(certFile: string, keyFile: string): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  let fingerprint: string;
  try {
    fingerprint = new X509Certificate(cert).fingerprint256;
  } catch (error) {
    throw new Error(`${certFile}: not a PEM certificate (${(error as Error).message})`);
  }
  try {
    // Fails on a key that does not belong to the certificate (e.g. caught mid-rotation).
    createSecureContext({ cert, key });
  } catch (error) {
    throw new Error(`${keyFile}: cannot be used with ${certFile} (${(error as Error).message})`);
  }
  return { cert, key, fingerprint, source: 'files' };
}

export interface SelfSignedOptions {
  /** DNS names besides `localhost` (e.g. `notary-gate.notary-gate.svc`). */
  dnsNames?: string[];
  now?: Date;
  /** Validity; default 365 days. */
  days?: number;
}

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export async function selfSignedCertificate(options: SelfSignedOptions = {}): Promise<TlsMaterial> {
  // @peculiar/x509 takes the WebCrypto API; Node's implements it (typed as the DOM's `Crypto`).
  const crypto = webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1] & typeof webcrypto;
  const now = options.now ?? new Date();
  const keys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const dnsNames = [...new Set(['localhost', ...(options.dnsNames ?? [])])];
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      // A positive serial: 16 random bytes with the high bit cleared (RFC 5280 §4.1.2.2).
      serialNumber: Buffer.from(randomBytes(16).map((byte, index) => (index === 0 ? byte & 0x7f : byte))).toString('hex'),
      name: `CN=${dnsNames[dnsNames.length - 1]}, O=notary-gate`,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + (options.days ?? 365) * 86_400_000),
      keys,
      signingAlgorithm: ECDSA,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
          { type: 'ip', value: '127.0.0.1' },
          { type: 'ip', value: '::1' },
        ]),
      ],
    },
    crypto,
  );
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  const cert = certificate.toString('pem');
  return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256, source: 'self-signed' };
}
