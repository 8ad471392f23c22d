/**
 * The shared folder beside the repository (`../shared`: the seed, the
 * reference and the Notary vectors). CI clones the repository with it beside;
 * `NOTARY_GATE_SHARED` overrides the location.
 *
 * Found from the repository root (the nearest folder up holding
 * package.json), so it resolves the same from the sources (bench/support,
 * run by jest) and from the build (dist/bench/support, run by the
 * benchmarks). test/support/shared.ts re-exports this one implementation.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function repositoryRoot(from: string): string {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    if (dirname(directory) === directory) throw new Error(`no package.json above ${from}: cannot locate the repository root`);
  }
}

export const SHARED_DIR = process.env['NOTARY_GATE_SHARED'] ?? resolve(repositoryRoot(__dirname), '..', 'shared');

/** A path inside the shared folder, e.g. `sharedPath('vectors/notation-cli')`. */
export function sharedPath(...segments: string[]): string {
  return join(SHARED_DIR, ...segments);
}
