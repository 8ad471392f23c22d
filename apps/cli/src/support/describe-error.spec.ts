import { OciError } from '@notary-gate/oci';
import { NotaryError } from '@notary-gate/notary';
import { describeError } from './describe-error';
import { CommandFailed, ExitStatus, UsageError } from './errors';

describe('describeError: exit status by kind of failure', () => {
  it.each([
    ['a usage error', new UsageError('bad flag'), ExitStatus.usage, 'bad flag'],
    ['a decided command failure', new CommandFailed('no'), ExitStatus.failed, 'no'],
    ['an invalid reference', new OciError('ERR_INVALID_REFERENCE', 'invalid reference "X"'), ExitStatus.usage, 'invalid reference "X"'],
    ['a missing artifact', new OciError('ERR_NOT_FOUND', 'not found'), ExitStatus.failed, 'not found'],
    ['an unreachable registry', new OciError('ERR_UNREACHABLE', 'cannot reach r'), ExitStatus.inconclusive, 'registry unavailable: cannot reach r'],
    ['a 5xx after retries', new OciError('ERR_SERVER_ERROR', 'HTTP 503'), ExitStatus.inconclusive, 'registry unavailable: HTTP 503'],
    ['an inconclusive verification', new NotaryError('ERR_INCONCLUSIVE', 'timeout'), ExitStatus.inconclusive, 'could not decide: timeout'],
    ['no signature', new NotaryError('ERR_NO_SIGNATURE', 'no signature is associated'), ExitStatus.failed, 'no signature is associated'],
    ['refused user metadata', new NotaryError('ERR_USER_METADATA', 'reserved'), ExitStatus.usage, 'reserved'],
    ['a refused signing key', new NotaryError('ERR_SIGNER_INVALID', 'key not matches'), ExitStatus.usage, 'key not matches'],
    ['anything else', new Error('boom'), ExitStatus.failed, 'boom'],
  ])('%s', (_name, error, status, message) => {
    expect(describeError(error)).toEqual({ status, message });
  });

  it('names the flag that allows plain HTTP', () => {
    const error = new OciError('ERR_INSECURE_REFUSED', 'plain HTTP is refused', { registry: 'localhost:5000' });
    expect(describeError(error)).toEqual({ status: ExitStatus.usage, message: 'plain HTTP is refused (to allow it, pass --insecure-registry localhost:5000)' });
  });
});
