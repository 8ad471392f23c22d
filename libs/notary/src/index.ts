// libs/notary — Notary Project signatures (plain TypeScript: no Nest, NATS or Redis).
// Each area appends its exports to its own section.
export * from './errors';
export * from './types';
export { Certificate, parseCertificate, parseCertificates } from './x509/certificate';
export { formatDistinguishedName } from './x509/name';
// [x509]
// [envelope]
// [timestamp]
// [verifier]
// [signer]
// [inspect]
