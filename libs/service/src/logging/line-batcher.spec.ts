import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineBatcher } from './line-batcher';

function sink(fd = -1) {
  const chunks: string[] = [];
  let syncFlushes = 0;
  return { chunks, fd, syncFlushes: () => syncFlushes, write: (chunk: string) => chunks.push(chunk), flushSync: () => void syncFlushes++ };
}

describe('LineBatcher', () => {
  afterEach(() => jest.useRealTimers());

  it('holds lines until maxBytes are pending, then writes them as one chunk, in order', () => {
    const destination = sink();
    const batcher = new LineBatcher(destination, 30, 1_000);
    batcher.write('one 0123456\n');
    batcher.write('two 0123456\n');
    expect(destination.chunks).toEqual([]);
    batcher.write('three 01234\n');
    expect(destination.chunks).toEqual(['one 0123456\ntwo 0123456\nthree 01234\n']);
    batcher.close();
  });

  it('writes what is pending maxDelayMs after the first line, without more lines', () => {
    jest.useFakeTimers();
    const destination = sink();
    const batcher = new LineBatcher(destination, 1 << 20, 200);
    batcher.write('a\n');
    jest.advanceTimersByTime(150);
    batcher.write('b\n');
    expect(destination.chunks).toEqual([]);
    jest.advanceTimersByTime(50);
    expect(destination.chunks).toEqual(['a\nb\n']);
    jest.advanceTimersByTime(1_000);
    expect(destination.chunks).toHaveLength(1);
    batcher.close();
  });

  it('on exit, has the destination write what it holds, then writes its own lines to the descriptor synchronously', () => {
    const directory = mkdtempSync(join(tmpdir(), 'ng-batcher-'));
    const fd = openSync(join(directory, 'out.log'), 'w');
    try {
      const destination = sink(fd);
      const batcher = new LineBatcher(destination, 1 << 20, 60_000);
      batcher.write('last words\n');
      batcher.drainSync();
      expect(destination.syncFlushes()).toBe(1);
      expect(destination.chunks).toEqual([]);
      expect(readFileSync(join(directory, 'out.log'), 'utf8')).toBe('last words\n');
      batcher.close();
    } finally {
      closeSync(fd);
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
