/**
 * `npm run bench:verify`: envelope verifications per second — the full
 * integrity step `verifyEnvelope` (parse, signature, critical headers,
 * base checks including the certificate chain, with the library's
 * memoisation) — next to the raw `crypto.verify` rate of the same key over
 * the same signed bytes on this machine. Target: ≥ 70% of the raw rate.
 *
 * Prints numbers, asserts nothing (it is not a test). Options:
 *   --seconds <n>   measuring time per sample (default 1.5)
 *   --rounds <n>    samples per case; the best is reported (default 3)
 */
import { constants, verify, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Tagged, decodeFirstSync as decodeCbor, encode as encodeCbor } from 'cbor';
import {
  CertificateAuthority,
  buildPayload,
  generateTestCertificate,
  signEnvelope,
  verifyEnvelope,
  type Certificate,
} from '@notary-gate/notary';

interface BenchCase {
  name: string;
  mediaType: 'application/jose+json' | 'application/cose';
  envelope: Buffer;
  /** The raw primitive over the same to-be-signed bytes with the same key. */
  rawVerify: () => boolean;
}

const TARGET = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'ab'.repeat(32)}`, size: 1234 };
const SIGNING_TIME = new Date();

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!(value > 0)) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** JWS RSASSA-PSS-SHA-256 with a 2048-bit key (notation's default `generate-test` key). */
function jwsRsaCase(): BenchCase {
  const issued = generateTestCertificate('bench-rsa', { bits: 2048, now: new Date(SIGNING_TIME.getTime() - 60_000) });
  const envelope = sign('jws', issued.key.privateKey, [issued.certificate]);
  const document = JSON.parse(envelope.toString('utf8')) as { protected: string; payload: string; signature: string };
  const signingInput = Buffer.from(`${document.protected}.${document.payload}`, 'ascii');
  const signature = Buffer.from(document.signature, 'base64url');
  const key = issued.certificate.publicKey;
  const options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  return {
    name: 'JWS RSA-PSS-2048 (PS256)',
    mediaType: 'application/jose+json',
    envelope,
    rawVerify: () => verify('sha256', signingInput, options, signature),
  };
}

/** COSE ECDSA P-256 (ES256), a leaf issued by a P-256 root. */
function coseEcCase(): BenchCase {
  const root = CertificateAuthority.root({ keyAlgorithm: 'EC-256', notBefore: new Date(SIGNING_TIME.getTime() - 3600_000) });
  const leaf = root.issueCodeSigningLeaf({ keyAlgorithm: 'EC-256', notBefore: new Date(SIGNING_TIME.getTime() - 3600_000) });
  const envelope = sign('cose', leaf.key.privateKey, leaf.chain);
  // Sig_structure rebuilt independently of the library (RFC 9052 §4.4), with the `cbor` package.
  const message = decodeCbor(envelope) as Tagged;
  const [protectedBytes, , payload, signature] = message.value as [Buffer, unknown, Buffer, Buffer];
  const toBeSigned = Buffer.from(encodeCbor(['Signature1', protectedBytes, Buffer.alloc(0), payload]));
  const options = { key: leaf.certificate.publicKey, dsaEncoding: 'ieee-p1363' as const };
  return {
    name: 'COSE ECDSA P-256 (ES256)',
    mediaType: 'application/cose',
    envelope,
    rawVerify: () => verify('sha256', toBeSigned, options, signature),
  };
}

function sign(format: 'jws' | 'cose', key: KeyObject, chain: Certificate[]): Buffer {
  return signEnvelope({ format, payload: buildPayload(TARGET), signingTime: SIGNING_TIME, key, certificateChain: chain });
}

/** Operations per second of `operation`, measured for `seconds`. */
function rate(operation: () => unknown, seconds: number): number {
  let count = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) operation();
    count += 50;
    now = performance.now();
  }
  return (count * 1000) / (now - start);
}

function measure(benchCase: BenchCase, seconds: number, rounds: number): { raw: number; envelope: number } {
  if (!benchCase.rawVerify()) throw new Error(`${benchCase.name}: the raw baseline does not verify`);
  const verifyOnce = (): unknown => verifyEnvelope(benchCase.envelope, benchCase.mediaType);
  verifyOnce(); // throws if the envelope is not valid
  // Warm up both paths (JIT, memo tables), then interleave samples and keep the best of each.
  rate(benchCase.rawVerify, 0.3);
  rate(verifyOnce, 0.3);
  let raw = 0;
  let envelope = 0;
  for (let round = 0; round < rounds; round++) {
    raw = Math.max(raw, rate(benchCase.rawVerify, seconds));
    envelope = Math.max(envelope, rate(verifyOnce, seconds));
  }
  return { raw, envelope };
}

function main(): void {
  const seconds = option('seconds', 1.5);
  const rounds = option('rounds', 3);
  const cases = [jwsRsaCase(), coseEcCase()];
  const rows = cases.map((benchCase) => ({ name: benchCase.name, ...measure(benchCase, seconds, rounds) }));

  const header = ['case', 'raw crypto.verify/s', 'verifyEnvelope/s', 'ratio'];
  const table = rows.map((row) => [row.name, row.raw.toFixed(0), row.envelope.toFixed(0), `${((row.envelope / row.raw) * 100).toFixed(1)}%`]);
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((line) => line[column]!.length)));
  const format = (cells: string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(`node ${process.version}, ${seconds}s × ${rounds} rounds per sample, best sample shown`);
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of table) console.log(format(line));
  const worst = Math.min(...rows.map((row) => row.envelope / row.raw));
  console.log(`target ≥ 70% of raw: ${worst >= 0.7 ? 'met' : 'NOT met'} (lowest ${(worst * 100).toFixed(1)}%)`);
}

main();
