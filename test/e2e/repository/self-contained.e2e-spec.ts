/**
 * A clone works with nothing beside it (issue 10): no tracked file reaches for
 * the folder that used to sit beside the repository. The fixtures the tests
 * need live under test/fixtures.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
// Spelled in pieces so that this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\./', 'shared\\b|/work/', 'shared\\b'].join(''));

it('no tracked file refers to a shared folder outside the repository', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((file) => file !== '');
  expect(files.length).toBeGreaterThan(100);
  const offenders = files.filter((file) => !/\.(tar\.gz|gz|cose|der|cer|crt|sig)$/.test(file) && OUTSIDE.test(readFileSync(join(ROOT, file), 'utf8')));
  expect(offenders).toEqual([]);
});

it('the fixture sets the suites read are in the repository, each saying how it was made', () => {
  for (const set of ['notation-go', 'notation-cli', 'seed']) {
    expect(readFileSync(join(ROOT, 'test/fixtures', set, 'README.md'), 'utf8')).toMatch(/^> \*\*Provenance of this folder\.\*\*/);
  }
});
