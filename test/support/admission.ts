/** Admission request and ConfigMap builders of the end-to-end suites: the one implementation is bench/support/admission.ts (compiled for the benchmarks too). */
export { configMapsFromYaml, deploymentRequest, podRequest } from '../../bench/support/admission';
