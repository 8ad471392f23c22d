/**
 * Jest global setup: the suites talk to a real NATS (JetStream) and a real
 * Redis. They use the servers at NATS_URL / REDIS_URL (default the local
 * ones, 127.0.0.1:4222 and :6379) when those answer; only where they do not
 * and a Docker engine exists are they started with testcontainers. The URLs
 * are exported to the test workers through the environment.
 */
import { Socket } from 'node:net';

const DEFAULTS = { NATS_URL: 'nats://127.0.0.1:4222', REDIS_URL: 'redis://127.0.0.1:6379' } as const;

interface Stoppable {
  stop(): Promise<unknown>;
}

declare global {
  var __notaryGateContainers: Stoppable[] | undefined;
}

function reachable(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port), hostname.replace(/^\[|\]$/g, ''), () => done(true));
  });
}

export default async function globalSetup(): Promise<void> {
  const missing: (keyof typeof DEFAULTS)[] = [];
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const url = process.env[name] ?? DEFAULTS[name];
    process.env[name] = url;
    if (!(await reachable(url))) missing.push(name);
  }
  if (missing.length === 0) return;
  const unreachable = missing.map((name) => process.env[name]).join(', ');

  // testcontainers is loaded only here: a machine with the services never needs a Docker engine.
  const { GenericContainer, Wait } = await import('testcontainers');
  const started: Stoppable[] = (globalThis.__notaryGateContainers = []);
  try {
    if (missing.includes('NATS_URL')) {
      const nats = await new GenericContainer('nats:2.10').withCommand(['-js']).withExposedPorts(4222).withWaitStrategy(Wait.forLogMessage(/Server is ready/)).start();
      started.push(nats);
      process.env['NATS_URL'] = `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`;
    }
    if (missing.includes('REDIS_URL')) {
      const redis = await new GenericContainer('redis:7').withCommand(['redis-server', '--save', '', '--appendonly', 'no']).withExposedPorts(6379).start();
      started.push(redis);
      process.env['REDIS_URL'] = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
    }
  } catch (error) {
    throw new Error(
      `${missing.join(' and ')} not reachable (${unreachable}) and they could not be started with testcontainers: ${(error as Error).message}. ` +
        'Start NATS (with -js) and Redis locally (bash .ci/run does), or set NATS_URL / REDIS_URL.',
    );
  }
}
