/** `--user-metadata k=v` pairs (notation `-m`), collected into a record. */
import { UsageError } from './errors';

export function parseKeyValue(text: string, flag: string): [string, string] {
  const separator = text.indexOf('=');
  if (separator <= 0) throw new UsageError(`invalid ${flag} "${text}": expected key=value`);
  return [text.slice(0, separator), text.slice(separator + 1)];
}

/** Reduces repeated `k=v` flags into one record; a repeated key is a usage error. */
export function keyValueRecord(pairs: readonly string[], flag: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const pair of pairs) {
    const [key, value] = parseKeyValue(pair, flag);
    if (Object.prototype.hasOwnProperty.call(record, key)) throw new UsageError(`duplicate ${flag} key "${key}"`);
    record[key] = value;
  }
  return record;
}

/** commander reducer for a repeatable flag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
