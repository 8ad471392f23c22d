/**
 * Secrets never reach the logs: values under credential-like keys are
 * replaced, and passwords inside URLs (`redis://:pw@host`) are masked.
 */
export const REDACTED = '[REDACTED]';

const SECRET_KEY = /authorization|password|passwd|secret|token|cookie|api[-_]?key|private[-_]?key|credential|auth$/i;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi;
const MAX_DEPTH = 8;

/** Keys already judged (log lines use a small set of keys, line after line); bounded, emptied when full. */
const judgedKeys = new Map<string, boolean>();
const JUDGED_KEYS_KEPT = 4_096;

export function isSecretKey(key: string): boolean {
  let secret = judgedKeys.get(key);
  if (secret === undefined) {
    if (judgedKeys.size >= JUDGED_KEYS_KEPT) judgedKeys.clear();
    secret = SECRET_KEY.test(key);
    judgedKeys.set(key, secret);
  }
  return secret;
}

/** Masks `scheme://user:password@` in free text. */
export function redactText(text: string): string {
  // Only text naming a URL can hold one (most log text does not: skip the regular expression).
  return text.includes('://') ? text.replace(URL_PASSWORD, `$1${REDACTED}@`) : text;
}

/** A JSON-safe copy of `value` with secrets replaced; cycles and depth are bounded, errors become plain objects. */
export function redact(value: unknown, depth = 0, path: object[] = []): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  // The objects on the way down (at most MAX_DEPTH): a short list is cheaper than a set for what a log line holds.
  if (path.includes(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  path.push(value);
  try {
    if (value instanceof Error) return redact(errorFields(value), depth + 1, path);
    if (value instanceof Date) return value.toISOString();
    if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
    if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, path));
    if (value instanceof Map) return redact(Object.fromEntries(value), depth + 1, path);
    const out: Record<string, unknown> = {};
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      out[key] = redactEntry(key, (value as Record<string, unknown>)[key], depth + 1, path);
    }
    return out;
  } finally {
    path.pop();
  }
}

/** The value of `key` as logged: REDACTED under a credential-like key (unless empty), else redacted within. */
export function redactEntry(key: string, value: unknown, depth = 0, path: object[] = []): unknown {
  return isSecretKey(key) && value !== undefined && value !== null && value !== '' ? REDACTED : redact(value, depth, path);
}

/** An error as log fields: name, message, code, stack, and the cause chain. */
export function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) fields['code'] = code;
  if (error.stack) fields['stack'] = error.stack;
  if (error.cause !== undefined) fields['cause'] = error.cause instanceof Error ? errorFields(error.cause) : error.cause;
  return fields;
}
