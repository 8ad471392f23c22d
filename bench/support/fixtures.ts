/**
 * The test fixtures kept in the repository (`test/fixtures/`: the Notary
 * Project's notation-go vectors, the notation-cli signatures, and Kyverno's
 * documented Notary policies and certificates). Each folder's README says how
 * the set was made.
 *
 * Found from the repository root (the nearest folder up holding
 * package.json), so it resolves the same from the sources (bench/support,
 * run by jest) and from the build (dist/bench/support, run by the
 * benchmarks). test/support/fixtures.ts re-exports this one implementation.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function repositoryRoot(from: string): string {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    if (dirname(directory) === directory) throw new Error(`no package.json above ${from}: cannot locate the repository root`);
  }
}

/** `test/fixtures` of this repository. */
export const FIXTURES_DIR = join(repositoryRoot(__dirname), 'test', 'fixtures');

/** A path inside `test/fixtures`, e.g. `fixturePath('notation-cli', 'cases')`. */
export function fixturePath(...segments: string[]): string {
  return join(FIXTURES_DIR, ...segments);
}
