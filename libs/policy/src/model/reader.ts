/**
 * A cursor over untyped YAML data that knows its path, so every validation
 * error says where it happened (`spec.rules[0].verifyImages[0].type: …`).
 *
 * Every typed read is recorded in a shared `ReadLog`: the tests prove with it
 * that each field of a loaded policy was either read into the model or is a
 * field whose lack of effect is documented (schema.ts) — nothing accepted
 * and left unread.
 */
import { PolicyDocumentError } from './errors';

/** What the parser read of one document (paths as Node prints them). */
export interface ReadLog {
  /** Leaves (and containers) read exactly. */
  read: Set<string>;
  /** Subtrees taken whole (free-form JSON, or content handed to Kyverno). */
  whole: Set<string>;
  /** Fields accepted with no effect at admission, with the documented reason. */
  noEffect: Map<string, string>;
}

export function newReadLog(): ReadLog {
  return { read: new Set(), whole: new Set(), noEffect: new Map() };
}

export class Node {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly value: unknown,
    readonly log: ReadLog = newReadLog(),
  ) {}

  fail(reason: string): never {
    throw new PolicyDocumentError(this.source, this.path, reason);
  }

  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  child(key: string): Node {
    const value = this.isMap() && Object.hasOwn(this.value as object, key) ? (this.value as Record<string, unknown>)[key] : undefined;
    return new Node(this.source, this.path ? `${this.path}.${key}` : key, value, this.log);
  }

  /** The keys of a mapping, in document order (absent → []). */
  keys(): string[] {
    return this.isMap() ? Object.keys(this.value as object) : [];
  }

  isMap(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  map(): Record<string, unknown> {
    if (!this.isMap()) this.fail(`must be a mapping, got ${describe(this.value)}`);
    this.log.read.add(this.path);
    return this.value as Record<string, unknown>;
  }

  /** Items of a list (absent → []). */
  list(): Node[] {
    if (!this.present) return [];
    if (!Array.isArray(this.value)) this.fail(`must be a list, got ${describe(this.value)}`);
    this.log.read.add(this.path);
    return (this.value as unknown[]).map((item, index) => new Node(this.source, `${this.path}[${index}]`, item, this.log));
  }

  /** The value as free-form JSON (x-kubernetes-preserve-unknown-fields points): read whole. */
  json(): unknown {
    this.log.whole.add(this.path);
    return this.value;
  }

  /** A `map[string]string` (labels, annotations, matchLabels), read whole. */
  stringMap(): Record<string, string> {
    const value = this.map();
    for (const key of Object.keys(value)) this.child(key).string();
    this.log.whole.add(this.path);
    return { ...(value as Record<string, string>) };
  }

  string(): string | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'string') this.fail(`must be a string, got ${describe(this.value)}`);
    this.log.read.add(this.path);
    return this.value as string;
  }

  requiredString(): string {
    const value = this.string();
    if (value === undefined || value === '') this.fail('is required');
    return value;
  }

  stringList(): string[] {
    return this.list().map((item) => item.requiredString());
  }

  boolean(defaultValue: boolean): boolean {
    if (!this.present) return defaultValue;
    if (typeof this.value !== 'boolean') this.fail(`must be true or false, got ${describe(this.value)}`);
    this.log.read.add(this.path);
    return this.value as boolean;
  }

  integer(): number | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'number' || !Number.isInteger(this.value)) this.fail(`must be an integer, got ${describe(this.value)}`);
    this.log.read.add(this.path);
    return this.value as number;
  }

  oneOf<T extends string>(allowed: readonly T[]): T | undefined {
    const value = this.string();
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) this.fail(`must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  }
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
