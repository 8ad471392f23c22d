/**
 * A small declarative schema for environment variables (STYLE.md §10): each
 * app declares its variables once (type, default, documentation), and
 * `loadConfig` validates them all at boot into a typed object, reporting
 * every bad key in one error rather than stopping at the first.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseGoDuration } from '@notary-gate/policy';

/** The environment (or any name → value record, e.g. CLI flags mapped to variable names). */
export type Environment = Readonly<Record<string, string | undefined>>;

export type VariableKind = 'string' | 'int' | 'bool' | 'url' | 'list' | 'enum' | 'duration' | 'file' | 'directory';

/** One environment variable: its name, how it parses, and what the docs say about it. */
export interface Variable<T> {
  readonly name: string;
  readonly kind: VariableKind;
  readonly doc: string;
  readonly required: boolean;
  /** Used when the variable is unset or empty. */
  readonly default: T | undefined;
  /** How the default is shown in the documentation (e.g. `60s` for 60000 ms). */
  readonly defaultText: string | undefined;
  /** Never echoed in error messages (tokens, passwords). */
  readonly secret: boolean;
  /** Extra type information for the docs (allowed values, range). */
  readonly detail: string | undefined;
  /** Parses a present, non-empty raw value; throws `TypeError` with the reason when it is bad. */
  parse(raw: string): T;
}

/** A set of variables: field name → variable. */
export type ConfigSchema = Record<string, Variable<unknown>>;

/** The typed object a schema loads into. */
export type ConfigOf<S extends ConfigSchema> = { readonly [K in keyof S]: S[K] extends Variable<infer T> ? T : never };

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Every problem of the environment at once, e.g. `NATS_URL: must be a nats: URL; OPS_PORT: must be an integer`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_CONFIG_INVALID';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  ${problem.variable}: ${problem.message}`).join('\n'),
    );
  }
}

interface BaseOptions<T> {
  /** One sentence for the README table. */
  doc: string;
  default?: T;
  required?: boolean;
  secret?: boolean;
  /** Further check of the parsed value: return the reason when it is not acceptable. */
  validate?: (value: T) => string | undefined;
}

/** Overloads: a variable with a default or `required: true` is always set; otherwise it may be undefined. */
export interface VariableBuilder<T, Extra = object> {
  (name: string, options: BaseOptions<T> & Extra & ({ default: T } | { required: true })): Variable<T>;
  (name: string, options: BaseOptions<T> & Extra): Variable<T | undefined>;
}

const NAME = /^[A-Z][A-Z0-9_]*$/;

function define<T, Extra = object>(
  kind: VariableKind,
  parseWith: (raw: string, options: BaseOptions<T> & Extra) => T,
  describe: (options: BaseOptions<T> & Extra) => { defaultText?: string; detail?: string } = (options) => ({
    defaultText: options.default === undefined ? undefined : String(options.default),
  }),
): VariableBuilder<T, Extra> {
  const build = (name: string, options: BaseOptions<T> & Extra): Variable<T> => {
    if (!NAME.test(name)) throw new TypeError(`variable names are upper-case with underscores, got ${JSON.stringify(name)}`);
    if (typeof options.doc !== 'string' || options.doc === '') throw new TypeError(`${name}: doc is required`);
    const described = describe(options);
    return {
      name,
      kind,
      doc: options.doc,
      required: options.required ?? false,
      default: options.default,
      defaultText: described.defaultText,
      detail: described.detail,
      secret: options.secret ?? false,
      parse: (raw) => {
        const value = parseWith(raw, options);
        const problem = options.validate?.(value);
        if (problem !== undefined) throw new TypeError(problem);
        return value;
      },
    };
  };
  return build as VariableBuilder<T, Extra>;
}

const show = (raw: string) => JSON.stringify(raw.length > 80 ? `${raw.slice(0, 77)}...` : raw);

const string = define<string, { pattern?: RegExp }>('string', (raw, options) => {
  if (options.pattern && !options.pattern.test(raw)) throw new TypeError(`must match ${options.pattern}, got ${show(raw)}`);
  return raw;
});

const int = define<number, { min?: number; max?: number }>(
  'int',
  (raw, options) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new TypeError(`must be an integer, got ${show(raw)}`);
    const value = Number(raw.trim());
    if (!Number.isSafeInteger(value)) throw new TypeError(`is out of range, got ${show(raw)}`);
    if (options.min !== undefined && value < options.min) throw new TypeError(`must be ≥ ${options.min}, got ${value}`);
    if (options.max !== undefined && value > options.max) throw new TypeError(`must be ≤ ${options.max}, got ${value}`);
    return value;
  },
  (options) => ({
    defaultText: options.default === undefined ? undefined : String(options.default),
    detail: options.min !== undefined || options.max !== undefined ? `${options.min ?? '…'}–${options.max ?? '…'}` : undefined,
  }),
);

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
const bool = define<boolean>('bool', (raw) => {
  const value = raw.trim().toLowerCase();
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new TypeError(`must be true or false, got ${show(raw)}`);
});

const url = define<string, { protocols?: readonly string[] }>(
  'url',
  (raw, options) => {
    // Several servers may be given comma-separated (NATS accepts a server list).
    for (const part of raw.split(',').map((entry) => entry.trim())) {
      let parsed: URL;
      try {
        parsed = new URL(part);
      } catch {
        throw new TypeError(`must be a URL, got ${show(part)}`);
      }
      if (options.protocols && !options.protocols.includes(parsed.protocol)) {
        throw new TypeError(`must be a ${options.protocols.join(' or ')} URL, got ${show(`${parsed.protocol}//${parsed.host}`)}`);
      }
    }
    return raw.trim();
  },
  (options) => ({ defaultText: options.default, detail: options.protocols?.join(' ') }),
);

const list = define<string[], { item?: (value: string) => string | undefined }>(
  'list',
  (raw, options) => {
    const items = raw
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const bad = items.map((item) => [item, options.item?.(item)] as const).filter(([, problem]) => problem !== undefined);
    if (bad.length > 0) throw new TypeError(bad.map(([item, problem]) => `${show(item)} ${problem}`).join('; '));
    return items;
  },
  (options) => ({ defaultText: options.default?.join(','), detail: 'comma-separated' }),
);

function enumeration<const V extends string>(
  name: string,
  options: BaseOptions<V> & { values: readonly V[] } & ({ default: V } | { required: true }),
): Variable<V>;
function enumeration<const V extends string>(name: string, options: BaseOptions<V> & { values: readonly V[] }): Variable<V | undefined>;
function enumeration<const V extends string>(name: string, options: BaseOptions<V> & { values: readonly V[] }): Variable<V | undefined> {
  const builder = define<V, { values: readonly V[] }>(
    'enum',
    (raw, { values }) => {
      const value = raw.trim();
      if (!(values as readonly string[]).includes(value)) throw new TypeError(`must be one of ${values.join(', ')}, got ${show(raw)}`);
      return value as V;
    },
    ({ default: fallback, values }) => ({ defaultText: fallback, detail: values.join(' | ') }),
  );
  return builder(name, options);
}

/** Go durations (`500ms`, `30s`, `1m30s`), parsed to milliseconds. */
const duration = define<number, { min?: number }>(
  'duration',
  (raw, options) => {
    const ns = parseGoDuration(raw.trim());
    if (ns === undefined) throw new TypeError(`must be a duration such as 500ms, 30s or 1m30s, got ${show(raw)}`);
    const ms = Number(ns) / 1e6;
    if (options.min !== undefined && ms < options.min) throw new TypeError(`must be at least ${options.min}ms, got ${show(raw)}`);
    return ms;
  },
  (options) => ({ defaultText: options.default === undefined ? undefined : formatMs(options.default) }),
);

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

function pathOf(kind: 'file' | 'directory') {
  return define<string, { mustExist?: boolean }>(kind, (raw, options) => {
    const path = isAbsolute(raw) ? raw : resolve(raw);
    if (options.mustExist ?? true) {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) throw new TypeError(`${kind} ${show(raw)} does not exist`);
      if (kind === 'file' ? !stat.isFile() : !stat.isDirectory()) throw new TypeError(`${show(raw)} is not a ${kind}`);
    }
    return path;
  });
}

/** The variable builders: `env.int('OPS_PORT', { doc, default: 9090, min: 0, max: 65535 })`. */
export const env = {
  string,
  int,
  bool,
  url,
  list,
  enum: enumeration,
  duration,
  /** A file path (made absolute); must exist unless `mustExist: false`. */
  file: pathOf('file'),
  /** A directory path (made absolute); must exist unless `mustExist: false`. */
  directory: pathOf('directory'),
};

/**
 * Validates `source` against `schema` and returns the typed configuration.
 * Unset and empty variables take their default; every problem (missing
 * required variables, unparsable values) is collected into one ConfigError.
 */
export function loadConfig<S extends ConfigSchema>(schema: S, source: Environment): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [field, variable] of Object.entries(schema)) {
    const raw = source[variable.name];
    if (raw === undefined || raw.trim() === '') {
      if (variable.required && variable.default === undefined) problems.push({ variable: variable.name, message: `is required (${variable.doc})` });
      out[field] = variable.default;
      continue;
    }
    try {
      out[field] = variable.parse(raw);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push({ variable: variable.name, message: variable.secret ? message.split(raw).join('[REDACTED]') : message });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** Several schemas as one (an app's own variables plus the common ones); a name declared twice is a bug. */
export function mergeSchemas<A extends ConfigSchema, B extends ConfigSchema>(a: A, b: B): A & B {
  const names = new Set(Object.values(a).map((variable) => variable.name));
  for (const [field, variable] of Object.entries(b)) {
    if (field in a) throw new TypeError(`mergeSchemas: field ${field} is declared twice`);
    if (names.has(variable.name)) throw new TypeError(`mergeSchemas: variable ${variable.name} is declared twice`);
  }
  return { ...a, ...b };
}
