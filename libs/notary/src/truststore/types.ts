/**
 * The trust store port (reference §7.3, §10.4; notation-go
 * `truststore.X509TrustStore`): named sets of trusted certificates by type.
 * Implemented over a NOTATION config directory and in memory (the admission
 * path takes certificates from Kyverno policies, not from files).
 */
import type { Certificate } from '../x509/certificate';

export type TrustStoreType = 'ca' | 'signingAuthority' | 'tsa';

export const TRUST_STORE_TYPES: readonly TrustStoreType[] = ['ca', 'signingAuthority', 'tsa'];

/** Named store names: notation's `file.IsValidFileName`. */
export const TRUST_STORE_NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;

export function isTrustStoreType(value: string): value is TrustStoreType {
  return (TRUST_STORE_TYPES as readonly string[]).includes(value);
}

export interface TrustStore {
  /**
   * The certificates of the named store `<type>:<name>`. Rejects with
   * ERR_TRUST_STORE (notation's message) when the store is missing, empty,
   * or holds a certificate that may not be a trust anchor.
   */
  getCertificates(type: TrustStoreType, name: string): Promise<Certificate[]>;
}
