/**
 * Starts Debian's `docker-registry` (CNCF Distribution 2.8) on a free loopback
 * port for a test suite or a benchmark: a real OCI registry, no mocks. Each
 * call gets its own storage directory unless one is given (e.g. an extracted
 * vectors tarball). The registry's access log is captured so callers can
 * count requests.
 *
 * Lives under bench/ (compiled into dist) rather than test/ (not compiled) so
 * that `npm run bench:admission` and the test suites share this one launcher;
 * test/support/registry.ts re-exports it.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalRegistry {
  /** host:port, e.g. 127.0.0.1:41234 */
  readonly host: string;
  readonly rootDirectory: string;
  /** Access-log entries seen so far (method and path of each request). */
  requests(): { method: string; path: string; status: number }[];
  clearRequests(): void;
  stop(): Promise<void>;
}

export const REGISTRY_BINARY = process.env['DOCKER_REGISTRY_BIN'] ?? '/usr/bin/docker-registry';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startRegistry(options: { rootDirectory?: string } = {}): Promise<LocalRegistry> {
  if (!existsSync(REGISTRY_BINARY)) {
    throw new Error(`${REGISTRY_BINARY} not found: install Debian's docker-registry package (apt-get install docker-registry)`);
  }
  const work = mkdtempSync(join(tmpdir(), 'ng-registry-'));
  const rootDirectory = options.rootDirectory ?? join(work, 'data');
  const port = await freePort();
  const config = join(work, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: info',
      '  formatter: json',
      '  accesslog:',
      '    disabled: false',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${rootDirectory}`,
      '  delete:',
      '    enabled: true',
      '  cache:',
      '    blobdescriptor: inmemory',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: { method: string; path: string; status: number }[] = [];
  let buffered = '';
  const onData = (chunk: Buffer): void => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      // The access log is Apache combined format: `... "GET /v2/... HTTP/1.1" 200 ...`
      const match = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/.exec(line);
      if (match) log.push({ method: match[1]!, path: match[2]!, status: Number(match[3]) });
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const host = `127.0.0.1:${port}`;
  await waitUntilServing(host, child);
  return {
    host,
    rootDirectory,
    requests: () => [...log],
    clearRequests: () => void log.splice(0, log.length),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}

async function waitUntilServing(host: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with status ${child.exitCode}`);
    try {
      const response = await fetch(`http://${host}/v2/`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`docker-registry did not start on ${host} within 10s`);
}
