/** The shared folder beside the repository: the one implementation is bench/support/shared.ts (compiled for the benchmarks too). */
export { SHARED_DIR, sharedPath } from '../../bench/support/shared';
