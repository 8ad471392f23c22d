/**
 * The one place in notary-gate's services that reads `process.env`
 * (STYLE.md §10). Everything else receives a validated, typed object.
 */
import type { Environment } from './schema';

/** The process environment, as a read-only record for `loadConfig`. */
export function processEnvironment(): Environment {
  return process.env;
}
