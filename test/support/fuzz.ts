/**
 * Deterministic, seeded robustness ("fuzz") testing for CI: a small PRNG, the
 * usual byte and JSON mutations, and a runner that replays exactly.
 *
 * Every case gets its own generator derived from (seed, case index), so one
 * failing case can be replayed alone: the failure message prints the seed,
 * the index, the mutation applied and the input (base64, cut to 2 KB).
 * `FUZZ_SEED=<n>` overrides the fixed seed to explore; `FUZZ_CASE=<i>` runs
 * only case i.
 */

/** A seeded generator (mulberry32): fast, 32-bit state, good enough to spread mutations. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  bool(probability = 0.5): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new TypeError('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  bytes(count: number): Buffer {
    const out = Buffer.alloc(count);
    for (let i = 0; i < count; i++) out[i] = this.int(256);
    return out;
  }
}

/** The seed of a suite: fixed unless FUZZ_SEED is set (to explore, or to replay a CI failure). */
export function fuzzSeed(fixed: number): number {
  const override = process.env['FUZZ_SEED'];
  return override === undefined || override === '' ? fixed : Number(override) >>> 0;
}

/** The generator of case `index` under `seed` (independent of the other cases). */
export function caseRng(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

export interface FuzzCase<Input> {
  /** What was done to the seed input, e.g. `bit flip @123`. */
  mutation: string;
  input: Input;
}

export interface FuzzRunOptions<Input> {
  seed: number;
  cases: number;
  generate(rng: Rng, index: number): FuzzCase<Input>;
  /** Throws (an assertion) when the outcome is wrong. May be async. */
  check(input: Input, rng: Rng): void | Promise<void>;
  /** Longest one check may take, in ms (pathological slowness is a failure); generation is not timed. */
  maxCaseMs?: number;
  /** How to print the input in a failure (default: base64 of a Buffer, JSON otherwise). */
  show?(input: Input): string;
}

export interface FuzzReport {
  cases: number;
  slowestMs: number;
  totalMs: number;
}

function defaultShow(input: unknown): string {
  if (Buffer.isBuffer(input)) return `base64:${input.toString('base64')}`;
  if (typeof input === 'string') return JSON.stringify(input);
  try {
    return JSON.stringify(input);
  } catch {
    return String(input);
  }
}

function cut(text: string, max = 2048): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** Runs the cases in order; the first failure throws with everything needed to replay it. */
export async function runFuzz<Input>(name: string, options: FuzzRunOptions<Input>): Promise<FuzzReport> {
  const only = process.env['FUZZ_CASE'];
  const show = options.show ?? defaultShow;
  let slowestMs = 0;
  const started = performance.now();
  for (let index = 0; index < options.cases; index++) {
    if (only !== undefined && only !== '' && Number(only) !== index) continue;
    const rng = caseRng(options.seed, index);
    let generated: FuzzCase<Input> | undefined;
    let elapsed = 0;
    try {
      generated = options.generate(rng, index);
      elapsed = await timed(() => options.check(generated!.input, rng));
      // Over the limit: time it up to twice more and keep the fastest, so a GC pause or a busy CI core is not
      // taken for a slow input (a genuinely slow input is slow every time).
      for (let retry = 0; retry < 2 && options.maxCaseMs !== undefined && elapsed > options.maxCaseMs; retry++) {
        elapsed = Math.min(elapsed, await timed(() => options.check(generated!.input, caseRng(options.seed, index))));
      }
    } catch (error) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new Error(
        `fuzz ${name}: case ${index} failed (replay: FUZZ_SEED=${options.seed} FUZZ_CASE=${index})\n` +
          `mutation: ${generated?.mutation ?? '(generation failed)'}\n` +
          `input: ${generated === undefined ? '-' : cut(show(generated.input))}\n` +
          `reason: ${reason}`,
      );
    }
    slowestMs = Math.max(slowestMs, elapsed);
    if (options.maxCaseMs !== undefined && elapsed > options.maxCaseMs) {
      throw new Error(
        `fuzz ${name}: case ${index} took ${elapsed.toFixed(1)} ms (> ${options.maxCaseMs} ms) (replay: FUZZ_SEED=${options.seed} FUZZ_CASE=${index})\n` +
          `mutation: ${generated.mutation}\ninput: ${cut(show(generated.input))}`,
      );
    }
  }
  return { cases: options.cases, slowestMs, totalMs: performance.now() - started };
}

/**
 * What one case cost, in ms: the lesser of the wall time and this process's
 * CPU time. Wall time alone counts the moments other processes of a shared CI
 * machine held the cores; CPU time alone counts helper threads working in
 * parallel. An input that really costs more than the bar exceeds both.
 */
async function timed(run: () => void | Promise<void>): Promise<number> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return Math.min(wall, (used.user + used.system) / 1000);
}

// ---------------------------------------------------------------- byte mutations

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3d, 0x2e, 0x0a];

/** One random byte-level mutation of `bytes` (never in place). */
export function mutateBytes(bytes: Buffer, rng: Rng): FuzzCase<Buffer> {
  const length = bytes.length;
  const at = length === 0 ? 0 : rng.int(length);
  switch (rng.int(8)) {
    case 0: {
      const out = Buffer.from(bytes);
      const flips = rng.range(1, 4);
      const where: number[] = [];
      for (let i = 0; i < flips && length > 0; i++) {
        const position = rng.int(length);
        out[position] = out[position]! ^ (1 << rng.int(8));
        where.push(position);
      }
      return { mutation: `bit flips @${where.join(',')}`, input: out };
    }
    case 1: {
      const out = Buffer.from(bytes);
      const value = rng.bool() ? rng.pick(INTERESTING_BYTES) : rng.int(256);
      if (length > 0) out[at] = value;
      return { mutation: `byte @${at} := 0x${value.toString(16)}`, input: out };
    }
    case 2: {
      const inserted = rng.bool() ? Buffer.from([rng.pick(INTERESTING_BYTES)]) : rng.bytes(rng.range(1, 16));
      return { mutation: `insert ${inserted.length} bytes @${at}`, input: Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]) };
    }
    case 3: {
      const count = Math.min(length - at, rng.range(1, 64));
      return { mutation: `delete ${count} bytes @${at}`, input: Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + count)]) };
    }
    case 4:
      return { mutation: `truncate to ${at}`, input: Buffer.from(bytes.subarray(0, at)) };
    case 5: {
      const count = Math.min(length - at, rng.range(1, 256));
      const chunk = bytes.subarray(at, at + count);
      return { mutation: `duplicate ${count} bytes @${at}`, input: Buffer.concat([bytes.subarray(0, at + count), chunk, bytes.subarray(at + count)]) };
    }
    case 6: {
      const from = length === 0 ? 0 : rng.int(length);
      const count = Math.min(length - from, rng.range(1, 128));
      const to = length === 0 ? 0 : rng.int(length);
      const out = Buffer.from(bytes);
      bytes.copy(out, to, from, from + count);
      return { mutation: `copy ${count} bytes @${from} over @${to}`, input: out };
    }
    default: {
      const out = Buffer.from(bytes);
      const count = Math.min(length - at, rng.range(1, 32));
      rng.bytes(count).copy(out, at);
      return { mutation: `randomise ${count} bytes @${at}`, input: out };
    }
  }
}

// ---------------------------------------------------------------- JSON mutations

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The paths (lists of keys / indexes) in a JSON value, the root included; at most 2000, at most 40 deep. */
export function jsonPaths(value: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (out.length >= 2000) return out;
  out.push(prefix);
  if (prefix.length >= 40) return out;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length && out.length < 2000; index++) jsonPaths(value[index]!, [...prefix, index], out);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) if (out.length < 2000) jsonPaths(value[key]!, [...prefix, key], out);
  }
  return out;
}

export function jsonAt(value: Json, path: ReadonlyArray<string | number>): Json | undefined {
  let current: Json | undefined = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, Json>)[key as string];
  }
  return current;
}

/** A copy of `value` with the node at `path` replaced (undefined: removed). The root path replaces everything. */
export function jsonWith(value: Json, path: ReadonlyArray<string | number>, replacement: Json | undefined): Json | undefined {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value);
  const parent = jsonAt(copy, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (replacement === undefined) parent.splice(key as number, 1);
    else parent[key as number] = replacement;
  } else if (parent !== null && typeof parent === 'object') {
    if (replacement === undefined) delete parent[key as string];
    else parent[key as string] = replacement;
  }
  return copy;
}

/**
 * The structure mutations every JSON fuzzer shares, in the same proportions:
 * replace the node at `path` with random JSON (two times in three) or drop it.
 */
export function replaceOrDrop(value: Json, path: ReadonlyArray<string | number>, rng: Rng): { value: Json; step: string } {
  const where = path.join('.') || '(root)';
  if (rng.int(3) < 2) {
    const replacement = randomJson(rng);
    return { value: jsonWith(value, path, replacement) ?? null, step: `${where} := ${JSON.stringify(replacement).slice(0, 40)}` };
  }
  return { value: jsonWith(value, path, undefined) ?? null, step: `drop ${where}` };
}

/** A JSON value of a random type, sometimes large or deep. */
export function randomJson(rng: Rng, depth = 0): Json {
  switch (rng.int(depth > 2 ? 7 : 10)) {
    case 0:
      return null;
    case 1:
      return rng.bool();
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER, 7]);
    case 3:
      return rng.pick(['', ' ', 'a', '\u0000', '\ud800', 'null', '{}', '../../etc', '{{ request.object }}', 'x'.repeat(rng.range(1, 5000))]);
    case 4:
      return rng.pick(['sha256:' + '0'.repeat(64), 'Notary', 'Enforce', 'application/jose+json', 'CN=test']);
    case 5:
      return 'é'.repeat(rng.range(1, 50));
    case 6:
      return [];
    case 7:
      return Array.from({ length: rng.range(1, 4) }, () => randomJson(rng, depth + 1));
    case 8:
      return Object.fromEntries(Array.from({ length: rng.range(1, 3) }, (_, i) => [`k${i}`, randomJson(rng, depth + 1)]));
    default:
      return {};
  }
}

/** A deeply nested JSON text (arrays or objects), closed or not. */
export function deepJson(depth: number, kind: 'array' | 'object', closed: boolean): string {
  const open = kind === 'array' ? '[' : '{"a":';
  const close = kind === 'array' ? ']' : '}';
  return open.repeat(depth) + '1' + (closed ? close.repeat(depth) : '');
}

// ---------------------------------------------------------------- asynchronous cases

export interface ConcurrentFuzzOptions<Input> {
  seed: number;
  cases: number;
  /** Cases in flight at once (I/O-bound cases: a hostile server that stalls). */
  concurrency: number;
  generate(rng: Rng, index: number): FuzzCase<Input>;
  /** Must settle within `watchdogMs`; a check still pending then is a hang, reported as a failure. */
  check(input: Input, rng: Rng, index: number): Promise<void>;
  watchdogMs: number;
  show?(input: Input): string;
}

/** Like runFuzz for asynchronous checks, `concurrency` at a time, each under a watchdog. */
export async function runFuzzConcurrently<Input>(name: string, options: ConcurrentFuzzOptions<Input>): Promise<FuzzReport> {
  const only = process.env['FUZZ_CASE'];
  const show = options.show ?? defaultShow;
  const started = performance.now();
  let slowestMs = 0;
  const failures: Array<{ index: number; message: string }> = [];
  const indexes = Array.from({ length: options.cases }, (_, index) => index).filter((index) => only === undefined || only === '' || Number(only) === index);
  const runOne = async (index: number): Promise<void> => {
    const rng = caseRng(options.seed, index);
    let generated: FuzzCase<Input> | undefined;
    const caseStarted = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      generated = options.generate(rng, index);
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still pending after ${options.watchdogMs} ms (a hang)`)), options.watchdogMs);
      });
      await Promise.race([options.check(generated.input, rng, index), hang]);
    } catch (error) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push({
        index,
        message:
          `fuzz ${name}: case ${index} failed (replay: FUZZ_SEED=${options.seed} FUZZ_CASE=${index})\n` +
          `mutation: ${generated?.mutation ?? '(generation failed)'}\n` +
          `input: ${generated === undefined ? '-' : cut(show(generated.input))}\n` +
          `reason: ${reason}`,
      });
    } finally {
      clearTimeout(timer);
    }
    slowestMs = Math.max(slowestMs, performance.now() - caseStarted);
  };
  let next = 0;
  const workers = Array.from({ length: Math.min(options.concurrency, indexes.length) }, async () => {
    while (next < indexes.length && failures.length === 0) await runOne(indexes[next++]!);
  });
  await Promise.all(workers);
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    throw new Error(failures[0]!.message);
  }
  return { cases: indexes.length, slowestMs, totalMs: performance.now() - started };
}
