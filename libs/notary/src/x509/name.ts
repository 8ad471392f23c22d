/**
 * Distinguished names printed as Go's `pkix.Name.String()` does (reference
 * §10.3), which is what notation shows in every error and in `inspect`.
 *
 * Go does not print the DER sequence as is: `FillFromRDNSequence` sorts the
 * string values of the nine attributes it knows into fields (last CN and
 * SERIALNUMBER win; multi-valued RDNs are flattened), and `String()` rebuilds
 * the sequence C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER (values
 * of one type grouped into one `+`-joined RDN), puts every other attribute in
 * front of it, and prints the whole in reverse joined by `,`, with RFC 2253
 * escaping. Other attribute types print as `<oid>=#<hex>` where the hex is
 * Go's re-encoding of the decoded value (a string becomes a PrintableString
 * when it fits, else a UTF8String).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeValue, Name } from '@peculiar/asn1-x509';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.17': 'POSTALCODE',
};

/** Go `ToRDNSequence` order of the parsed fields. */
const FIELD_ORDER = ['2.5.4.6', '2.5.4.8', '2.5.4.7', '2.5.4.9', '2.5.4.17', '2.5.4.10', '2.5.4.11', '2.5.4.3', '2.5.4.5'] as const;
const SINGLE_VALUED = new Set(['2.5.4.3', '2.5.4.5']);

interface Attribute {
  type: string;
  /** The value as Go decodes it into a string; undefined when Go would not decode a string. */
  text: string | undefined;
  /** The undecoded value, for attributes Go has no name for. */
  value?: AttributeValue;
}

export function formatDistinguishedName(der: Buffer): string {
  const name = AsnConvert.parse(der, Name);
  const fields = new Map<string, string[]>();
  const others: Attribute[][] = [];
  for (const rdn of name) {
    for (const attribute of rdn) {
      const text = decodedString(attribute.value);
      const known = SHORT_NAMES[attribute.type] !== undefined;
      if (!known) {
        others.push([{ type: attribute.type, text, value: attribute.value }]);
        continue;
      }
      if (text === undefined) continue; // Go drops known attributes whose value is not a string
      if (SINGLE_VALUED.has(attribute.type)) fields.set(attribute.type, [text]);
      else fields.set(attribute.type, [...(fields.get(attribute.type) ?? []), text]);
    }
  }
  const sequence: Attribute[][] = [...others];
  for (const type of FIELD_ORDER) {
    const values = fields.get(type);
    if (!values || (SINGLE_VALUED.has(type) && values[0] === '')) continue; // Go: `if len(n.CommonName) > 0`
    sequence.push(values.map((text) => ({ type, text })));
  }
  return sequence
    .reverse()
    .map((rdn) => rdn.map(formatAttribute).join('+'))
    .join(',');
}

function formatAttribute(attribute: Attribute): string {
  const short = SHORT_NAMES[attribute.type];
  if (short) return `${short}=${escapeValue(attribute.text ?? '')}`;
  if (attribute.text === undefined) {
    // Go re-marshals what it decoded (non-string values keep their encoding); a value it
    // cannot decode is nil, printed as an escaped `<nil>`.
    const raw = attribute.value?.anyValue;
    return raw ? `${attribute.type}=#${Buffer.from(raw).toString('hex')}` : `${attribute.type}=\\<nil\\>`;
  }
  return `${attribute.type}=#${goMarshalString(attribute.text).toString('hex')}`;
}

/** The string Go's asn1 decoder yields for PrintableString, IA5String, T61String, UTF8String, NumericString, BMPString. */
function decodedString(value: AttributeValue): string | undefined {
  const text = value.printableString ?? value.utf8String ?? value.ia5String ?? value.teletexString ?? value.bmpString;
  if (text !== undefined) return text;
  const raw = value.anyValue && Buffer.from(value.anyValue);
  if (raw && raw[0] === 0x12) return raw.subarray(lengthHeader(raw)).toString('latin1'); // NumericString
  return undefined;
}

function lengthHeader(der: Buffer): number {
  const first = der[1] ?? 0;
  return first & 0x80 ? 2 + (first & 0x7f) : 2;
}

/** Go `asn1.Marshal(string)`: PrintableString when every character is allowed there, else UTF8String. */
function goMarshalString(text: string): Buffer {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text);
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([printable ? 0x13 : 0x0c]), derLength(body.length), body]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** RFC 2253 §2.4 escaping, as Go's `RDNSequence.String`. */
function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const special = ',+"\\<>;'.includes(c) || (i === 0 && (c === ' ' || c === '#')) || (i === value.length - 1 && c === ' ');
    out += special ? `\\${c}` : c;
  }
  return out;
}
