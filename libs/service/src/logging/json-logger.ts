/**
 * JSON logs: one object per line on stdout — `time`, `level`, `msg`,
 * `service`, `requestId` when known, then the fields — with secrets redacted.
 * It is also Nest's `LoggerService`, so framework messages come out the same way.
 */
import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../config/common';
import { currentRequestId } from './request-context';
import { errorFields, redact, redactText } from './redact';

export type { LogLevel };
export type LogFields = Record<string, unknown>;

const SEVERITY: Record<LogLevel, number> = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, verbose: 5 };
const RESERVED = new Set(['time', 'level', 'msg', 'service', 'requestId']);

export interface JsonLoggerOptions {
  /** `service` of every line (gateway, discovery, …). */
  service: string;
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** Where lines go. Default: stdout. */
  write?: (line: string) => void;
  now?: () => Date;
  /** Fields on every line of this logger (e.g. `{ role: 'verifier' }`). */
  fields?: LogFields;
}

export class JsonLogger implements LoggerService {
  readonly service: string;
  private readonly threshold: number;
  private readonly write: (line: string) => void;
  private readonly now: () => Date;
  private readonly fields: LogFields;

  constructor(private readonly options: JsonLoggerOptions) {
    if (typeof options.service !== 'string' || options.service === '') throw new TypeError('JsonLogger: service is required');
    const level = options.level ?? 'info';
    if (!(level in SEVERITY)) throw new TypeError(`JsonLogger: unknown level ${JSON.stringify(level)}`);
    this.service = options.service;
    this.threshold = SEVERITY[level];
    this.write = options.write ?? ((line) => void process.stdout.write(`${line}\n`));
    this.now = options.now ?? (() => new Date());
    this.fields = options.fields ?? {};
  }

  /** A logger adding `fields` to every line. */
  child(fields: LogFields): JsonLogger {
    return new JsonLogger({ ...this.options, fields: { ...this.fields, ...fields } });
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
    const line: LogFields = { time: this.now().toISOString(), level, msg: redactText(message), service: this.service };
    const requestId = fields?.['requestId'] ?? this.fields['requestId'] ?? currentRequestId();
    if (requestId !== undefined) line['requestId'] = requestId;
    const extra = redact({ ...this.fields, ...fields }) as LogFields;
    for (const [key, value] of Object.entries(extra)) {
      if (value === undefined || key === 'requestId') continue;
      line[RESERVED.has(key) ? `field.${key}` : key] = value;
    }
    this.write(JSON.stringify(line));
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

/** Nest's level names mapped to ours (`log` is info). */
export function nestLogLevels(level: LogLevel): ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[] {
  const all = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  return all.slice(0, SEVERITY[level] + 1);
}
