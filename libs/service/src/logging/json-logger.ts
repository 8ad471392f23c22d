/**
 * JSON logs: one object per line on stdout — `level`, `time`, `service`,
 * `requestId` when given (a field, or the child logger's), the fields, then `msg` — with secrets redacted.
 * It is also Nest's `LoggerService`, so framework messages come out the same way.
 *
 * A line is one JSON.stringify of its redacted fields (the fields of a line
 * are few and flat; serializing each on its own, as pino's logger does, cost
 * four times as much per admission line, measured for issue 11). Lines are
 * written through pino's asynchronous destination (sonic-boom on fd 1,
 * `sync: false`), so an admission never waits on a write(2); they are gathered (line-batcher.ts) up to LOG_BUFFER_BYTES and
 * written at the latest LOG_FLUSH_MS after they were logged, and whatever is
 * pending is written synchronously when the process exits. A caller-given
 * `write` (tests, a CLI sink) receives each line as it is logged.
 */
import type { LoggerService } from '@nestjs/common';
import pino from 'pino';
import type { LogLevel } from '../config/common';
import { LineBatcher } from './line-batcher';
import { errorFields, redact, redactEntry, redactText } from './redact';

export type { LogLevel };
export type LogFields = Record<string, unknown>;

const SEVERITY: Record<LogLevel, number> = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, verbose: 5 };
const RESERVED = new Set(['time', 'level', 'msg', 'service', 'requestId']);
/** Lines are written once this many bytes are pending… */
export const LOG_BUFFER_BYTES = 16 * 1024;
/** …or this long after the oldest pending line, whichever comes first. */
export const LOG_FLUSH_MS = 200;

export interface JsonLoggerOptions {
  /** `service` of every line (gateway, discovery, …). */
  service: string;
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** Where lines go, one call per line (synchronously). Default: stdout, asynchronously (pino's destination). */
  write?: (line: string) => void;
  /** The file descriptor written asynchronously when no `write` is given. Default 1 (stdout). */
  fd?: number;
  now?: () => Date;
  /** Fields on every line of this logger (e.g. `{ role: 'verifier' }`). */
  fields?: LogFields;
}

/** What a JsonLogger and its children share: one destination per root logger. */
interface Output {
  /** Takes one whole line (newline-terminated). */
  write(line: string): void;
  /** `"level":…,"time":…,"service":…` of a line at `level`, now. */
  head(level: LogLevel): string;
  /** The asynchronous destination (pino's, sonic-boom), when not a caller-given `write`. */
  stream: ReturnType<typeof pino.destination> | undefined;
  /** What gathers lines for `stream`. */
  batcher: LineBatcher | undefined;
}

function rootOutput(options: JsonLoggerOptions): Output {
  const now = options.now;
  const clock = now ? () => now().getTime() : Date.now;
  const service = JSON.stringify(options.service);
  // Lines logged in the same millisecond share one formatted time.
  let formattedAt = Number.NaN;
  let formatted = '';
  const head = (level: LogLevel): string => {
    const at = clock();
    if (at !== formattedAt) {
      formattedAt = at;
      formatted = new Date(at).toISOString();
    }
    return `"level":"${level}","time":"${formatted}","service":${service}`;
  };
  const write = options.write;
  if (write) return { write: (line) => write(line.slice(0, -1)), head, stream: undefined, batcher: undefined };
  const fd = options.fd ?? 1;
  const stream = pino.destination({ dest: fd, sync: false });
  const batcher = new LineBatcher({ write: (chunk) => stream.write(chunk), flushSync: () => stream.flushSync(), fd }, LOG_BUFFER_BYTES, LOG_FLUSH_MS);
  return { write: (line) => batcher.write(line), head, stream, batcher };
}

export class JsonLogger implements LoggerService {
  readonly service: string;
  private readonly threshold: number;
  private readonly fields: LogFields;
  private readonly output: Output;

  constructor(
    private readonly options: JsonLoggerOptions,
    shared?: Output,
  ) {
    if (typeof options.service !== 'string' || options.service === '') throw new TypeError('JsonLogger: service is required');
    const level = options.level ?? 'info';
    if (!(level in SEVERITY)) throw new TypeError(`JsonLogger: unknown level ${JSON.stringify(level)}`);
    this.service = options.service;
    this.threshold = SEVERITY[level];
    this.fields = options.fields ?? {};
    this.output = shared ?? rootOutput(options);
  }

  /** Writes out what is pending (the asynchronous destination); `done` once written. Immediate for a caller-given `write`. */
  flush(done?: (error?: Error) => void): void {
    const stream = this.output.stream as (Output['stream'] & { _len: number; _writing: boolean }) | undefined;
    if (!stream) return done?.();
    this.output.batcher?.drain();
    // sonic-boom (without minLength) writes until nothing is pending, then says 'drain'.
    const settle = (): void => {
      if (stream._len === 0 && !stream._writing) done?.();
      else stream.once('drain', settle);
    };
    settle();
  }

  /** Writes out what is pending and closes the destination (its flush timer; its descriptor unless stdout or stderr). */
  close(): Promise<void> {
    const stream = this.output.stream as (Output['stream'] & { destroyed: boolean }) | undefined;
    if (!stream || stream.destroyed) return Promise.resolve();
    this.output.batcher?.close();
    return new Promise((done) => {
      stream.once('close', () => done());
      stream.end();
    });
  }

  /** A logger adding `fields` to every line. */
  child(fields: LogFields): JsonLogger {
    return new JsonLogger({ ...this.options, fields: { ...this.fields, ...fields } }, this.output);
  }

  isEnabled(level: LogLevel): boolean {
    return SEVERITY[level] <= this.threshold;
  }

  info(message: string, fields?: LogFields): void {
    this.emit('info', message, fields);
  }

  debug(message: string, fields?: LogFields): void {
    this.emit('debug', message, fields);
  }

  /** `warn(msg, fields)`, or Nest's `warn(msg, context)`. */
  warn(message: unknown, ...params: unknown[]): void {
    this.fromNest('warn', message, params);
  }

  /** `error(msg, fields)`, or Nest's `error(msg, stack?, context?)`. */
  error(message: unknown, ...params: unknown[]): void {
    this.fromNest('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.fromNest('fatal', message, params);
  }

  /** Nest's `log(msg, context?)` — level info. */
  log(message: unknown, ...params: unknown[]): void {
    this.fromNest('info', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.fromNest('verbose', message, params);
  }

  /** Writes one line. Public for callers that pick the level at run time. */
  emit(level: LogLevel, message: string, fields?: LogFields): void {
    if (!this.isEnabled(level)) return;
    const line: LogFields = {};
    const requestId = fields?.['requestId'] ?? this.fields['requestId'];
    if (requestId !== undefined) line['requestId'] = redactEntry('requestId', requestId);
    // The logger's fields, then the call's (a call's field replaces the logger's in place; undefined drops it).
    addFields(line, this.fields);
    if (fields !== undefined) addFields(line, fields);
    // One JSON.stringify of the redacted line (JSON-safe: see redact) rather than a serialization per field.
    const body = JSON.stringify(line);
    this.output.write(`{${this.output.head(level)}${body.length > 2 ? `,${body.slice(1, -1)}` : ''},"msg":${JSON.stringify(redactText(message))}}\n`);
  }

  /**
   * Nest's calling convention: the last string parameter is the context
   * (the class name); for errors a string before it is the stack. An object
   * parameter is taken as fields; an Error message is logged with its details.
   */
  private fromNest(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.isEnabled(level)) return;
    const fields: LogFields = {};
    const strings = params.filter((param): param is string => typeof param === 'string');
    for (const param of params) {
      if (param instanceof Error) fields['error'] = errorFields(param);
      else if (param !== null && typeof param === 'object') Object.assign(fields, param);
    }
    if (strings.length > 0) fields['context'] = strings[strings.length - 1];
    if (strings.length > 1 || (level === 'error' && strings.length === 1 && strings[0]!.includes('\n    at '))) {
      fields['stack'] = strings[0];
      if (strings.length === 1) delete fields['context'];
    }
    let text: string;
    if (message instanceof Error) {
      fields['error'] = errorFields(message);
      text = message.message;
    } else if (typeof message === 'string') {
      text = message;
    } else {
      text = JSON.stringify(redact(message));
    }
    this.emit(level, text, fields);
  }
}

function addFields(line: LogFields, fields: LogFields): void {
  for (const key in fields) {
    if (key === 'requestId' || !Object.prototype.hasOwnProperty.call(fields, key)) continue;
    const name = RESERVED.has(key) ? `field.${key}` : key;
    const value = fields[key];
    if (value === undefined) delete line[name];
    else line[name] = redactEntry(key, value);
  }
}

/** Nest's level names mapped to ours (`log` is info). */
export function nestLogLevels(level: LogLevel): ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const all = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  return all.slice(0, SEVERITY[level] + 1);
}
