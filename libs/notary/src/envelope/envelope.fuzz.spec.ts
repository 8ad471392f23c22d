/**
 * Robustness of the envelope codecs against hostile bytes (anchors §3.4:
 * notation-core-go fuzzes JWS and COSE parsing; a registry hands us whatever
 * it likes). Real envelopes — the notation CLI's and freshly signed ones —
 * are mutated at the byte, JSON, base64 and CBOR level. For every case
 * `verifyEnvelope` and `parseEnvelope` either return or throw a NotaryError
 * with a stable, decided code (never ERR_INCONCLUSIVE, which a policy with
 * failurePolicy Ignore would turn into an allow); an envelope that still
 * verifies carries exactly the original payload and signer; no case is slow.
 *
 * Deterministic: fixed seeds and counts; a failure prints the seed, the case
 * and the input (see test/support/fuzz.ts to replay).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, deepJson, fuzzSeed, jsonPaths, jsonWith, mutateBytes, randomJson, runFuzz, type FuzzCase, type Json } from '../../../../test/support/fuzz';
import { fixturePath } from '../../../../test/support/fixtures';
import { NotaryError, type NotaryErrorCode } from '../errors';
import type { EnvelopeContent } from '../types';
import { CborTag, encodeCbor, type CborValue } from './cbor';
import { HEADER } from './codec';
import { LABEL } from './cose-model';
import { parseEnvelope, verifyEnvelope } from './envelope';
import { buildPayload } from './payload';
import { signEnvelope } from './sign';
import { SIGNING_TIME, TARGET, coseHeader, jwsHeader, rawCose, rawJws, signingIdentity } from './test-fixtures';

const JWS = 'application/jose+json';
const COSE = 'application/cose';
/** Slowest acceptable case: a pathological input (quadratic parse, runaway recursion) shows up here. */
const MAX_CASE_MS = 50;

/** The codes an integrity failure may carry: each a decision about the envelope, none "could not decide". */
const DECIDED_CODES: ReadonlySet<NotaryErrorCode> = new Set<NotaryErrorCode>([
  'ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE',
  'ERR_ENVELOPE_MALFORMED',
  'ERR_SIGNATURE_INVALID',
  'ERR_UNSUPPORTED_ALGORITHM',
  'ERR_ALGORITHM_MISMATCH',
  'ERR_WEAK_KEY',
  'ERR_CRITICAL_HEADER',
  'ERR_HEADER_INVALID',
  'ERR_PAYLOAD_INVALID',
  'ERR_CERT_CHAIN_INVALID',
  'ERR_CERT_KEY_USAGE',
  'ERR_CERT_EKU',
]);

interface Seed {
  name: string;
  mediaType: typeof JWS | typeof COSE;
  bytes: Buffer;
  /** What the unmutated envelope verifies to; undefined when it does not verify (tampered vectors). */
  verified: EnvelopeContent | undefined;
}

function tryVerify(bytes: Buffer, mediaType: string): EnvelopeContent | undefined {
  try {
    return verifyEnvelope(bytes, mediaType);
  } catch {
    return undefined;
  }
}

function seedOf(name: string, mediaType: Seed['mediaType'], bytes: Buffer): Seed {
  return { name, mediaType, bytes, verified: tryVerify(bytes, mediaType) };
}

const CLI_CASES = fixturePath('notation-cli/cases');
const cliSeeds: Seed[] = readdirSync(CLI_CASES)
  .sort()
  .flatMap((id) =>
    readdirSync(join(CLI_CASES, id))
      .filter((file) => file.startsWith('envelope.'))
      .map((file) => seedOf(`cli/${id}`, file.endsWith('.cose') ? COSE : JWS, readFileSync(join(CLI_CASES, id, file)))),
  );

const rsa = signingIdentity('RSA-2048', 'fuzz');
const ec = signingIdentity('EC-256', 'fuzz');
const payload = buildPayload(TARGET);
const signed = (format: 'jws' | 'cose', identity: typeof rsa, extra: Partial<Parameters<typeof signEnvelope>[0]> = {}) =>
  signEnvelope({ format, payload, key: identity.key, certificateChain: identity.chain, signingTime: SIGNING_TIME, signingAgent: 'fuzz/1.0', ...extra });
const freshSeeds: Seed[] = [
  seedOf('fresh/jws-rsa', JWS, signed('jws', rsa)),
  seedOf('fresh/jws-ec-expiry', JWS, signed('jws', ec, { expiry: new Date(SIGNING_TIME.getTime() + 3600_000), extendedAttributes: [{ key: 'x-note', value: 'v', critical: false }] })),
  seedOf('fresh/cose-rsa', COSE, signed('cose', rsa)),
  seedOf('fresh/cose-ec-authority', COSE, signed('cose', ec, { signingScheme: 'notary.x509.signingAuthority', timestampToken: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]) })),
];
const seeds = [...cliSeeds, ...freshSeeds];

/**
 * The property every case must hold. A result is acceptable only for an
 * input that means the same as a seed that verified: same payload bytes,
 * same signing certificate, same algorithm. Anything else must be a decided
 * NotaryError.
 */
/** How the cases ended, to show the mutations reach every stage of verification. */
function checkVerify(input: Buffer, mediaType: string, seed: Seed | undefined): void {
  let content: EnvelopeContent;
  try {
    content = verifyEnvelope(input, mediaType);
  } catch (error) {
    expectDecidedFailure(error);
    return;
  }
  count('verified');
  if (!seed?.verified) throw new Error(`an envelope that ${seed ? 'did not verify before the mutation' : 'was built from scratch'} verified`);
  expect(content.payload.content.equals(seed.verified.payload.content)).toBe(true);
  expect(content.payload.contentType).toBe(seed.verified.payload.contentType);
  expect(content.signerInfo.certificateChain[0]!.der.equals(seed.verified.signerInfo.certificateChain[0]!.der)).toBe(true);
  expect(content.signerInfo.signatureAlgorithm).toBe(seed.verified.signerInfo.signatureAlgorithm);
  expect(content.signerInfo.signature.equals(seed.verified.signerInfo.signature)).toBe(true);
}

function checkParse(input: Buffer, mediaType: string): void {
  try {
    parseEnvelope(input, mediaType);
  } catch (error) {
    expectDecidedFailure(error);
  }
}

/** How the cases ended, to show the mutations reach every stage of verification. */
const outcomes = new Map<string, number>();
const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

function expectDecidedFailure(error: unknown): void {
  if (!(error instanceof NotaryError)) throw new Error(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} instead of a NotaryError`);
  if (!DECIDED_CODES.has(error.code)) throw new Error(`NotaryError with code ${error.code} (${error.message})`);
  count(error.code);
  expect(error.message.length).toBeGreaterThan(0);
}

const checkBoth = (mediaType: string, seed: Seed | undefined) => (input: Buffer) => {
  checkVerify(input, mediaType, seed);
  checkParse(input, mediaType);
};

// ---------------------------------------------------------------- JWS mutations

type JwsDocument = { [key: string]: Json };
const B64_MEMBERS = ['payload', 'protected', 'signature'] as const;

function jwsDocument(bytes: Buffer): JwsDocument {
  return JSON.parse(bytes.toString('utf8')) as JwsDocument;
}

/** A base64 text changed the way a sloppy or hostile encoder would. */
function mutateBase64(text: string, rng: Rng): { text: string; what: string } {
  const at = rng.int(text.length + 1);
  switch (rng.int(9)) {
    case 0:
      return { text: `${text}${rng.pick(['=', '==', '==='])}`, what: 'padding added' };
    case 1:
      return { text: text.replace(/-/g, '+').replace(/_/g, '/'), what: 'url → std alphabet' };
    case 2:
      return { text: text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), what: 'std → url alphabet, unpadded' };
    case 3:
      return { text: text.slice(0, at) + rng.pick(['\n', '\r\n', '\r', ' ', '\t']) + text.slice(at), what: `whitespace @${at}` };
    case 4:
      return { text: text.slice(0, -rng.range(1, 3)), what: 'last characters dropped' };
    case 5:
      return { text: text.slice(0, at) + rng.pick(['!', '.', '*', '"', '\\u0000', 'é', '=']) + text.slice(at + 1), what: `invalid character @${at}` };
    case 6: {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/';
      return { text: text.slice(0, at) + rng.pick([...alphabet]) + text.slice(at + 1), what: `character @${at} changed` };
    }
    case 7:
      return { text: '', what: 'emptied' };
    default:
      return { text: text + text.slice(0, rng.range(1, 8)), what: 'characters appended' };
  }
}

function mutateJwsJson(seed: Seed, rng: Rng): FuzzCase<Buffer> {
  const document = jwsDocument(seed.bytes);
  const text = seed.bytes.toString('utf8');
  switch (rng.int(9)) {
    case 0: {
      // Replace the value at a random path by another JSON type.
      const paths = jsonPaths(document);
      const path = rng.pick(paths);
      const replacement = randomJson(rng);
      return { mutation: `${path.join('.') || '(root)'} := ${JSON.stringify(replacement).slice(0, 60)}`, input: Buffer.from(JSON.stringify(jsonWith(document, path, replacement) ?? null)) };
    }
    case 1: {
      const path = rng.pick(jsonPaths(document).filter((p) => p.length > 0));
      return { mutation: `delete ${path.join('.')}`, input: Buffer.from(JSON.stringify(jsonWith(document, path, undefined) ?? null)) };
    }
    case 2: {
      // A member duplicated (first or last occurrence differs): Go's decoder keeps the last one.
      const member = rng.pick([...B64_MEMBERS, 'header']);
      const other = rng.pick(B64_MEMBERS);
      const duplicate = `"${member}":${JSON.stringify(document[other] ?? null)}`;
      const input = rng.bool() ? `{${duplicate},${text.slice(1)}` : `${text.slice(0, -1)},${duplicate}}`;
      return { mutation: `duplicate key ${member} (value of ${other})`, input: Buffer.from(input) };
    }
    case 3: {
      // Member names in other letter cases (Go matches them case-insensitively).
      const member = rng.pick([...B64_MEMBERS, 'header', 'x5c', HEADER.signingAgent]);
      const renamed = rng.pick([member.toUpperCase(), member[0]!.toUpperCase() + member.slice(1), member.replace(/a/g, 'A')]);
      return { mutation: `rename ${member} → ${renamed}`, input: Buffer.from(text.split(`"${member}"`).join(`"${renamed}"`)) };
    }
    case 4: {
      const [a, b] = [rng.pick(B64_MEMBERS), rng.pick(B64_MEMBERS)];
      const swapped = { ...document, [a]: document[b]!, [b]: document[a]! };
      return { mutation: `swap ${a} ↔ ${b}`, input: Buffer.from(JSON.stringify(swapped)) };
    }
    case 5: {
      const header = document['header'] as { x5c?: string[] } & Record<string, Json>;
      const targets: Array<{ name: string; get: () => string; set: (value: string) => Json }> = B64_MEMBERS.map((member) => ({
        name: member,
        get: () => document[member] as string,
        set: (value: string) => ({ ...document, [member]: value }),
      }));
      (header.x5c ?? []).forEach((entry, index) =>
        targets.push({ name: `x5c[${index}]`, get: () => entry, set: (value) => ({ ...document, header: { ...header, x5c: header.x5c!.map((e, i) => (i === index ? value : e)) } }) }),
      );
      const timestamp = header[HEADER.timestampSignature];
      if (typeof timestamp === 'string') targets.push({ name: 'timestamp', get: () => timestamp, set: (value) => ({ ...document, header: { ...header, [HEADER.timestampSignature]: value } }) });
      const target = rng.pick(targets);
      const changed = mutateBase64(target.get(), rng);
      return { mutation: `${target.name}: ${changed.what}`, input: Buffer.from(JSON.stringify(target.set(changed.text))) };
    }
    case 6: {
      // A protected header edited but not re-signed.
      const header = JSON.parse(Buffer.from(document['protected'] as string, 'base64url').toString('utf8')) as Json;
      const path = rng.pick(jsonPaths(header));
      const edited = jsonWith(header, path, rng.bool(0.3) ? undefined : randomJson(rng)) ?? null;
      return {
        mutation: `protected ${path.join('.') || '(root)'} edited, not re-signed`,
        input: Buffer.from(JSON.stringify({ ...document, protected: Buffer.from(JSON.stringify(edited)).toString('base64url') })),
      };
    }
    case 7: {
      // Deep nesting in place of a member, or of the whole document.
      const depth = rng.pick([64, 1000, 10_001, 20_000]);
      const nested = deepJson(depth, rng.bool() ? 'array' : 'object', rng.bool(0.7));
      if (rng.bool(0.3)) return { mutation: `whole document nested ${depth} deep`, input: Buffer.from(nested) };
      const member = rng.pick([...B64_MEMBERS, 'header']);
      const marker = `"${member}":`;
      const start = text.indexOf(marker);
      const valueEnd = start < 0 ? -1 : findValueEnd(text, start + marker.length);
      if (valueEnd < 0) return { mutation: 'whole document nested', input: Buffer.from(nested) };
      return { mutation: `${member} nested ${depth} deep`, input: Buffer.from(text.slice(0, start + marker.length) + nested + text.slice(valueEnd)) };
    }
    default: {
      // Large members: a big string, many x5c entries.
      const header = document['header'] as Record<string, Json>;
      if (rng.bool()) {
        const x5c = header['x5c'] as string[];
        const many = Array.from({ length: rng.pick([100, 2000]) }, (_, i) => x5c[i % x5c.length]!);
        return { mutation: `x5c with ${many.length} entries`, input: Buffer.from(JSON.stringify({ ...document, header: { ...header, x5c: many } })) };
      }
      const member = rng.pick(B64_MEMBERS);
      return { mutation: `${member} 1 MiB long`, input: Buffer.from(JSON.stringify({ ...document, [member]: 'A'.repeat(1 << 20) })) };
    }
  }
}

/** The index after the JSON value starting at `from` (strings, objects, arrays; good enough for our seeds). */
function findValueEnd(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** A protected header rewritten and properly signed: the crypto passes, the header semantics are hostile. */
function resignedJws(rng: Rng): FuzzCase<Buffer> {
  const identity = rng.bool() ? rsa : ec;
  const alg = identity === rsa ? 'PS256' : 'ES256';
  const base = jwsHeader(alg);
  const path = rng.pick(jsonPaths(base as Json));
  const header = (jsonWith(base as Json, path, rng.bool(0.25) ? undefined : randomJson(rng)) ?? {}) as Record<string, unknown>;
  const signWith = rng.bool(0.8) ? alg : rng.pick(['PS256', 'PS384', 'ES256', 'ES384'] as const);
  const valid = typeof header === 'object' && header !== null && !Array.isArray(header) && typeof header['alg'] === 'string' && ['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'].includes(header['alg']);
  if (!valid) {
    // rawJws signs with the header's alg; give it one it can use and keep the hostile header.
    return { mutation: `re-signed header, ${path.join('.') || '(root)'} changed`, input: rawJws({ header: header as Record<string, unknown>, identity, signWith: alg, payload: rng.bool() ? payload : Buffer.from(JSON.stringify(randomJson(rng))) }) };
  }
  try {
    return { mutation: `re-signed header, ${path.join('.')} changed, signed with ${signWith}`, input: rawJws({ header, identity, signWith, payload }) };
  } catch {
    return { mutation: `re-signed header, ${path.join('.')} changed`, input: rawJws({ header, identity, signWith: alg, payload }) };
  }
}

// ---------------------------------------------------------------- COSE mutations

interface CborHead {
  offset: number;
  major: number;
  /** Bytes of the head (initial byte + argument). */
  length: number;
}

/** Every item head of a well-formed CBOR encoding (definite lengths), in order. */
function cborHeads(bytes: Buffer, offset = 0, out: CborHead[] = []): { end: number; heads: CborHead[] } {
  const initial = bytes[offset]!;
  const major = initial >> 5;
  const info = initial & 0x1f;
  const extra = info < 24 ? 0 : info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 8;
  let argument = info < 24 ? info : 0;
  for (let i = 0; i < extra && info < 28; i++) argument = argument * 256 + bytes[offset + 1 + i]!;
  out.push({ offset, major, length: 1 + extra });
  let at = offset + 1 + extra;
  if (major === 2 || major === 3) at += argument;
  else if (major === 4 || major === 5) for (let i = 0; i < argument * (major === 5 ? 2 : 1); i++) at = cborHeads(bytes, at, out).end;
  else if (major === 6) at = cborHeads(bytes, at, out).end;
  return { end: at, heads: out };
}

function replaceRange(bytes: Buffer, start: number, length: number, replacement: Buffer): Buffer {
  return Buffer.concat([bytes.subarray(0, start), replacement, bytes.subarray(start + length)]);
}

/** A huge argument in place of a head's argument: 8-byte lengths near 2^64, 4-byte near 2^32. */
function hugeHead(major: number, rng: Rng): Buffer {
  if (rng.bool()) return Buffer.from([(major << 5) | 27, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, rng.int(256)]);
  if (rng.bool()) return Buffer.from([(major << 5) | 26, 0xff, 0xff, 0xff, rng.int(256)]);
  return Buffer.from([(major << 5) | 27, 0x00, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff]);
}

function mutateCoseStructure(seed: Seed, rng: Rng): FuzzCase<Buffer> {
  const bytes = seed.bytes;
  const { heads } = cborHeads(bytes);
  const head = rng.pick(heads);
  switch (rng.int(7)) {
    case 0:
      return { mutation: `head @${head.offset}: huge argument`, input: replaceRange(bytes, head.offset, head.length, hugeHead(head.major, rng)) };
    case 1: {
      const major = rng.int(8);
      const out = Buffer.from(bytes);
      out[head.offset] = (major << 5) | (out[head.offset]! & 0x1f);
      return { mutation: `head @${head.offset}: major type ${head.major} → ${major}`, input: out };
    }
    case 2: {
      const info = rng.pick([24, 25, 26, 27, 28, 29, 30, 31]);
      const out = Buffer.from(bytes);
      out[head.offset] = (out[head.offset]! & 0xe0) | info;
      return { mutation: `head @${head.offset}: additional info → ${info}`, input: out };
    }
    case 3: {
      // Indefinite-length item (go-cose forbids them) closed by a break, or left open.
      const indefinite = rng.pick([0x5f, 0x7f, 0x9f, 0xbf]);
      const input = replaceRange(bytes, head.offset, head.length, Buffer.from([indefinite]));
      return { mutation: `head @${head.offset}: indefinite 0x${indefinite.toString(16)}`, input: rng.bool() ? Buffer.concat([input, Buffer.from([0xff])]) : input };
    }
    case 4: {
      // The outer tag: another number, doubled, or removed.
      const tag = rng.pick([Buffer.from([0xd1]), Buffer.from([0xd8, 0x62]), Buffer.from([0xd2, 0xd2]), Buffer.alloc(0), Buffer.from([0xdb, 0, 0, 0, 0, 0, 0, 0, 18])]);
      return { mutation: `outer tag → ${tag.toString('hex') || 'none'}`, input: replaceRange(bytes, 0, 1, tag) };
    }
    case 5: {
      // A length one off in either direction.
      const out = Buffer.from(bytes);
      const info = out[head.offset]! & 0x1f;
      if (head.length === 1 && info > 0 && info < 23) out[head.offset] = out[head.offset]! + (rng.bool() ? 1 : -1);
      else if (head.length > 1) out[head.offset + head.length - 1] = (out[head.offset + head.length - 1]! + (rng.bool() ? 1 : 255)) & 0xff;
      return { mutation: `head @${head.offset}: length ±1`, input: out };
    }
    default: {
      // Deep nesting spliced in place of an item head (arrays of one, maps, or tags).
      const depth = rng.pick([33, 200, 5000]);
      const opener = rng.pick([0x81, 0xa1, 0xc1]);
      const nested = Buffer.concat([Buffer.alloc(depth, opener), Buffer.from([0x01])]);
      return { mutation: `nesting ${depth}×0x${opener.toString(16)} @${head.offset}`, input: replaceRange(bytes, head.offset, 0, nested) };
    }
  }
}

/** A COSE envelope built from hostile parts: signed properly where it matters, so later checks run. */
function hostileCose(rng: Rng): FuzzCase<{ bytes: Buffer; signedPayload: Buffer }> {
  const identity = rng.bool() ? rsa : ec;
  const alg = identity === rsa ? -37 : -7;
  const header = coseHeader(alg);
  const labels = [...header.keys()];
  let what = 'valid parts';
  const choice = rng.int(6);
  if (choice === 0) {
    const label = rng.pick(labels);
    if (rng.bool(0.3)) header.delete(label);
    else header.set(label, toCbor(randomJson(rng)));
    what = `protected ${String(label)} changed (re-signed)`;
  } else if (choice === 1) {
    header.set(rng.pick([HEADER.signingTime, HEADER.expiry, HEADER.authenticSigningTime]), rng.pick<CborValue>([new CborTag(1, rng.pick([-1, 0, 2 ** 40, 1e300, 1.5])), new CborTag(0, '2026-01-01T00:00:00Z'), new CborTag(1, 'x'), 5, 'now']));
    what = 'protected time of another shape (re-signed)';
  } else if (choice === 2) {
    header.set(LABEL.crit, rng.pick<CborValue>([[], [1.5], [HEADER.expiry], ['unknown'], [Buffer.from('x')], 'crit', [[HEADER.signingScheme]]]));
    what = 'crit of another shape (re-signed)';
  }
  const unprotected = new Map<number | string, CborValue>([
    [LABEL.x5chain, identity.chain.map((certificate) => certificate.der)],
    [HEADER.signingAgent, 'fuzz'],
  ]);
  if (choice === 3) {
    unprotected.set(LABEL.x5chain, rng.pick<CborValue>([[], identity.chain[0]!.der, [Buffer.alloc(0)], ['text'], [identity.chain[0]!.der, 5], [rng.bytes(200)], Array.from({ length: 300 }, () => identity.chain[0]!.der)]));
    what = 'x5chain of another shape';
  } else if (choice === 4) {
    unprotected.set(rng.pick<number | string>([HEADER.signingAgent, HEADER.timestampSignature, 99, LABEL.crit, LABEL.alg, LABEL.contentType, LABEL.iv]), toCbor(randomJson(rng)));
    what = 'unprotected parameter of another shape';
  }
  const payloadBytes = choice === 5 ? rng.pick([Buffer.alloc(0), Buffer.from('null'), Buffer.from(JSON.stringify(randomJson(rng)))]) : payload;
  if (choice === 5) what = 'another payload (re-signed)';
  try {
    return { mutation: what, input: { bytes: rawCose({ header, identity, signWith: alg as -37 | -7, payload: payloadBytes, unprotected }), signedPayload: payloadBytes } };
  } catch (error) {
    // The encoder refused (e.g. a duplicate label): hand-encode the pieces instead.
    const bytes = encodeCbor(new CborTag(18, [Buffer.alloc(0), new Map(), payloadBytes, Buffer.from([1])]));
    return { mutation: `${what} (encoder refused: ${(error as Error).message})`, input: { bytes, signedPayload: payloadBytes } };
  }
}

function toCbor(value: Json): CborValue {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : BigInt(Math.trunc(Math.min(Math.max(value, -(2 ** 63)), 2 ** 63 - 1)));
  if (Array.isArray(value)) return value.map(toCbor);
  if (value !== null && typeof value === 'object') return new Map(Object.entries(value).map(([key, item]) => [key, toCbor(item)]));
  return value;
}

// ---------------------------------------------------------------- the suites

const seedsOf = (mediaType: string) => seeds.filter((seed) => seed.mediaType === mediaType);

describe('envelope fuzzing', () => {
  beforeAll(() => {
    // Warm up (JIT, certificate parsing) so the per-case time limit measures the inputs, not the first call.
    for (const seed of seeds) checkBoth(seed.mediaType, seed)(seed.bytes);
  });

  it('has real seeds: the notation CLI vectors (JWS and COSE) and fresh signatures, most of them verifying', () => {
    expect(seedsOf(JWS).length).toBeGreaterThanOrEqual(8);
    expect(seedsOf(COSE).length).toBeGreaterThanOrEqual(6);
    expect(seeds.filter((seed) => seed.verified).length).toBeGreaterThanOrEqual(14);
    expect(seeds.filter((seed) => !seed.verified).map((seed) => seed.name)).toEqual(
      expect.arrayContaining(['cli/jws-tampered-payload', 'cli/jws-tampered-signature', 'cli/cose-tampered-signature']),
    );
  });

  it('regression: a corrupted x5c certificate is a decided failure, never "inconclusive"', () => {
    // Flips in the key, a name or an extension of the leaf used to parse, then throw a plain Error in
    // the signature or chain check, which envelope.ts reports as ERR_INCONCLUSIVE (a failurePolicy
    // Ignore would have allowed the pod). Certificates are now decoded whole where they are read.
    // And no flip verifies: one in the padding-bits byte of the leaf's signature BIT STRING did,
    // as @peculiar ignores that byte (Go's x509 right-aligns, so its chain check fails).
    const base = seeds.find((seed) => seed.name === 'cli/jws-ec256-chain')!;
    const document = jwsDocument(base.bytes);
    const header = document['header'] as { x5c: string[] };
    const leaf = Buffer.from(header.x5c[0]!, 'base64');
    const codes = new Set<string>();
    for (let bit = 0; bit < leaf.length * 8; bit += 11) {
      const flipped = Buffer.from(leaf);
      flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
      const input = Buffer.from(JSON.stringify({ ...document, header: { ...header, x5c: [flipped.toString('base64'), ...header.x5c.slice(1)] } }));
      try {
        verifyEnvelope(input, JWS);
        codes.add('verified');
      } catch (error) {
        expectDecidedFailure(error);
        codes.add((error as NotaryError).code);
      }
    }
    expect(codes).not.toContain('verified');
    expect([...codes]).toEqual(expect.arrayContaining(['ERR_ENVELOPE_MALFORMED', 'ERR_CERT_CHAIN_INVALID']));
  });

  it('byte-level mutations of every seed (flips, inserts, deletes, truncations, splices): 1500 cases', async () => {
    const seed = fuzzSeed(0x5eed0001);
    const report = await runFuzz('envelope bytes', {
      seed,
      cases: 1500,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng, index) => {
        const base = seeds[index % seeds.length]!;
        const mutated = mutateBytes(base.bytes, rng);
        return { mutation: `${base.name}: ${mutated.mutation}`, input: { base, bytes: mutated.input } };
      },
      check: ({ base, bytes }) => checkBoth(base.mediaType, base)(bytes),
      show: ({ base, bytes }) => `${base.mediaType} base64:${bytes.toString('base64')}`,
    });
    expect(report.cases).toBe(1500);
  });

  it('JWS: JSON field swaps, type changes, duplicated and re-cased keys, base64 alphabet/padding, deep nesting, huge members: 1200 cases', async () => {
    const jwsSeeds = seedsOf(JWS);
    await runFuzz('jws structure', {
      seed: fuzzSeed(0x5eed0002),
      cases: 1200,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng, index) => {
        const base = jwsSeeds[index % jwsSeeds.length]!;
        const mutated = mutateJwsJson(base, rng);
        return { mutation: `${base.name}: ${mutated.mutation}`, input: { base, bytes: mutated.input } };
      },
      check: ({ base, bytes }) => checkBoth(JWS, base)(bytes),
      show: ({ bytes }) => bytes.toString('utf8'),
    });
  });

  it('JWS: hostile protected headers that are properly signed: 300 cases', async () => {
    await runFuzz('jws re-signed headers', {
      seed: fuzzSeed(0x5eed0003),
      cases: 300,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng) => resignedJws(rng),
      // Built from scratch: a result is fine only if the header is still a valid notary header.
      check: (bytes) => {
        try {
          const content = verifyEnvelope(bytes, JWS);
          expect(content.payload.content.equals(payload)).toBe(true);
          expect(content.signerInfo.signedAttributes.signingScheme).toMatch(/^notary\.x509/);
        } catch (error) {
          expectDecidedFailure(error);
        }
        checkParse(bytes, JWS);
      },
      show: (bytes) => bytes.toString('utf8'),
    });
  });

  it('COSE: CBOR head, length, tag and nesting corruption: 1200 cases', async () => {
    const coseSeeds = seedsOf(COSE);
    await runFuzz('cose structure', {
      seed: fuzzSeed(0x5eed0004),
      cases: 1200,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng, index) => {
        const base = coseSeeds[index % coseSeeds.length]!;
        const mutated = mutateCoseStructure(base, rng);
        return { mutation: `${base.name}: ${mutated.mutation}`, input: { base, bytes: mutated.input } };
      },
      check: ({ base, bytes }) => checkBoth(COSE, base)(bytes),
      show: ({ bytes }) => `base64:${bytes.toString('base64')}`,
    });
  });

  it('COSE: hostile headers, chains and payloads that are properly signed: 300 cases', async () => {
    await runFuzz('cose re-signed parts', {
      seed: fuzzSeed(0x5eed0005),
      cases: 300,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng) => hostileCose(rng),
      // Built from scratch and signed: a result must carry exactly the payload that was signed.
      check: ({ bytes, signedPayload }) => {
        try {
          const content = verifyEnvelope(bytes, COSE);
          expect(content.payload.content.equals(signedPayload)).toBe(true);
        } catch (error) {
          expectDecidedFailure(error);
        }
        checkParse(bytes, COSE);
      },
      show: ({ bytes }) => `base64:${bytes.toString('base64')}`,
    });
  });

  it('truncation at every length of a small JWS and a small COSE envelope', async () => {
    for (const base of [freshSeeds[1]!, freshSeeds[3]!]) {
      const cases = base.bytes.length;
      await runFuzz(`truncate ${base.name}`, {
        seed: 0,
        cases,
        maxCaseMs: MAX_CASE_MS,
        generate: (_rng, index) => ({ mutation: `truncate to ${index}`, input: base.bytes.subarray(0, index) }),
        check: (bytes) => checkBoth(base.mediaType, base)(bytes),
      });
    }
  });

  it('a tampered payload never verifies, in either format, whatever else is kept', async () => {
    const verifying = seeds.filter((seed) => seed.verified);
    await runFuzz('tampered payload', {
      seed: fuzzSeed(0x5eed0006),
      cases: 300,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng, index) => {
        const base = verifying[index % verifying.length]!;
        const original = base.verified!.payload.content;
        const changed = Buffer.from(original);
        const at = rng.int(changed.length);
        changed[at] = changed[at]! ^ (1 << rng.int(8));
        if (base.mediaType === JWS) {
          const document = jwsDocument(base.bytes);
          return { mutation: `${base.name}: payload bit flipped`, input: { base, bytes: Buffer.from(JSON.stringify({ ...document, payload: changed.toString('base64url') })) } };
        }
        // COSE: the payload bstr is the third element; same length, so splice the bytes in place.
        const offset = base.bytes.indexOf(original);
        const bytes = Buffer.from(base.bytes);
        changed.copy(bytes, offset);
        return { mutation: `${base.name}: payload bit flipped @${offset + at}`, input: { base, bytes } };
      },
      check: ({ base, bytes }) => {
        let verified = false;
        try {
          verifyEnvelope(bytes, base.mediaType);
          verified = true;
        } catch (error) {
          // Signature invalid, or the claims no longer parse (golang-jwt reads them before checking the signature).
          expectDecidedFailure(error);
          expect(['ERR_SIGNATURE_INVALID', 'ERR_ENVELOPE_MALFORMED', 'ERR_PAYLOAD_INVALID']).toContain((error as NotaryError).code);
        }
        expect(verified).toBe(false);
      },
    });
  });

  it('the mutations reached every stage: parsing, headers, the chain, the signature — and some still verify', () => {
    expect([...outcomes.keys()]).toEqual(
      expect.arrayContaining(['verified', 'ERR_ENVELOPE_MALFORMED', 'ERR_SIGNATURE_INVALID', 'ERR_HEADER_INVALID', 'ERR_CRITICAL_HEADER', 'ERR_CERT_CHAIN_INVALID', 'ERR_UNSUPPORTED_ALGORITHM', 'ERR_PAYLOAD_INVALID']),
    );
  });

  it('garbage of every size and a wrong media type are refused as malformed / unsupported', async () => {
    await runFuzz('garbage', {
      seed: fuzzSeed(0x5eed0007),
      cases: 300,
      maxCaseMs: MAX_CASE_MS,
      generate: (rng) => ({ mutation: 'random bytes', input: rng.bytes(rng.pick([0, 1, 2, 3, 16, 300, 5000])) }),
      check: (bytes) => {
        checkBoth(JWS, undefined)(bytes);
        checkBoth(COSE, undefined)(bytes);
        expect(() => verifyEnvelope(bytes, 'application/json')).toThrow(expect.objectContaining({ code: 'ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE' }));
      },
    });
  });
});
