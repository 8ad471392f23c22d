/**
 * Loading a statement's trust anchors and the authenticity check (reference
 * §8 step 3; notation-go `loadX509TrustStores`, `loadX509TSATrustStores`,
 * `verifyAuthenticity`).
 */
import { NotaryError } from '../errors';
import { goQuote } from '../trustpolicy/go-format';
import type { TrustStore, TrustStoreType } from '../truststore/types';
import type { SigningScheme } from '../types';
import type { Certificate } from '../x509/certificate';

/** Which store type anchors which signing scheme (spec §Trust Store). */
const STORE_TYPE_OF_SCHEME: Record<SigningScheme, TrustStoreType> = {
  'notary.x509': 'ca',
  'notary.x509.signingAuthority': 'signingAuthority',
};

/** The certificates of the statement's stores of `type`, each store read once, in statement order. */
export async function loadTrustStores(
  type: TrustStoreType,
  policyName: string,
  trustStores: readonly string[],
  trustStore: TrustStore,
): Promise<Certificate[]> {
  const loaded = new Set<string>();
  const certificates: Certificate[] = [];
  for (const value of trustStores) {
    if (loaded.has(value)) continue;
    const separator = value.indexOf(':');
    if (separator < 0) {
      throw new NotaryError(
        'ERR_TRUST_POLICY',
        `error while loading the trust store, trust policy statement ${goQuote(policyName)} is missing separator in trust store value ${goQuote(value)}. The required format is <TrustStoreType>:<TrustStoreName>`,
      );
    }
    if (value.slice(0, separator) !== type) continue;
    certificates.push(...(await trustStore.getCertificates(type, value.slice(separator + 1))));
    loaded.add(value);
  }
  return certificates;
}

/** The `ca` or `signingAuthority` anchors for a signature made under `scheme`. */
export function loadSigningTrustAnchors(scheme: SigningScheme, policyName: string, trustStores: readonly string[], trustStore: TrustStore): Promise<Certificate[]> {
  return loadTrustStores(STORE_TYPE_OF_SCHEME[scheme], policyName, trustStores, trustStore);
}

/** The `tsa` anchors; timestamps are only used with `notary.x509`. */
export function loadTsaTrustAnchors(scheme: SigningScheme, policyName: string, trustStores: readonly string[], trustStore: TrustStore): Promise<Certificate[]> {
  if (scheme !== 'notary.x509') {
    return Promise.reject(
      new NotaryError('ERR_TRUST_STORE', `error while loading the TSA trust store, signing scheme must be notary.x509, but got ${scheme}`),
    );
  }
  return loadTrustStores('tsa', policyName, trustStores, trustStore);
}

/**
 * notation-core-go `VerifyAuthenticity`: some certificate of the (already
 * integrity-checked) chain is byte-equal to a trust anchor. No path building:
 * a pinned intermediate or self-signed leaf works as well as a root.
 */
export function authenticityError(chain: readonly Certificate[], anchors: readonly Certificate[]): NotaryError | null {
  if (anchors.length === 0) {
    return new NotaryError('ERR_TRUST_STORE', 'no trusted certificates are found to verify authenticity');
  }
  const trusted = chain.some((certificate) => anchors.some((anchor) => anchor.equals(certificate)));
  return trusted ? null : new NotaryError('ERR_UNTRUSTED', "the signature's certificate chain does not contain any trusted certificate");
}
