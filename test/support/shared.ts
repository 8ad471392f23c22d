/**
 * The shared folder beside the repository (`../shared`: the seed, the
 * reference and the Notary vectors). CI clones the repository with it beside;
 * `NOTARY_GATE_SHARED` overrides the location.
 */
import { join, resolve } from 'node:path';

export const SHARED_DIR = process.env['NOTARY_GATE_SHARED'] ?? resolve(__dirname, '..', '..', '..', 'shared');

/** A path inside the shared folder, e.g. `sharedPath('vectors/notation-cli')`. */
export function sharedPath(...segments: string[]): string {
  return join(SHARED_DIR, ...segments);
}
