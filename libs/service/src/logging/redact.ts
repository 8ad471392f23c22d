/**
 * Secrets never reach the logs: values under credential-like keys are
 * replaced, and passwords inside URLs (`redis://:pw@host`) are masked.
 */
export const REDACTED = '[REDACTED]';

const SECRET_KEY = /authorization|password|passwd|secret|token|cookie|api[-_]?key|private[-_]?key|credential|auth$/i;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi;
const MAX_DEPTH = 8;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Masks `scheme://user:password@` in free text. */
export function redactText(text: string): string {
  // Only text naming a URL can hold one (most log text does not: skip the regular expression).
  return text.includes('://') ? text.replace(URL_PASSWORD, `$1${REDACTED}@`) : text;
}

/** A JSON-safe copy of `value` with secrets replaced; cycles and depth are bounded, errors become plain objects. */
export function redact(value: unknown, depth = 0, seen?: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? String(value) : value;
  // The set of objects on the path is made on the first object met: a line of plain fields (every admission's) needs none.
  seen ??= new WeakSet();
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return redact(errorFields(value), depth + 1, seen);
    if (value instanceof Date) return value.toISOString();
    if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
    if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
    if (value instanceof Map) return redact(Object.fromEntries(value), depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      out[key] = isSecretKey(key) && entry !== undefined && entry !== null && entry !== '' ? REDACTED : redact(entry, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
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
