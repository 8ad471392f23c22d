import { OciError, isInconclusiveCode, isOciError } from './errors';

describe('OciError', () => {
  it('keeps code, registry, reference, status and cause', () => {
    const cause = new Error('socket hang up');
    const error = new OciError('ERR_UNREACHABLE', 'fetch manifest r.io/a:v1: cannot reach r.io', { registry: 'r.io', reference: 'r.io/a:v1', status: undefined, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OciError');
    expect([error.code, error.registry, error.reference, error.cause]).toEqual(['ERR_UNREACHABLE', 'r.io', 'r.io/a:v1', cause]);
    expect(isOciError(error, 'ERR_UNREACHABLE')).toBe(true);
    expect(isOciError(error, 'ERR_NOT_FOUND')).toBe(false);
  });

  it('tells inconclusive from definitive', () => {
    for (const code of ['ERR_UNREACHABLE', 'ERR_TIMEOUT', 'ERR_RATE_LIMITED', 'ERR_SERVER_ERROR'] as const) {
      expect(new OciError(code, 'x').inconclusive).toBe(true);
    }
    for (const code of ['ERR_NOT_FOUND', 'ERR_DIGEST_MISMATCH', 'ERR_TOO_LARGE', 'ERR_TOO_MANY_REFERRERS', 'ERR_UNAUTHORIZED', 'ERR_INSECURE_REFUSED'] as const) {
      expect(isInconclusiveCode(code)).toBe(false);
    }
  });
});
