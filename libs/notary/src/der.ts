/**
 * Just enough DER to slice the signed part of a signed structure byte-exactly
 * (certificates, CRLs: RFC 5280 §4.1.1.1; OCSP responses: RFC 6960 §4.2.1).
 */

/** The first element (header included) of the DER SEQUENCE `der`: the bytes a signature covers. */
export function firstElementOf(der: Buffer): Buffer {
  const outer = readHeader(der, 0);
  const inner = readHeader(der, outer.headerLength);
  const end = outer.headerLength + inner.headerLength + inner.length;
  if (end > der.length) throw new Error('truncated DER');
  return der.subarray(outer.headerLength, end);
}

/** The header of the DER element at `offset`: its length and the length of the header itself. */
export function readHeader(bytes: Buffer, offset: number): { headerLength: number; length: number } {
  const first = bytes[offset + 1];
  if (first === undefined) throw new Error('truncated DER');
  if ((first & 0x80) === 0) return { headerLength: 2, length: first };
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new Error('unsupported DER length');
  let length = 0;
  for (let i = 0; i < count; i++) {
    const byte = bytes[offset + 2 + i];
    if (byte === undefined) throw new Error('truncated DER');
    length = length * 256 + byte;
  }
  return { headerLength: 2 + count, length };
}

/** A DER INTEGER's content bytes without the sign padding, for serial number comparison. */
export function unsignedBytes(integer: ArrayBuffer | Uint8Array): Buffer {
  let bytes = Buffer.from(integer instanceof Uint8Array ? integer : new Uint8Array(integer));
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return bytes;
}
