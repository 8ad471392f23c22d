/**
 * Typed errors of the policy library. Codes are stable and are what callers and tests assert;
 * messages reproduce Kyverno's wording where Kyverno has one (kyverno-notary-spec §4, §5).
 */
export type PolicyErrorCode =
  | 'ERR_POLICY_VARIABLE' // a `{{ }}` variable could not be resolved
  | 'ERR_POLICY_JMESPATH' // a JMESPath expression failed (parse or evaluation)
  | 'ERR_POLICY_JMESPATH_NOT_FOUND' // Kyverno's dialect: a map lacks the key (`Unknown key "k" in path`)
  | 'ERR_POLICY_JMESPATH_FUNCTION' // a Kyverno custom function rejected its arguments
  | 'ERR_POLICY_OPERATOR' // a condition names an operator Kyverno does not know
  | 'ERR_POLICY_CONDITION' // a condition block is malformed
  | 'ERR_POLICY_INVALID'; // a policy document fails validation (PolicyDocumentError)

export class PolicyError extends Error {
  override readonly name: string = 'PolicyError';
  constructor(
    readonly code: PolicyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Kyverno's go-jmespath fork: a field lookup on a map that lacks the key (`NotFoundError`). */
export class JmespathNotFoundError extends PolicyError {
  override readonly name = 'JmespathNotFoundError';
  constructor(readonly key: string) {
    super('ERR_POLICY_JMESPATH_NOT_FOUND', `Unknown key "${key}" in path`);
  }
}

/** An error raised by a Kyverno custom function: `JMESPath function '<name>': <detail>`. */
export class JmespathFunctionError extends PolicyError {
  override readonly name = 'JmespathFunctionError';
  constructor(
    readonly functionName: string,
    detail: string,
  ) {
    super('ERR_POLICY_JMESPATH_FUNCTION', `JMESPath function '${functionName}': ${detail}`);
  }
}

/** `failed to resolve <var> at path <path>: <err>` (pkg/engine/variables/vars.go). */
export class VariableResolutionError extends PolicyError {
  override readonly name = 'VariableResolutionError';
  constructor(
    readonly variable: string,
    readonly path: string,
    cause: Error,
  ) {
    super('ERR_POLICY_VARIABLE', `failed to resolve ${variable} at path ${path}: ${cause.message}`, { cause });
  }
}
