/** The cache outage log: one line per operation per interval, with what it held back. */
import { throttledCacheErrors } from './worker-jobs.module';

describe('throttledCacheErrors', () => {
  it('logs the first error of each operation, then at most once per interval with the suppressed count', () => {
    const lines: [string, Record<string, unknown>][] = [];
    let clock = 0;
    const onError = throttledCacheErrors({ warn: (message: unknown, fields: unknown) => void lines.push([message as string, fields as Record<string, unknown>]) }, 1_000, () => clock);
    const down = new Error('Connection is closed.');
    onError(down, 'get');
    onError(down, 'get');
    onError(down, 'set');
    clock = 500;
    onError(down, 'get');
    clock = 1_200;
    onError(down, 'get');
    expect(lines).toEqual([
      ['cache get failed (serving without the cache): Connection is closed.', { context: 'Cache', operation: 'get' }],
      ['cache set failed (serving without the cache): Connection is closed.', { context: 'Cache', operation: 'set' }],
      ['cache get failed (serving without the cache): Connection is closed.', { context: 'Cache', operation: 'get', suppressed: 2 }],
    ]);
  });
});
