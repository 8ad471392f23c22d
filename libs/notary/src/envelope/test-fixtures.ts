/**
 * Envelope builders for tests: real certificates (x509 builder), real
 * signatures, and hand-made headers — so a test can produce exactly the
 * malformed or hostile envelope it needs (missing crit, wrong alg, untagged
 * times…), which `signEnvelope` rightly refuses to make.
 */
import type { KeyObject } from 'node:crypto';
import type { Certificate } from '../x509/certificate';
import { CertificateAuthority, notaryTestName, type KeyAlgorithm } from '../x509/builder';
import type { CoseAlgorithm, JwsAlgorithm } from '../x509/key-spec';
import type { CborValue } from './cbor';
import { HEADER } from './codec';
import { LABEL, encodeProtectedHeader, epochTime, serializeCose, signCose, type HeaderMap } from './cose';
import { serializeJws, signJws } from './jws';
import { buildPayload } from './payload';

export interface SigningIdentity {
  key: KeyObject;
  chain: Certificate[];
}

/** Fixed validity, so fixed signing times stay inside it whatever the clock says. */
const VALIDITY = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };

const identities = new Map<string, SigningIdentity>();

/** A code-signing leaf with `leafKey`, issued by a root CA (RSA-3072), memoised per key algorithm. */
export function signingIdentity(leafKey: KeyAlgorithm, label = 'default'): SigningIdentity {
  const cacheKey = `${leafKey}/${label}`;
  let identity = identities.get(cacheKey);
  if (!identity) {
    const root = CertificateAuthority.root({ keyAlgorithm: 'RSA-3072', ...VALIDITY });
    // The builder caches keys per subject: a label gives the leaf its own subject, hence its own key.
    const subject = label === 'default' ? undefined : notaryTestName(`Notation Test Leaf ${label}`);
    const leaf = root.issueCodeSigningLeaf({ keyAlgorithm: leafKey, ...VALIDITY, ...(subject ? { subject } : {}) });
    identity = { key: leaf.key.privateKey, chain: leaf.chain };
    identities.set(cacheKey, identity);
  }
  return identity;
}

export const TARGET = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: 'sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9',
  size: 517,
};

export const SIGNING_TIME = new Date('2026-11-24T23:05:07Z');

/** A notation-style JWS protected header (notary.x509), to be altered by the test. */
export function jwsHeader(alg: JwsAlgorithm, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alg,
    crit: [HEADER.signingScheme],
    cty: 'application/vnd.cncf.notary.payload.v1+json',
    [HEADER.signingScheme]: 'notary.x509',
    [HEADER.signingTime]: '2026-11-24T23:05:07Z',
    ...extra,
  };
}

export interface RawJwsOptions {
  header: Record<string, unknown>;
  identity: SigningIdentity;
  /** The `alg` used to sign (default: the header's). */
  signWith?: JwsAlgorithm;
  payload?: Buffer;
  chain?: Certificate[];
  signingAgent?: string;
}

/** A JWS envelope signed over an arbitrary protected header. */
export function rawJws(options: RawJwsOptions): Buffer {
  const payload = options.payload ?? Buffer.from(JSON.stringify({ targetArtifact: TARGET }));
  const alg = options.signWith ?? (options.header.alg as JwsAlgorithm);
  const chain = options.chain ?? options.identity.chain;
  const signed = signJws({ protectedHeader: options.header, payload, privateKey: options.identity.key, alg, certificateChain: chain });
  return serializeJws(signed, chain, options.signingAgent ?? 'test-agent');
}

/** A notation-style COSE protected header (notary.x509), to be altered by the test. */
export function coseHeader(alg: number, entries: Array<[number | string, CborValue]> = []): HeaderMap {
  const header: HeaderMap = new Map<number | string, CborValue>([
    [LABEL.alg, alg],
    [LABEL.crit, [HEADER.signingScheme]],
    [LABEL.contentType, 'application/vnd.cncf.notary.payload.v1+json'],
    [HEADER.signingScheme, 'notary.x509'],
    [HEADER.signingTime, epochTime(SIGNING_TIME)],
  ]);
  for (const [label, value] of entries) header.set(label, value);
  return header;
}

export interface RawCoseOptions {
  header: HeaderMap;
  identity: SigningIdentity;
  /** The algorithm used to sign (default: the header's). */
  signWith?: CoseAlgorithm;
  payload?: Buffer;
  /** The unprotected header (default: x5chain + signing agent). */
  unprotected?: HeaderMap;
  /** Replace the protected bstr item itself. */
  rawProtected?: Buffer;
}

/** A COSE_Sign1_Tagged envelope signed over an arbitrary protected header. */
export function rawCose(options: RawCoseOptions): Buffer {
  const payload = options.payload ?? buildPayload(TARGET);
  const rawProtected = options.rawProtected ?? encodeProtectedHeader(options.header);
  const alg = options.signWith ?? (options.header.get(LABEL.alg) as CoseAlgorithm);
  const signature = signCose(rawProtected, payload, options.identity.key, alg);
  const unprotected =
    options.unprotected ??
    new Map<number | string, CborValue>([
      [LABEL.x5chain, options.identity.chain.map((certificate) => certificate.der)],
      [HEADER.signingAgent, 'test-agent'],
    ]);
  return serializeCose(rawProtected, unprotected, payload, signature);
}

