import { PolicyError } from '../errors';

/** A policy document that cannot be used, with where (file, YAML path) and why. */
export class PolicyDocumentError extends PolicyError {
  override readonly name = 'PolicyDocumentError';
  constructor(
    readonly source: string,
    /** YAML path inside the document, e.g. `spec.rules[0].verifyImages[0].attestors[0].count`. */
    readonly path: string,
    readonly reason: string,
  ) {
    super('ERR_POLICY_INVALID', `${source}: ${path ? `${path}: ` : ''}${reason}`);
  }
}
