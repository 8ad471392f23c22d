/**
 * Renderers for `notary-gate inspect`: the tree (two field tables, one
 * renderer) and notation's JSON (reference §13).
 *
 * Tree styles:
 * - `seed` (default) — notation v1.0's layout, the one the seed shows
 *   (seed/README.md §1): `media type` then `signature algorithm`; signed
 *   attributes `signingScheme`, `signingTime`, `expiry` and extended
 *   attributes; unsigned attributes `signingAgent` and `timestampSignature`
 *   (the token, base64). notation v1.0 kept these in Go maps and printed them
 *   in map-iteration order, which Go randomises; we print map keys sorted,
 *   which is the order the seed shows (`cmd/notation/inspect.go`, v1.0).
 * - `notation` — notation v1.3's layout (`display/metadata/tree`), byte for
 *   byte with its goldens: `signature algorithm`, `signature envelope type`,
 *   `content type`, `signing scheme`, `signing time`, `expiry`, extended
 *   attributes in envelope order (Go's map order for JWS is not stable, so
 *   notation's own order for several of them varies run to run), `signing
 *   agent`, and a `timestamp signature` subtree.
 *
 * JSON is notation v1.3's in both styles.
 */
import type { Descriptor } from '@notary-gate/oci';
import { MediaTypes } from '@notary-gate/oci';
import { formatAnsic, formatRfc3339 } from '../x509/time-format';
import { compareGoStrings } from '../x509/go-quote';
import { encodeGoJson, goMap, goStruct, GoJsonObject, GoJsonValue } from './go-json';
import type { InspectedCertificate, InspectedSignature, InspectedTimestamp, InspectOutcome, InspectTime } from './model';
import { renderTree, treeNode, TreeNode, treePair } from './tree';

export type InspectStyle = 'seed' | 'notation';

/** The seed is the product's behaviour: its layout is the default. */
export const DEFAULT_INSPECT_STYLE: InspectStyle = 'seed';

export interface InspectRenderOptions {
  style?: InspectStyle;
}

/** What the renderers accept: outcomes of `inspectSignature` (skipped ones are not shown) or bare signatures. */
export type InspectSignatures = ReadonlyArray<InspectOutcome | InspectedSignature>;

/** One style: which nodes a signature's header, signed and unsigned attributes hold. */
interface FieldTable {
  header(signature: InspectedSignature): TreeNode[];
  signedAttributes(signature: InspectedSignature): TreeNode[];
  unsignedAttributes(signature: InspectedSignature): TreeNode[];
  /** notation v1.0 printed `(empty)` under an empty unsigned-attributes map; v1.3 prints nothing. */
  emptyUnsignedPlaceholder: boolean;
}

const FIELD_TABLES: Record<InspectStyle, FieldTable> = {
  seed: {
    header: (signature) => [
      treePair('media type', signature.envelopeType),
      treePair('signature algorithm', signature.signatureAlgorithm),
    ],
    signedAttributes: (signature) => {
      const attributes = signature.signedAttributes;
      const entries: Array<[string, string]> = [
        ['signingScheme', attributes.signingScheme],
        ['signingTime', ansic(attributes.signingTime)],
      ];
      if (attributes.expiry) entries.push(['expiry', ansic(attributes.expiry)]);
      for (const { key, value } of attributes.extendedAttributes) entries.push([key, value]);
      return sortedPairs(entries);
    },
    unsignedAttributes: (signature) => {
      const { signingAgent, timestamp } = signature.unsignedAttributes;
      const entries: Array<[string, string]> = [];
      if (timestamp) entries.push(['timestampSignature', timestamp.token.toString('base64')]);
      if (signingAgent) entries.push(['signingAgent', signingAgent]);
      return sortedPairs(entries);
    },
    emptyUnsignedPlaceholder: true,
  },
  notation: {
    header: (signature) => [
      treePair('signature algorithm', signature.signatureAlgorithm),
      treePair('signature envelope type', signature.envelopeType),
    ],
    signedAttributes: (signature) => {
      const attributes = signature.signedAttributes;
      return [
        treePair('content type', attributes.contentType),
        treePair('signing scheme', attributes.signingScheme),
        treePair('signing time', ansic(attributes.signingTime)),
        ...(attributes.expiry ? [treePair('expiry', ansic(attributes.expiry))] : []),
        ...attributes.extendedAttributes.map(({ key, value }) => treePair(key, value)),
      ];
    },
    unsignedAttributes: (signature) => {
      const { signingAgent, timestamp } = signature.unsignedAttributes;
      return [
        ...(signingAgent ? [treePair('signing agent', signingAgent)] : []),
        ...(timestamp ? [timestampNode(timestamp)] : []),
      ];
    },
    emptyUnsignedPlaceholder: false,
  },
};

/**
 * `notation inspect <reference>` as a tree: the header line, the reference,
 * the Notary signature type and one subtree per signature — or
 * `<reference> has no associated signature` when none could be shown.
 */
export function renderInspectTree(subjectReference: string, signatures: InspectSignatures, options: InspectRenderOptions = {}): string {
  const shown = displayable(signatures);
  if (shown.length === 0) return `${subjectReference} has no associated signature\n`;
  const table = FIELD_TABLES[styleOf(options)];
  const root = treeNode(subjectReference, [
    treeNode(MediaTypes.notarySignature, shown.map((signature) => signatureNode(signature.digest ?? '', signature, table))),
  ]);
  return `Inspecting all signatures for signed artifact\n${renderTree(root)}`;
}

/** `notation blob inspect <path>`: the signature path as root, the signature's fields beneath. */
export function renderBlobInspectTree(signaturePath: string, signature: InspectedSignature, options: InspectRenderOptions = {}): string {
  return renderTree(signatureNode(signaturePath, signature, FIELD_TABLES[styleOf(options)]));
}

/** `notation inspect -o json`: `{"mediaType": <subject media type>, "signatures": [...]}`. */
export function renderInspectJson(subjectMediaType: string, signatures: InspectSignatures): string {
  return encodeGoJson(
    goStruct([
      ['mediaType', subjectMediaType],
      ['signatures', displayable(signatures).map((signature) => signatureJson(signature, true))],
    ]),
  );
}

/** `notation blob inspect -o json`: the signature object, without `digest`. */
export function renderBlobInspectJson(signature: InspectedSignature): string {
  return encodeGoJson(signatureJson(signature, false));
}

// ---- tree ----

function signatureNode(name: string, signature: InspectedSignature, table: FieldTable): TreeNode {
  const unsigned = table.unsignedAttributes(signature);
  return treeNode(name, [
    ...table.header(signature),
    treeNode('signed attributes', orEmpty(table.signedAttributes(signature))),
    treeNode('user defined attributes', orEmpty(userDefinedPairs(signature))),
    treeNode('unsigned attributes', table.emptyUnsignedPlaceholder ? orEmpty(unsigned) : unsigned),
    certificatesNode(signature.certificates),
    treeNode('signed artifact', [
      treePair('media type', signature.signedArtifact.mediaType),
      treePair('digest', signature.signedArtifact.digest),
      treePair('size', String(signature.signedArtifact.size)),
    ]),
  ]);
}

function userDefinedPairs(signature: InspectedSignature): TreeNode[] {
  return sortedPairs(Object.entries(signature.userDefinedAttributes ?? {}));
}

function timestampNode(timestamp: InspectedTimestamp): TreeNode {
  if ('error' in timestamp) return treeNode('timestamp signature', [treePair('error', timestamp.error)]);
  return treeNode('timestamp signature', [
    treePair('timestamp', `[${formatAnsic(timestamp.lower)}, ${formatAnsic(timestamp.upper)}]`),
    certificatesNode(timestamp.certificates),
  ]);
}

function certificatesNode(certificates: InspectedCertificate[]): TreeNode {
  return treeNode(
    'certificates',
    certificates.map((certificate) =>
      treePair('SHA256 fingerprint', certificate.sha256Fingerprint, [
        treePair('issued to', certificate.issuedTo),
        treePair('issued by', certificate.issuedBy),
        treePair('expiry', formatAnsic(certificate.expiry)),
      ]),
    ),
  );
}

function sortedPairs(entries: Array<[string, string]>): TreeNode[] {
  return [...entries].sort(([a], [b]) => compareGoStrings(a, b)).map(([key, value]) => treePair(key, value));
}

function orEmpty(children: TreeNode[]): TreeNode[] {
  return children.length > 0 ? children : [treeNode('(empty)')];
}

/** Go `time.ANSIC` in the zone the time was written in. */
function ansic(time: InspectTime): string {
  return formatAnsic(time.date, time.offsetMinutes);
}

// ---- JSON (notation v1.3 `display/metadata/json`) ----

function signatureJson(signature: InspectedSignature, withDigest: boolean): GoJsonObject {
  const attributes = signature.signedAttributes;
  // A Go map: an extended attribute named like a Notary field overwrites it, then keys sort.
  const signed = new Map<string, GoJsonValue>([
    ['contentType', attributes.contentType],
    ['signingScheme', attributes.signingScheme],
    ['signingTime', rfc3339Nano(attributes.signingTime)],
  ]);
  if (attributes.expiry) signed.set('expiry', rfc3339Nano(attributes.expiry));
  for (const { key, value } of attributes.extendedAttributes) signed.set(key, value);

  const unsigned: Array<[string, GoJsonValue]> = [];
  if (signature.unsignedAttributes.signingAgent) unsigned.push(['signingAgent', signature.unsignedAttributes.signingAgent]);
  if (signature.unsignedAttributes.timestamp) unsigned.push(['timestampSignature', timestampJson(signature.unsignedAttributes.timestamp)]);

  return goStruct([
    ['digest', withDigest && signature.digest ? signature.digest : undefined],
    ['signatureAlgorithm', signature.signatureAlgorithm],
    ['signatureEnvelopeType', signature.envelopeType],
    ['signedAttributes', goMap(signed)],
    ['userDefinedAttributes', signature.userDefinedAttributes === null ? null : goMap(Object.entries(signature.userDefinedAttributes))],
    ['unsignedAttributes', goMap(unsigned)],
    // Go leaves the slice nil (`null`) when there is nothing to append.
    ['certificates', certificatesJson(signature.certificates)],
    ['signedArtifact', descriptorJson(signature.signedArtifact)],
  ]);
}

function timestampJson(timestamp: InspectedTimestamp): GoJsonObject {
  if ('error' in timestamp) return goStruct([['error', timestamp.error]]);
  return goStruct([
    ['timestamp', `[${rfc3339NanoUtc(timestamp.lower, timestamp.lowerNanos)}, ${rfc3339NanoUtc(timestamp.upper, timestamp.upperNanos)}]`],
    ['certificates', timestamp.certificates.length > 0 ? certificatesJson(timestamp.certificates) : undefined],
  ]);
}

function certificatesJson(certificates: InspectedCertificate[]): GoJsonValue {
  if (certificates.length === 0) return null;
  return certificates.map((certificate) =>
    goStruct([
      ['SHA256Fingerprint', certificate.sha256Fingerprint],
      ['issuedTo', certificate.issuedTo],
      ['issuedBy', certificate.issuedBy],
      ['expiry', formatRfc3339(certificate.expiry, 0, { fraction: true })],
    ]),
  );
}

/** `ocispec.Descriptor` field order; annotations are shown as user defined attributes instead. */
function descriptorJson(descriptor: Descriptor): GoJsonObject {
  return goStruct([
    ['mediaType', descriptor.mediaType],
    ['digest', descriptor.digest],
    ['size', descriptor.size],
    ['urls', descriptor.urls && descriptor.urls.length > 0 ? descriptor.urls : undefined],
    ['data', descriptor.data || undefined],
    ['platform', descriptor.platform ? platformJson(descriptor.platform) : undefined],
    ['artifactType', descriptor.artifactType || undefined],
  ]);
}

/** `ocispec.Platform` field order. */
function platformJson(platform: Record<string, unknown>): GoJsonObject {
  const text = (key: string): string | undefined => (typeof platform[key] === 'string' && platform[key] !== '' ? (platform[key] as string) : undefined);
  const features = platform['os.features'];
  return goStruct([
    ['architecture', text('architecture') ?? ''],
    ['os', text('os') ?? ''],
    ['os.version', text('os.version')],
    ['os.features', Array.isArray(features) && features.length > 0 ? features.filter((f): f is string => typeof f === 'string') : undefined],
    ['variant', text('variant')],
  ]);
}

/** Go's `time.Time` JSON: RFC 3339 with fractional seconds, in the time's own offset. */
function rfc3339Nano(time: InspectTime): string {
  return formatRfc3339(time.date, time.offsetMinutes, { fraction: true });
}

/** Go `time.RFC3339Nano` in UTC, with nanoseconds when the exact instant is known (a Date holds milliseconds). */
function rfc3339NanoUtc(date: Date, nanos: bigint | undefined): string {
  if (nanos === undefined) return formatRfc3339(date, 0, { fraction: true });
  const remainder = ((nanos % NANOS_PER_SECOND) + NANOS_PER_SECOND) % NANOS_PER_SECOND;
  const seconds = (nanos - remainder) / NANOS_PER_SECOND;
  const whole = formatRfc3339(new Date(Number(seconds) * 1000)); // ends with "Z"
  const fraction = remainder === 0n ? '' : `.${remainder.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${whole.slice(0, -1)}${fraction}Z`;
}

const NANOS_PER_SECOND = 1_000_000_000n;

// ---- shared ----

function displayable(signatures: InspectSignatures): InspectedSignature[] {
  const shown: InspectedSignature[] = [];
  for (const entry of signatures) {
    if (!('kind' in entry)) shown.push(entry);
    else if (entry.kind === 'signature') shown.push(entry.signature);
  }
  return shown;
}

function styleOf(options: InspectRenderOptions): InspectStyle {
  const style = options.style ?? DEFAULT_INSPECT_STYLE;
  if (!(style in FIELD_TABLES)) throw new TypeError(`unknown inspect style ${JSON.stringify(style)}: expected "seed" or "notation"`);
  return style;
}

/** notation's stderr lines for the signatures it skipped (`Warning: Skipping signature … because of error: …`). */
export function skippedWarnings(signatures: InspectSignatures): string[] {
  const warnings: string[] = [];
  for (const entry of signatures) if ('kind' in entry && entry.kind === 'skipped') warnings.push(entry.warning);
  return warnings;
}
