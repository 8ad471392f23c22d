/**
 * BER → DER conversion exactly as tspclient-go's `internal/encoding/asn1/ber`
 * does it before parsing a timestamp token (reference §9 step 2): lengths are
 * re-encoded in their minimal form, identifiers and primitive contents are
 * copied, indefinite lengths are refused. The error texts are Go's
 * (`asn1: syntax error: …` / `asn1: structure error: …`) because notation
 * prints them, e.g. in `notation inspect` for a garbage token.
 */

/** An `encoding/asn1` SyntaxError / StructuralError as Go prints it. */
export class GoAsn1Error extends Error {
  override readonly name = 'GoAsn1Error';
  constructor(kind: 'syntax' | 'structure', detail: string) {
    super(`asn1: ${kind === 'syntax' ? 'syntax error' : 'structure error'}: ${detail}`);
  }
}

interface Metadata {
  identifier: Buffer;
  contentLength: number;
  rest: Buffer;
}

interface Node {
  identifier: Buffer;
  /** Primitive content, or undefined for a constructed node. */
  content?: Buffer;
  /** Constructed nodes: remaining raw member bytes while decoding, then members. */
  raw?: Buffer;
  members: Node[];
  /** DER content length of a constructed node, known once its members are decoded. */
  length: number;
}

/** Convert BER-encoded ASN.1 to DER (tspclient-go `ber.ConvertToDER`). Throws GoAsn1Error. */
export function convertBerToDer(ber: Uint8Array): Buffer {
  const input = Buffer.isBuffer(ber) ? ber : Buffer.from(ber);
  if (input.length === 0) throw new GoAsn1Error('syntax', 'BER-encoded ASN.1 data structures is empty');

  const root = decodeMetadata(input);
  if (root.rest.length !== root.contentLength) {
    throw new GoAsn1Error('syntax', `decoding BER: length octets value ${root.contentLength} does not match with content length ${root.rest.length}`);
  }
  const flat: Node[] = [];
  const rootNode = makeNode(root.identifier, root.rest);
  flat.push(rootNode);

  // Depth-first, with an explicit stack like the Go code (no recursion limit to hit).
  const stack: Node[] = rootNode.content === undefined ? [rootNode] : [];
  while (stack.length > 0) {
    const node = stack[stack.length - 1]!;
    if (node.raw!.length === 0) {
      node.length = node.members.reduce((sum, member) => sum + encodedLength(member), 0);
      stack.pop();
      continue;
    }
    const next = decodeMetadata(node.raw!);
    const content = next.rest.subarray(0, next.contentLength);
    node.raw = next.rest.subarray(next.contentLength);
    const child = makeNode(next.identifier, content);
    node.members.push(child);
    flat.push(child);
    if (child.content === undefined) stack.push(child);
  }

  const out: Buffer[] = [];
  for (const node of flat) {
    out.push(node.identifier, encodeLength(node.content?.length ?? node.length));
    if (node.content !== undefined) out.push(node.content);
  }
  return Buffer.concat(out);
}

function makeNode(identifier: Buffer, content: Buffer): Node {
  const primitive = (identifier[0]! & 0x20) === 0;
  return primitive
    ? { identifier, content, members: [], length: content.length }
    : { identifier, raw: content, members: [], length: 0 };
}

function encodedLength(node: Node): number {
  const contentLength = node.content?.length ?? node.length;
  return node.identifier.length + encodeLength(contentLength).length + contentLength;
}

/** DER length octets: short form below 128, otherwise the minimal long form. */
function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function decodeMetadata(input: Buffer): Metadata {
  const { identifier, rest } = decodeIdentifier(input);
  const { contentLength, rest: content } = decodeLength(rest);
  return { identifier, contentLength, rest: content };
}

/** ISO/IEC 8825-1 §8.1.2. */
function decodeIdentifier(input: Buffer): { identifier: Buffer; rest: Buffer } {
  if (input.length < 1) throw new GoAsn1Error('syntax', 'decoding BER identifier octets: identifier octets is empty');
  let offset = 1;
  if ((input[0]! & 0x1f) === 0x1f) {
    // high-tag-number form
    while (offset < input.length && (input[offset]! & 0x80) === 0x80) offset++;
    if (offset >= input.length) throw new GoAsn1Error('syntax', 'decoding BER identifier octets: high-tag-number form with early EOF');
    offset++;
  }
  if (offset >= input.length) {
    throw new GoAsn1Error('syntax', 'decoding BER identifier octets: early EOF due to missing length and content octets');
  }
  return { identifier: input.subarray(0, offset), rest: input.subarray(offset) };
}

/** ISO/IEC 8825-1 §8.1.3; indefinite lengths are not supported (as in tspclient-go). */
function decodeLength(input: Buffer): { contentLength: number; rest: Buffer } {
  if (input.length < 1) throw new GoAsn1Error('syntax', 'decoding BER length octets: length octets is empty');
  const first = input[0]!;
  let offset = 1;
  if (first < 0x80) {
    const rest = input.subarray(offset);
    if (first > rest.length) {
      throw new GoAsn1Error('syntax', 'decoding BER length octets: short form length octets value should be less or equal to the subsequent octets length');
    }
    return { contentLength: first, rest };
  }
  if (first === 0x80) throw new GoAsn1Error('structure', 'decoding BER length octets: indefinite length not supported');

  const count = first & 0x7f;
  if (count > 4) {
    throw new GoAsn1Error('structure', `decoding BER length octets: length of encoded data (${count} bytes) cannot exceed 4 bytes`);
  }
  // Go checks `offset+n >= len(r)`: long form with no content octets at all is an early EOF too.
  if (offset + count >= input.length) throw new GoAsn1Error('syntax', 'decoding BER length octets: long form length octets with early EOF');
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + input[offset++]!;
  if (length >= 2 ** 31) {
    throw new GoAsn1Error('structure', `decoding BER length octets: length ${length} does not fit the memory space of int32`);
  }
  const rest = input.subarray(offset);
  if (length > rest.length) {
    throw new GoAsn1Error('syntax', 'decoding BER length octets: long form length octets value should be less or equal to the subsequent octets length');
  }
  return { contentLength: length, rest };
}
