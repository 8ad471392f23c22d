/**
 * The gateway's near-cache: a JobsPort decorator that keeps, for a few
 * seconds, the answers the verification tier already gave — so that a warm
 * admission (an image verified moments ago) needs no NATS round trip — and
 * lets concurrent identical jobs share one request to the tier.
 *
 * What it keeps, and for how long (the freshness rule, in the manner of
 * Kyverno's documented image-verify cache — "a change in the registry is not
 * reflected until the entry expires" — but seconds rather than its hour):
 * - a discover answer (tag → digest, referrer lists) for at most `ttlMs`
 *   (default 5 s) after the tier gave it. The tier keeps re-resolving tags on
 *   its own schedule (CACHE_TAG_TTL, CACHE_REFERRERS_TTL); a gateway sees a
 *   moved tag or a new signature at most `ttlMs` after the tier does. The
 *   digest pinned is always the digest that was verified.
 * - a positive signature verdict (`verified: true`) for at most `ttlMs`, and
 *   never past its `validUntil` (the certificate's notAfter or the signature's
 *   expiry, which the tier computes and sends with the verdict); a
 *   job of an entry with `useCache: false` (`noCache`) always goes to the
 *   tier. Negative verdicts, attestation evaluations (they depend on the whole
 *   request) and failures (timeouts, an unreachable tier: inconclusive) are
 *   never kept.
 * - the key is the subject and the whole job request (image, artifact types,
 *   trust anchors, limits, and whatever else a job carries, e.g. a cluster's
 *   credentials): an answer is never reused for another input.
 * - an answer still in use in the last `refreshAheadMs` of its life (default
 *   a quarter of `ttlMs`) is asked again in the background, once, and the new
 *   answer replaces it: under steady use the admissions never wait on the
 *   tier when an entry ends, and no answer is older than `ttlMs` all the same.
 * - everything is dropped when the policy set changes (`generation()` returns
 *   a new value), so an edited policy never reuses an answer given under the
 *   old one; and the cache is bounded (`maxEntries`, oldest first out).
 * The answers kept are the ones the port returned, i.e. already opened and
 * checked by it (sealed jobs, authenticated replies): nothing is trusted here
 * that the port would not have trusted.
 */
import { createHash } from 'node:crypto';
import {
  Subjects,
  type DiscoverReply,
  type DiscoverRequest,
  type EvaluateReply,
  type EvaluateRequest,
  type JobOptions,
  type JobsPort,
  type VerifyReply,
  type VerifyRequest,
} from '@notary-gate/contracts';

export interface NearCacheOptions {
  /** How long an answer is reused (ms). Default 5000. 0 turns the near-cache off: every job goes to the tier, none is shared. */
  ttlMs?: number;
  /** An entry used in its last this-many ms is asked again in the background. Default ttlMs / 4; 0: never. */
  refreshAheadMs?: number;
  /** Entries kept at most; the oldest go first. Default 10000. */
  maxEntries?: number;
  /** The policy set in force (its policy objects): when any element changes (`!==`), every entry is dropped. */
  generation?: () => readonly unknown[];
  /** Clock (ms); injectable for tests. */
  now?: () => number;
}

interface Entry {
  reply: unknown;
  expires: number;
  /** From when a use asks again in the background; never for an entry ended by its validUntil (asking again would not extend it). */
  refreshFrom: number;
}

interface Pending {
  promise: Promise<unknown>;
  /** The deadline of the job sent; a caller whose deadline is much later sends its own rather than inherit an earlier timeout. */
  deadline: number;
}

/**
 * A caller joins a job in flight whose deadline is at most this much earlier than its own: admissions of
 * one rollout arrive milliseconds apart with deadlines as far apart, and must share the job (one registry
 * fetch per burst); one whose deadline is seconds later asks on its own.
 */
const JOIN_SLACK_MS = 1_000;

export interface NearCacheStats {
  hits: number;
  misses: number;
  shared: number;
  /** Entries asked again in the background before they ended. */
  refreshes: number;
  entries: number;
}

export class NearCacheJobsPort implements JobsPort {
  private readonly ttlMs: number;
  private readonly refreshAheadMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Pending>();
  /** Ids for long string fields (trust-anchor PEMs) in keys; see StringIds. */
  private readonly strings = new StringIds(MAX_INTERNED);
  private generation: readonly unknown[] | undefined;
  private readonly counts = { hits: 0, misses: 0, shared: 0, refreshes: 0 };

  constructor(
    private readonly port: JobsPort,
    private readonly options: NearCacheOptions = {},
  ) {
    if (!port || typeof port.discover !== 'function' || typeof port.verify !== 'function' || typeof port.evaluate !== 'function') {
      throw new TypeError('NearCacheJobsPort: port must be a JobsPort');
    }
    this.ttlMs = options.ttlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.refreshAheadMs = options.refreshAheadMs ?? this.ttlMs / 4;
    if (!Number.isFinite(this.refreshAheadMs) || this.refreshAheadMs < 0 || this.refreshAheadMs > this.ttlMs) {
      throw new TypeError(`NearCacheJobsPort: refreshAheadMs must be between 0 and ttlMs, got ${String(options.refreshAheadMs)}`);
    }
    if (!Number.isFinite(this.ttlMs) || this.ttlMs < 0) throw new TypeError(`NearCacheJobsPort: ttlMs must be ≥ 0, got ${String(options.ttlMs)}`);
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new TypeError(`NearCacheJobsPort: maxEntries must be a positive integer, got ${String(options.maxEntries)}`);
    this.now = options.now ?? Date.now;
    this.generation = options.generation?.();
  }

  discover(request: DiscoverRequest, options: JobOptions): Promise<DiscoverReply> {
    return this.through(jobKey(Subjects.discover, request, this.strings), options, () => this.port.discover(request, options), () => Number.POSITIVE_INFINITY);
  }

  verify(request: VerifyRequest, options: JobOptions): Promise<VerifyReply> {
    // `useCache: false` (Kyverno's per-entry switch): verified afresh by the tier, never answered from here.
    if (request.noCache === true) return this.port.verify(request, options);
    return this.through(jobKey(Subjects.verify, request, this.strings), options, () => this.port.verify(request, options), verdictBound);
  }

  /** Evaluations read the whole admission's context: never kept, never shared. */
  evaluate(request: EvaluateRequest, options: JobOptions): Promise<EvaluateReply> {
    return this.port.evaluate(request, options);
  }

  /** Drops every answer kept (answers in flight are still delivered to their callers, not kept). */
  clear(): void {
    this.entries.clear();
    this.pending.clear();
  }

  stats(): NearCacheStats {
    return { ...this.counts, entries: this.entries.size };
  }

  /** `keepUntil(reply)`: the latest instant (epoch ms) the reply may be reused; ≤ now (or NaN) keeps it not at all. */
  private through<T>(key: string, options: JobOptions, ask: () => Promise<T>, keepUntil: (reply: T) => number): Promise<T> {
    if (this.ttlMs === 0) return ask();
    this.checkGeneration();
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      if (entry.expires > now) {
        this.counts.hits++;
        if (now >= entry.refreshFrom && !this.pending.has(key)) {
          this.counts.refreshes++;
          // Nobody waits on it: a failure leaves the entry to end as it would have.
          this.send(key, options, ask, keepUntil).catch(() => undefined);
        }
        return Promise.resolve(entry.reply as T);
      }
      this.entries.delete(key);
    }
    const pending = this.pending.get(key);
    if (pending !== undefined && pending.deadline + JOIN_SLACK_MS >= options.deadline) {
      this.counts.shared++;
      return pending.promise as Promise<T>;
    }
    this.counts.misses++;
    return this.send(key, options, ask, keepUntil);
  }

  /**
   * Sends the job (others asking meanwhile share it) and keeps the answer as `keepUntil` allows; an answer that
   * may not be kept (a negative verdict) also ends the entry it would have replaced.
   */
  private send<T>(key: string, options: JobOptions, ask: () => Promise<T>, keepUntil: (reply: T) => number): Promise<T> {
    const generation = this.generation;
    const promise = ask();
    const mine: Pending = { promise, deadline: options.deadline };
    this.pending.set(key, mine);
    const settle = () => {
      if (this.pending.get(key) === mine) this.pending.delete(key);
    };
    promise.then(
      (reply) => {
        settle();
        // An answer asked under another policy set is delivered but not kept.
        if (generation !== this.generation) return;
        const now = this.now();
        const expires = Math.min(now + this.ttlMs, keepUntil(reply));
        const refreshFrom = expires === now + this.ttlMs && this.refreshAheadMs > 0 ? expires - this.refreshAheadMs : Number.POSITIVE_INFINITY;
        if (expires > now) this.store(key, { reply: deepFreeze(reply), expires, refreshFrom });
        else this.entries.delete(key);
      },
      settle,
    );
    return promise;
  }

  private store(key: string, entry: Entry): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Map iteration is insertion order: the first key is the oldest stored.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }

  private checkGeneration(): void {
    if (!this.options.generation) return;
    const current = this.options.generation();
    if (!sameElements(current, this.generation)) {
      this.generation = current;
      this.clear();
    }
  }
}

/**
 * The key of a job: the subject and every field of the request, each name and value length-prefixed so
 * that no two different requests share a key whatever their values hold (a PEM's newlines included).
 * Strings go in raw (cheaper than JSON-escaping a certificate on every admission); other values as JSON.
 */
/**
 * Long string fields (a policy's trust-anchor PEM is kilobytes, the same text job after job) are keyed by a short id
 * instead of being copied into every key. An id names one string for the life of the table and is never handed to
 * another, so keys stay collision-free; the table is bounded: when full it is emptied and a string seen again gets a
 * fresh id (its old entries are then merely unreachable and age out).
 */
class StringIds {
  private readonly ids = new Map<string, number>();
  private next = 0;

  constructor(private readonly max: number) {}

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      if (this.ids.size >= this.max) this.ids.clear();
      id = this.next++;
      this.ids.set(text, id);
    }
    return id;
  }
}

/** Strings at least this long are keyed by their id; shorter ones are cheaper to copy than to look up. */
const INTERN_MIN_LENGTH = 128;
const MAX_INTERNED = 256;

function jobKey(subject: string, request: object, strings: StringIds): string {
  let key = subject;
  for (const name in request) {
    const value = (request as Record<string, unknown>)[name];
    if (value === undefined) continue;
    // Registry credentials key the entry (a cluster never reads what only another's credentials may see) but are
    // never held in clear in a key: their SHA-256 stands in for them.
    const text =
      name === 'registryCredentials'
        ? `h${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`
        : typeof value === 'string'
          ? value.length >= INTERN_MIN_LENGTH
            ? `i${strings.id(value)}`
            : `s${value}`
          : `j${JSON.stringify(value)}`;
    key += `\n${name.length}:${name}${text.length}:${text}`;
  }
  return key;
}

/**
 * How long a verify reply may be kept: only a positive verdict, and never past its `validUntil` (the signing
 * chain's earliest notAfter or the signature's expiry, as the tier computed it). A `validUntil` that is not a
 * finite number is not understood: the reply is delivered, never kept.
 */
function verdictBound(reply: VerifyReply): number {
  if (reply.verified !== true) return Number.NEGATIVE_INFINITY;
  const validUntil: unknown = reply.validUntil;
  if (validUntil === undefined) return Number.POSITIVE_INFINITY;
  return typeof validUntil === 'number' && Number.isFinite(validUntil) ? validUntil : Number.NEGATIVE_INFINITY;
}

function sameElements(a: readonly unknown[], b: readonly unknown[] | undefined): boolean {
  if (a === b) return true;
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Answers are shared by admissions: frozen, so that no reader can change what another reads. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
