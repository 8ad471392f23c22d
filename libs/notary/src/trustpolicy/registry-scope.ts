/**
 * Registry scopes (reference §10.1; notation-go `validateRegistryScopeFormat`,
 * `getArtifactPathFromReference`): `domain/repository` with the domain and
 * repository grammars adapted from distribution's `reference/regexp.go`.
 */
import { NotaryError } from '../errors';
import { goQuote } from './go-format';

const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))+)?(?::[0-9]+)?$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?(?:(?:\/[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?)+)?$/;
const ENSURE =
  'make sure it is a fully qualified repository without the scheme, protocol or tag. For example domain.com/my/repository or a local scope like local/myOCILayout';

/** Throws ERR_TRUST_POLICY unless `scope` is `domain/repository` (the lone `*` is checked by the caller). */
export function validateRegistryScope(scope: string): void {
  if (scope.length > 1 && scope.includes('*')) {
    throw new NotaryError('ERR_TRUST_POLICY', `registry scope ${goQuote(scope)} with wild card(s) is not valid, ${ENSURE}`);
  }
  const slash = scope.indexOf('/');
  const domain = slash < 0 ? '' : scope.slice(0, slash);
  const repository = slash < 0 ? '' : scope.slice(slash + 1);
  if (domain === '' || repository === '' || !DOMAIN.test(domain) || !REPOSITORY.test(repository)) {
    throw new NotaryError('ERR_TRUST_POLICY', `registry scope ${goQuote(scope)} is not valid, ${ENSURE}`);
  }
}

/**
 * The `registry/repository` part of `registry/repository@<digest>`, which is
 * what registry scopes are matched against. Throws ERR_NO_APPLICABLE_POLICY.
 */
export function artifactPathOf(artifactReference: string): string {
  const at = artifactReference.lastIndexOf('@');
  if (at < 0) {
    throw new NotaryError(
      'ERR_NO_APPLICABLE_POLICY',
      `artifact URI ${goQuote(artifactReference)} could not be parsed, make sure it is the fully qualified oci artifact URI without the scheme/protocol. e.g domain.com:80/my/repository@sha256:digest`,
    );
  }
  const path = artifactReference.slice(0, at);
  try {
    validateRegistryScope(path);
  } catch (error) {
    throw new NotaryError('ERR_NO_APPLICABLE_POLICY', (error as Error).message);
  }
  return path;
}
