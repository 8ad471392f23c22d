/**
 * `--profile`: a CPU profile of the process under load, over exactly the
 * measured window. A child started with `--inspect=127.0.0.1:<port>` is
 * driven through the inspector protocol (Chrome DevTools Protocol over a
 * WebSocket: `Profiler.start` / `Profiler.stop`); this process is profiled
 * with `node:inspector`'s Session. The `.cpuprofile` files open in Chrome
 * DevTools or speedscope.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { request, WebSocket } from 'undici';

export interface Profiler {
  start(): Promise<void>;
  /** Stops and writes the profile to `file`. */
  stop(file: string): Promise<void>;
  close(): Promise<void>;
}

/** Profiles a child process listening for an inspector on `port`. */
export async function childProfiler(port: number): Promise<Profiler> {
  const targets = (await (await request(`http://127.0.0.1:${port}/json/list`)).body.json()) as { webSocketDebuggerUrl: string }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on 127.0.0.1:${port}`);
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to the inspector at ${url}`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 100 });
  return {
    start: async () => void (await call('Profiler.start')),
    stop: async (file) => {
      const { profile } = (await call('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
    },
    close: async () => socket.close(),
  };
}

/** Profiles this process (the in-process engine scenario). */
export function ownProfiler(): Profiler {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  return {
    start: async () => {
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    stop: async (file) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
    },
    close: async () => session.disconnect(),
  };
}
