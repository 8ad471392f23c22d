/** The repository's test fixtures (`test/fixtures/`): the one implementation is bench/support/fixtures.ts (compiled for the benchmarks too). */
export { FIXTURES_DIR, fixturePath } from '../../bench/support/fixtures';
