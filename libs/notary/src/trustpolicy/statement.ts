/**
 * Rules every trust policy statement obeys, OCI or blob (reference §10.1;
 * notation-go `validatePolicyCore`, `validateTrustStore`,
 * `validateTrustedIdentities`). Messages are notation's, without the
 * `oci trust policy: ` / `blob trust policy: ` prefix the documents add.
 */
import { NotaryError } from '../errors';
import { isTrustStoreType, TRUST_STORE_NAME_PATTERN } from '../truststore/types';
import { type ParsedDistinguishedName, isSubsetDistinguishedName, parseDistinguishedName } from './distinguished-name';
import { goQuote } from './go-format';
import { resolveVerificationLevel, resolveVerifyTimestamp, type SignatureVerificationConfig } from './levels';

/** What the verifier needs of a statement (both OCI and blob statements have it). */
export interface TrustPolicyStatement {
  name: string;
  signatureVerification: SignatureVerificationConfig;
  /** `<type>:<name>` values. */
  trustStores: string[];
  /** `*`, or `x509.subject:<DN>` (other prefixes are kept for plugins and ignored). */
  trustedIdentities: string[];
}

export const WILDCARD = '*';
export const X509_SUBJECT = 'x509.subject';

/** notation's `validatePolicyCore`. Throws ERR_TRUST_POLICY. */
export function validateStatement(statement: TrustPolicyStatement): void {
  const { name } = statement;
  if (name === '') {
    throw policyError('a trust policy statement is missing a name, every statement requires a name');
  }
  let levelName: string;
  try {
    levelName = resolveVerificationLevel(statement.signatureVerification).name;
    resolveVerifyTimestamp(statement.signatureVerification);
  } catch (error) {
    throw policyError(`trust policy statement ${goQuote(name)} has invalid signatureVerification: ${(error as Error).message}`);
  }
  const { trustStores, trustedIdentities } = statement;
  if (levelName === 'skip') {
    if (trustStores.length > 0 || trustedIdentities.length > 0) {
      throw policyError(
        `trust policy statement ${goQuote(name)} is set to skip signature verification but configured with trust stores and/or trusted identities, remove them if signature verification needs to be skipped`,
      );
    }
    return;
  }
  if (trustStores.length === 0 || trustedIdentities.length === 0) {
    throw policyError(`trust policy statement ${goQuote(name)} is either missing trust stores or trusted identities, both must be specified`);
  }
  validateTrustStoreValues(name, trustStores);
  validateTrustedIdentities(name, trustedIdentities);
}

function validateTrustStoreValues(name: string, trustStores: readonly string[]): void {
  for (const value of trustStores) {
    const separator = value.indexOf(':');
    if (separator < 0) {
      throw policyError(
        `trust policy statement ${goQuote(name)} has malformed trust store value ${goQuote(value)}. The required format is <TrustStoreType>:<TrustStoreName>`,
      );
    }
    const type = value.slice(0, separator);
    const storeName = value.slice(separator + 1);
    if (!isTrustStoreType(type)) {
      throw policyError(`trust policy statement ${goQuote(name)} uses an unsupported trust store type ${goQuote(type)} in trust store value ${goQuote(value)}`);
    }
    if (!TRUST_STORE_NAME_PATTERN.test(storeName)) {
      throw policyError(
        `trust policy statement ${goQuote(name)} uses an unsupported trust store name ${goQuote(storeName)} in trust store value ${goQuote(value)}. Named store name needs to follow [a-zA-Z0-9_.-]+ format`,
      );
    }
  }
}

function validateTrustedIdentities(name: string, identities: readonly string[]): void {
  if (identities.length > 1 && identities.includes(WILDCARD)) {
    throw policyError(
      `trust policy statement ${goQuote(name)} uses a wildcard trusted identity '*', a wildcard identity cannot be used in conjunction with other values`,
    );
  }
  const parsed: Array<{ raw: string; dn: ParsedDistinguishedName }> = [];
  for (const identity of identities) {
    if (identity === '') throw policyError(`trust policy statement ${goQuote(name)} has an empty trusted identity`);
    if (identity === WILDCARD) continue;
    const dnText = x509SubjectValue(name, identity);
    if (dnText === undefined) continue;
    try {
      parsed.push({ raw: identity, dn: parseDistinguishedName(dnText) });
    } catch (error) {
      throw policyError(`trust policy statement ${goQuote(name)} has trusted identity ${goQuote(identity)} with invalid identity value: ${(error as Error).message}`);
    }
  }
  // Two DNs where one is a subset of the other would make one of them meaningless.
  for (const [i, first] of parsed.entries()) {
    for (const [j, second] of parsed.entries()) {
      if (i !== j && isSubsetDistinguishedName(first.dn, second.dn)) {
        throw policyError(
          `trust policy statement ${goQuote(name)} has overlapping x509 trustedIdentities, ${goQuote(first.raw)} overlaps with ${goQuote(second.raw)}`,
        );
      }
    }
  }
}

/**
 * The DN text of an `x509.subject:` identity; undefined for other prefixes
 * (plugin identities). Throws notation's messages for a missing separator or
 * an empty value.
 */
export function x509SubjectValue(policyName: string, identity: string): string | undefined {
  const separator = identity.indexOf(':');
  if (separator < 0) {
    throw policyError(`trust policy statement ${goQuote(policyName)} has trusted identity ${goQuote(identity)} missing separator`);
  }
  if (identity.slice(0, separator) !== X509_SUBJECT) return undefined;
  const value = identity.slice(separator + 1);
  if (value === '') {
    throw policyError(`trust policy statement ${goQuote(policyName)} has trusted identity ${goQuote(identity)} without an identity value`);
  }
  return value;
}

export function policyError(message: string): NotaryError {
  return new NotaryError('ERR_TRUST_POLICY', message);
}
