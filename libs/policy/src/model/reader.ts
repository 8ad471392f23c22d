/**
 * A cursor over untyped YAML data that knows its path, so every validation
 * error says where it happened (`spec.rules[0].verifyImages[0].type: …`).
 */
import { PolicyDocumentError } from './errors';

export class Node {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly value: unknown,
  ) {}

  fail(reason: string): never {
    throw new PolicyDocumentError(this.source, this.path, reason);
  }

  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  child(key: string): Node {
    const value = this.isMap() ? (this.value as Record<string, unknown>)[key] : undefined;
    return new Node(this.source, this.path ? `${this.path}.${key}` : key, value);
  }

  isMap(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  map(): Record<string, unknown> {
    if (!this.isMap()) this.fail(`must be a mapping, got ${describe(this.value)}`);
    return this.value as Record<string, unknown>;
  }

  /** Items of a list (absent → []). */
  list(): Node[] {
    if (!this.present) return [];
    if (!Array.isArray(this.value)) this.fail(`must be a list, got ${describe(this.value)}`);
    return (this.value as unknown[]).map((item, index) => new Node(this.source, `${this.path}[${index}]`, item));
  }

  string(): string | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'string') this.fail(`must be a string, got ${describe(this.value)}`);
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
    return this.value as boolean;
  }

  integer(): number | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'number' || !Number.isInteger(this.value)) this.fail(`must be an integer, got ${describe(this.value)}`);
    return this.value as number;
  }

  oneOf<T extends string>(allowed: readonly T[]): T | undefined {
    const value = this.string();
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) this.fail(`must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
