/**
 * Exit statuses and the one-line error report. A command either returns its
 * status or throws; `reportError` turns any thrown error into one line on
 * stderr and the status that says what kind of failure it was:
 *
 *   0 ok · 1 verification failed (a decision) · 2 bad input ·
 *   3 could not decide (registry unreachable, timeout — never "invalid signature", STYLE.md §5)
 */
export const ExitStatus = {
  ok: 0,
  failed: 1,
  usage: 2,
  inconclusive: 3,
} as const;
export type ExitStatus = (typeof ExitStatus)[keyof typeof ExitStatus];

/** Bad flags, a bad reference, an unreadable file, a malformed PEM: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A decided failure the command reports itself (e.g. no signature verified): exit 1. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
}

/** One line: newlines of multi-part messages (Go's joined errors) become "; ". */
export function oneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .join('; ');
}
