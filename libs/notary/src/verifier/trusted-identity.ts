/**
 * Trusted identities (reference §10.3; notation-go
 * `verifyX509TrustedIdentities`): the LEAF subject must contain every
 * attribute of one configured `x509.subject` DN. The leaf subject is read as
 * Go prints it (`pkix.Name.String()`), then parsed by the same DN rules, so a
 * leaf without C/ST/O, or with attributes Go prints as `<oid>=#…`, never matches.
 */
import { NotaryError } from '../errors';
import { type ParsedDistinguishedName, isSubsetDistinguishedName, parseDistinguishedName } from '../trustpolicy/distinguished-name';
import { goQuote, goQuoteMaps } from '../trustpolicy/go-format';
import { WILDCARD, x509SubjectValue } from '../trustpolicy/statement';
import type { Certificate } from '../x509/certificate';

/** null when the leaf of `chain` is a trusted identity of the statement, else the error notation reports. */
export function trustedIdentityError(policyName: string, trustedIdentities: readonly string[], chain: readonly Certificate[]): NotaryError | null {
  if (trustedIdentities.includes(WILDCARD)) return null;
  const trusted: ParsedDistinguishedName[] = [];
  try {
    for (const identity of trustedIdentities) {
      const dn = x509SubjectValue(policyName, identity);
      if (dn !== undefined) trusted.push(parseDistinguishedName(dn));
    }
  } catch (error) {
    return identityError((error as Error).message);
  }
  if (trusted.length === 0) return identityError(`no x509 trusted identities are configured in the trust policy ${goQuote(policyName)}`);

  const leaf = chain[0];
  if (!leaf) return identityError('certificate chain is not present');
  let leafSubject: ParsedDistinguishedName;
  try {
    leafSubject = parseDistinguishedName(leaf.subject);
  } catch (error) {
    return identityError(`error while parsing the certificate subject from the digital signature. error : ${goQuote((error as Error).message)}`);
  }
  if (trusted.some((dn) => isSubsetDistinguishedName(dn, leafSubject))) return null;
  return identityError(
    `signing certificate from the digital signature does not match the X.509 trusted identities ${goQuoteMaps(trusted)} defined in the trust policy ${goQuote(policyName)}`,
  );
}

function identityError(message: string): NotaryError {
  return new NotaryError('ERR_TRUSTED_IDENTITY', message);
}
