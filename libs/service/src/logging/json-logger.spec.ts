import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogger, LOG_FLUSH_MS } from './json-logger';

const capture = (level: 'info' | 'debug' | 'warn' = 'info') => {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger({ service: 'gateway', level, now: () => new Date('2024-05-01T12:00:00.000Z'), write: (line) => lines.push(JSON.parse(line)) });
  return { logger, lines };
};

describe('JsonLogger', () => {
  it('writes one JSON object per line with time, level, msg, service and the fields', () => {
    const written: string[] = [];
    const logger = new JsonLogger({ service: 'gateway', now: () => new Date('2024-05-01T12:00:00.000Z'), write: (line) => written.push(line) });
    logger.info('policies loaded', { count: 3, dir: '/policies' });
    expect(written).toEqual(['{"level":"info","time":"2024-05-01T12:00:00.000Z","service":"gateway","count":3,"dir":"/policies","msg":"policies loaded"}']);
  });

  it('writes messages verbatim (no printf-style formatting)', () => {
    const { logger, lines } = capture();
    logger.info('100%s done %d %o %j');
    expect(lines[0]).toMatchObject({ msg: '100%s done %d %o %j' });
  });

  it('shares one destination with its children', () => {
    const { logger, lines } = capture();
    logger.child({ role: 'a' }).child({ step: 1 }).info('deep');
    logger.info('root');
    expect(lines).toEqual([expect.objectContaining({ msg: 'deep', role: 'a', step: 1 }), expect.objectContaining({ msg: 'root' })]);
    expect(lines[1]).not.toHaveProperty('role');
  });

  it('puts the request id first, from the fields or from a child logger', () => {
    const { logger, lines } = capture();
    logger.info('admitted', { requestId: 'req-1', kind: 'Pod' });
    logger.child({ requestId: 'req-2' }).info('verified');
    logger.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'admitted', requestId: 'req-1', kind: 'Pod' });
    expect(Object.keys(lines[0]!).indexOf('requestId')).toBeLessThan(Object.keys(lines[0]!).indexOf('kind'));
    expect(lines[1]).toMatchObject({ msg: 'verified', requestId: 'req-2' });
    expect(lines[2]).not.toHaveProperty('requestId');
  });

  it('never logs secrets: credential keys at any depth and passwords in URLs', () => {
    const { logger, lines } = capture();
    logger.info('connecting to redis://user:hunter2@redis:6379', {
      headers: { Authorization: 'Bearer abc.def', accept: 'json' },
      password: 'pw',
      nested: { registry: { token: 't0k', username: 'me', api_key: 'k' } },
      url: 'nats://svc:s3cret@nats:4222',
      list: [{ clientSecret: 'x' }],
    });
    const text = JSON.stringify(lines[0]);
    for (const secret of ['hunter2', 'abc.def', '"pw"', 't0k', '"k"', 's3cret', '"x"']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      msg: 'connecting to redis://user:[REDACTED]@redis:6379',
      headers: { Authorization: '[REDACTED]', accept: 'json' },
      password: '[REDACTED]',
      nested: { registry: { token: '[REDACTED]', username: 'me', api_key: '[REDACTED]' } },
      url: 'nats://svc:[REDACTED]@nats:4222',
      list: [{ clientSecret: '[REDACTED]' }],
    });
  });

  it('writes to a file descriptor asynchronously, every line in order once flushed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'ng-logger-'));
    const file = join(directory, 'out.log');
    const fd = openSync(file, 'w');
    try {
      const logger = new JsonLogger({ service: 'probe', fd });
      for (let i = 0; i < 500; i++) logger.info(`line ${i}`, { i, password: 'hunter2' });
      await new Promise<void>((done, fail) => logger.flush((error) => (error ? fail(error) : done())));
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => line['i'])).toEqual(Array.from({ length: 500 }, (_, i) => i));
      expect(lines[0]).toMatchObject({ level: 'info', service: 'probe', msg: 'line 0', password: '[REDACTED]' });
      await logger.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('writes buffered lines by itself within LOG_FLUSH_MS, without a flush', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'ng-logger-'));
    const file = join(directory, 'out.log');
    const fd = openSync(file, 'w');
    try {
      const logger = new JsonLogger({ service: 'probe', fd });
      logger.info('one line, far below the buffer size');
      const logged = Date.now();
      while (readFileSync(file, 'utf8') === '' && Date.now() - logged < 20 * LOG_FLUSH_MS) await new Promise((wake) => setTimeout(wake, 10));
      expect(readFileSync(file, 'utf8')).toContain('one line, far below the buffer size');
      expect(Date.now() - logged).toBeLessThan(10 * LOG_FLUSH_MS);
      await logger.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('filters by level', () => {
    const { logger, lines } = capture('warn');
    logger.info('no');
    logger.debug('no');
    logger.warn('yes');
    logger.error('yes too');
    expect(lines.map((line) => line['level'])).toEqual(['warn', 'error']);
  });

  it("speaks Nest's LoggerService convention (context last, stack before it)", () => {
    const { logger, lines } = capture('debug');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.error('boom', 'Error: boom\n    at x (y.ts:1:1)', 'ExceptionsHandler');
    logger.error(new Error('bad thing'));
    logger.warn('careful', { policy: 'p' });
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'Nest application successfully started', context: 'NestApplication' });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'boom', context: 'ExceptionsHandler', stack: 'Error: boom\n    at x (y.ts:1:1)' });
    expect(lines[2]).toMatchObject({ level: 'error', msg: 'bad thing', error: { name: 'Error', message: 'bad thing' } });
    expect(lines[3]).toMatchObject({ level: 'warn', msg: 'careful', policy: 'p' });
  });

  it('keeps reserved keys from being overwritten and carries child fields', () => {
    const { logger, lines } = capture();
    logger.child({ role: 'verifier' }).info('hello', { level: 'fake', msg: 'fake', requestId: 'r-9' });
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'hello', role: 'verifier', requestId: 'r-9', 'field.level': 'fake', 'field.msg': 'fake' });
  });

  it('survives cycles and odd values', () => {
    const { logger, lines } = capture();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    logger.info('odd', { cyclic, big: 10n, buffer: Buffer.alloc(4) });
    expect(lines[0]).toMatchObject({ cyclic: { a: 1, self: '[Circular]' }, big: '10', buffer: '<4 bytes>' });
  });
});
