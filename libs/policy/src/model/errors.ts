/** A policy that cannot be used, with where (file, YAML path) and why. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code = 'ERR_POLICY_INVALID';
  constructor(
    readonly source: string,
    /** YAML path inside the document, e.g. `spec.rules[0].verifyImages[0].attestors[0].count`. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${source}: ${path ? `${path}: ` : ''}${reason}`);
  }
}
