/**
 * What `verify --cert … --level …` means as trust configuration: one
 * in-memory trust store holding the given certificates for both signing
 * schemes, and one trust policy statement at the given level that trusts
 * any identity they anchor (reference §10; the policy is `*`-scoped because
 * the CLI verifies exactly the artifact it is given).
 */
import { MemoryTrustStore, type Certificate, type TrustPolicyStatement } from '@notary-gate/notary';

export type LevelName = 'strict' | 'permissive' | 'audit' | 'skip';

export interface TrustAnchorFile {
  path: string;
  certificates: Certificate[];
}

const POLICY_NAME = 'notary-gate-cli';
const STORE_NAME = 'cli';

export function trustFromCertificates(level: LevelName, anchors: readonly TrustAnchorFile[]): { trustStore: MemoryTrustStore; statement: TrustPolicyStatement } {
  const trustStore = new MemoryTrustStore();
  for (const anchor of anchors) {
    // Either signing scheme may be in use: trust the certificates for both (reference §8 step 3.1).
    trustStore.add('ca', STORE_NAME, { label: anchor.path, certificates: anchor.certificates });
    trustStore.add('signingAuthority', STORE_NAME, { label: anchor.path, certificates: anchor.certificates });
  }
  // notation's rule: a skip statement names no stores and no identities.
  const skip = level === 'skip';
  const statement: TrustPolicyStatement = {
    name: POLICY_NAME,
    signatureVerification: { level },
    trustStores: skip ? [] : [`ca:${STORE_NAME}`, `signingAuthority:${STORE_NAME}`],
    trustedIdentities: skip ? [] : ['*'],
  };
  return { trustStore, statement };
}
