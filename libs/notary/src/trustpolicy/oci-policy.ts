/**
 * The OCI trust policy document, `trustpolicy.oci.json` (reference §10.1;
 * notation-go `trustpolicy/oci.go`): parsing, `Validate()` with notation's
 * exact messages, and statement selection by registry scope.
 */
import { NotaryError } from '../errors';
import { goQuote } from './go-format';
import { asArray, asObject, asString, asStringMap, field, JsonShapeError, parseJsonInput } from './json-fields';
import { artifactPathOf, validateRegistryScope } from './registry-scope';
import { policyError, type TrustPolicyStatement, validateStatement, WILDCARD } from './statement';
import type { SignatureVerificationConfig } from './levels';

export const SUPPORTED_POLICY_VERSIONS: readonly string[] = ['1.0'];
export const TRUST_POLICY_LINK = 'https://notaryproject.dev/docs/quickstart/#create-a-trust-policy';

export interface OciTrustPolicyStatement extends TrustPolicyStatement {
  registryScopes: string[];
}

export class OciTrustPolicyDocument {
  constructor(
    readonly version: string,
    readonly trustPolicies: readonly OciTrustPolicyStatement[],
  ) {}

  /** notation's `OCIDocument.Validate()`. Throws ERR_TRUST_POLICY with notation's message. */
  validate(): void {
    if (this.version === '') throw policyError('oci trust policy document has empty version, version must be specified');
    if (!SUPPORTED_POLICY_VERSIONS.includes(this.version)) {
      throw policyError(`oci trust policy document uses unsupported version ${goQuote(this.version)}`);
    }
    if (this.trustPolicies.length === 0) throw policyError('oci trust policy document can not have zero trust policy statements');
    const names = new Set<string>();
    for (const statement of this.trustPolicies) {
      if (names.has(statement.name)) {
        throw policyError(`multiple oci trust policy statements use the same name ${goQuote(statement.name)}, statement names must be unique`);
      }
      names.add(statement.name);
      try {
        validateStatement(statement);
      } catch (error) {
        throw policyError(`oci trust policy: ${(error as Error).message}`);
      }
    }
    this.validateRegistryScopes();
  }

  private validateRegistryScopes(): void {
    const statementsPerScope = new Map<string, number>();
    for (const statement of this.trustPolicies) {
      const { registryScopes: scopes, name } = statement;
      if (scopes.length === 0) {
        throw policyError(`oci trust policy statement ${goQuote(name)} has zero registry scopes, it must specify registry scopes with at least one value`);
      }
      if (scopes.length > 1 && scopes.includes(WILDCARD)) {
        throw policyError(
          `oci trust policy statement ${goQuote(name)} uses wildcard registry scope '*', a wildcard scope cannot be used in conjunction with other scope values`,
        );
      }
      for (const scope of scopes) {
        if (scope !== WILDCARD) validateRegistryScope(scope);
        statementsPerScope.set(scope, (statementsPerScope.get(scope) ?? 0) + 1);
      }
    }
    for (const [scope, count] of statementsPerScope) {
      if (count > 1) {
        throw policyError(
          `registry scope ${goQuote(scope)} is present in multiple oci trust policy statements, one registry scope value can only be associated with one statement`,
        );
      }
    }
  }

  /**
   * The statement for `registry/repository@digest`: an exact repository
   * match wins over the `*` statement. Throws ERR_NO_APPLICABLE_POLICY.
   */
  applicableStatement(artifactReference: string): OciTrustPolicyStatement {
    const path = artifactPathOf(artifactReference);
    let wildcard: OciTrustPolicyStatement | undefined;
    let exact: OciTrustPolicyStatement | undefined;
    for (const statement of this.trustPolicies) {
      if (statement.registryScopes.includes(WILDCARD)) wildcard = statement;
      else if (statement.registryScopes.includes(path)) exact = statement;
    }
    const chosen = exact ?? wildcard;
    if (!chosen) {
      throw new NotaryError(
        'ERR_NO_APPLICABLE_POLICY',
        `artifact ${goQuote(artifactReference)} has no applicable oci trust policy statement. Trust policy applicability for a given artifact is determined by registryScopes. To create a trust policy, see: ${TRUST_POLICY_LINK}`,
      );
    }
    return chosen;
  }
}

/**
 * Read an OCI trust policy document (JSON text, bytes or a parsed value) the
 * way notation loads `trustpolicy.oci.json`. Does not validate: call
 * `validate()`. Throws ERR_TRUST_POLICY `malformed trust policy…` when the
 * JSON is broken or a field has the wrong type.
 */
export function parseOciTrustPolicy(input: string | Buffer | unknown): OciTrustPolicyDocument {
  return readDocument(input, (value) => {
    const root = asObject(value, 'trust policy') ?? {};
    const statements = asArray(field(root, 'trustPolicies'), 'trustPolicies', (element, what) => {
      const statement = asObject(element, what) ?? {};
      return { ...readStatementCore(statement, what), registryScopes: readStrings(statement, 'registryScopes', what) };
    });
    return new OciTrustPolicyDocument(asString(field(root, 'version'), 'version'), statements);
  });
}

// ---- shared by the blob document ----

export function readDocument<T>(input: string | Buffer | unknown, read: (value: unknown) => T): T {
  try {
    return read(parseJsonInput(input));
  } catch (error) {
    if (error instanceof JsonShapeError) {
      throw new NotaryError('ERR_TRUST_POLICY', `malformed trust policy. To create a trust policy, see: ${TRUST_POLICY_LINK}`, { cause: error });
    }
    throw error;
  }
}

export function readStatementCore(statement: Record<string, unknown>, what: string): TrustPolicyStatement {
  return {
    name: asString(field(statement, 'name'), `${what}.name`),
    signatureVerification: readSignatureVerification(field(statement, 'signatureVerification'), `${what}.signatureVerification`),
    trustStores: readStrings(statement, 'trustStores', what),
    trustedIdentities: readStrings(statement, 'trustedIdentities', what),
  };
}

function readSignatureVerification(value: unknown, what: string): SignatureVerificationConfig {
  const object = asObject(value, what) ?? {};
  const config: SignatureVerificationConfig = { level: asString(field(object, 'level'), `${what}.level`) };
  const override = asStringMap(field(object, 'override'), `${what}.override`);
  if (override) config.override = override;
  const verifyTimestamp = asString(field(object, 'verifyTimestamp'), `${what}.verifyTimestamp`);
  if (verifyTimestamp !== '') config.verifyTimestamp = verifyTimestamp;
  return config;
}

function readStrings(object: Record<string, unknown>, name: string, what: string): string[] {
  return asArray(field(object, name), `${what}.${name}`, asString);
}

