/** The registry launcher of the test suites: the one implementation is bench/support/registry.ts (compiled for the benchmarks too). */
export { REGISTRY_BINARY, freePort, startRegistry, type LocalRegistry as TestRegistry } from '../../bench/support/registry';
