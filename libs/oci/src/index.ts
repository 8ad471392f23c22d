// libs/oci — OCI distribution client (plain TypeScript: no Nest, NATS or Redis).
export * from './types';
// [oci] exports below are maintained by the oci work.
