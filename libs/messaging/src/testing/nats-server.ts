/**
 * Test support: a private nats-server on a free loopback port, started from
 * a configuration text (TLS, users, accounts), which a test may kill,
 * freeze (SIGSTOP) and thaw without touching the shared NATS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface NatsServer {
  readonly port: number;
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  /** SIGKILL. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a frozen server keeps its sockets open and answers nothing. */
  freeze(): void;
  thaw(): void;
  /** Starts it again on the same port with the same configuration. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts nats-server with `config` (nats-server configuration syntax; `port` and `host` are added). */
export async function startNatsServer(config = ''): Promise<NatsServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ng-nats-'));
  const file = join(dir, 'nats.conf');
  writeFileSync(file, `host: 127.0.0.1\nport: ${port}\n${config}\n`);
  let child: ChildProcess | undefined = await launch(file, port);
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT');
    running.kill('SIGKILL');
    await exited;
  };
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    kill,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    restart: async () => {
      await kill();
      child = await launch(file, port);
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(file: string, port: number): Promise<ChildProcess> {
  let output = '';
  const child = spawn('nats-server', ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 5_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not start on port ${port}: ${output}`);
    }
    await sleep(20);
  }
  return child;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('INFO')));
    socket.connect(port, '127.0.0.1');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
