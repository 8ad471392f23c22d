/**
 * The blob trust policy document, `trustpolicy.blob.json` (reference §10.1;
 * notation-go `trustpolicy/blob.go`): statements are chosen by name, or the
 * one marked `globalPolicy`.
 */
import { NotaryError } from '../errors';
import { goQuote } from './go-format';
import { asArray, asBoolean, asObject, asString, field } from './json-fields';
import { resolveVerificationLevel } from './levels';
import { readDocument, readStatementCore, SUPPORTED_POLICY_VERSIONS } from './oci-policy';
import { policyError, type TrustPolicyStatement, validateStatement } from './statement';

export interface BlobTrustPolicyStatement extends TrustPolicyStatement {
  globalPolicy: boolean;
}

export class BlobTrustPolicyDocument {
  constructor(
    readonly version: string,
    readonly trustPolicies: readonly BlobTrustPolicyStatement[],
  ) {}

  /** notation's `BlobDocument.Validate()`. Throws ERR_TRUST_POLICY with notation's message. */
  validate(): void {
    if (this.version === '') throw policyError('blob trust policy has empty version, version must be specified');
    if (!SUPPORTED_POLICY_VERSIONS.includes(this.version)) {
      throw policyError(`blob trust policy document uses unsupported version ${goQuote(this.version)}`);
    }
    if (this.trustPolicies.length === 0) throw policyError('blob trust policy document can not have zero trust policy statements');
    const names = new Set<string>();
    let foundGlobal = false;
    for (const statement of this.trustPolicies) {
      if (names.has(statement.name)) {
        throw policyError(`multiple blob trust policy statements use the same name ${goQuote(statement.name)}, statement names must be unique`);
      }
      try {
        validateStatement(statement);
      } catch (error) {
        throw policyError(`blob trust policy: ${(error as Error).message}`);
      }
      if (statement.globalPolicy) {
        if (foundGlobal) {
          throw policyError(
            'multiple blob trust policy statements have globalPolicy set to true. Only one trust policy statement can be marked as global policy',
          );
        }
        // The spec forbids a global skip statement. notation-go means to check
        // this too, but compares a string with a level struct, so never does:
        // we follow the spec.
        if (resolveVerificationLevel(statement.signatureVerification).name === 'skip') {
          throw policyError('global blob trust policy statement cannot have verification level set to skip');
        }
        foundGlobal = true;
      }
      names.add(statement.name);
    }
  }

  /** The statement named `policyName`. Throws ERR_NO_APPLICABLE_POLICY. */
  statementNamed(policyName: string): BlobTrustPolicyStatement {
    if (policyName.trim() === '') throw new NotaryError('ERR_NO_APPLICABLE_POLICY', 'policy name cannot be empty');
    const statement = this.trustPolicies.find((candidate) => candidate.name === policyName);
    if (!statement) throw new NotaryError('ERR_NO_APPLICABLE_POLICY', `no applicable blob trust policy with name ${goQuote(policyName)}`);
    return statement;
  }

  /** The `globalPolicy` statement. Throws ERR_NO_APPLICABLE_POLICY. */
  globalStatement(): BlobTrustPolicyStatement {
    const statement = this.trustPolicies.find((candidate) => candidate.globalPolicy);
    if (!statement) throw new NotaryError('ERR_NO_APPLICABLE_POLICY', 'no global blob trust policy');
    return statement;
  }

  /** By name when one is given, else the global statement (notation `VerifyBlob`). */
  applicableStatement(policyName?: string): BlobTrustPolicyStatement {
    return policyName ? this.statementNamed(policyName) : this.globalStatement();
  }
}

/**
 * Read a blob trust policy document (JSON text, bytes or a parsed value).
 * Does not validate: call `validate()`.
 */
export function parseBlobTrustPolicy(input: string | Buffer | unknown): BlobTrustPolicyDocument {
  return readDocument(input, (value) => {
    const root = asObject(value, 'trust policy') ?? {};
    const statements = asArray(field(root, 'trustPolicies'), 'trustPolicies', (element, what) => {
      const statement = asObject(element, what) ?? {};
      return { ...readStatementCore(statement, what), globalPolicy: asBoolean(field(statement, 'globalPolicy'), `${what}.globalPolicy`) };
    });
    return new BlobTrustPolicyDocument(asString(field(root, 'version'), 'version'), statements);
  });
}
