/**
 * The fill lock across replicas: `SET lock NX PX` to take it, compare-and-delete
 * to release it (only the holder's token may release it, so a holder whose lock
 * expired never frees someone else's), compare-and-pexpire to keep it while the
 * producer still runs. The single-instance pattern of the Redis documentation
 * ("Distributed locks with Redis", correct implementation with a single instance).
 */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

const RELEASE_SCRIPT = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW_SCRIPT = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/** Takes the lock; resolves to the holder's token, or null when another holder has it. Rejects on Redis errors. */
export async function acquireLock(client: Redis | Cluster, lockKey: string, ttlMs: number): Promise<string | null> {
  const token = randomUUID();
  const reply = await client.set(lockKey, token, 'PX', ttlMs, 'NX');
  return reply === 'OK' ? token : null;
}

/** Releases the lock if `token` still holds it; true when it did. */
export async function releaseLock(client: Redis | Cluster, lockKey: string, token: string): Promise<boolean> {
  return Number(await client.eval(RELEASE_SCRIPT, 1, lockKey, token)) === 1;
}

/** Extends the lock to `ttlMs` from now if `token` still holds it; true when it did. */
export async function renewLock(client: Redis | Cluster, lockKey: string, token: string, ttlMs: number): Promise<boolean> {
  return Number(await client.eval(RENEW_SCRIPT, 1, lockKey, token, ttlMs)) === 1;
}

/** True while someone holds the lock. */
export async function isLocked(client: Redis | Cluster, lockKey: string): Promise<boolean> {
  return (await client.exists(lockKey)) === 1;
}
