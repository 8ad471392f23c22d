/**
 * Distinguished names printed as Go's `pkix.Name.String()` does: RDNs in
 * reverse DER order joined by ",", multi-valued RDNs joined by "+", RFC 2253
 * escaping, and `<oid>=#<hex DER>` for attribute types Go has no short name for.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';

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

export function formatDistinguishedName(der: Buffer): string {
  const name = AsnConvert.parse(der, Name);
  const rdns: string[] = [];
  for (let i = name.length - 1; i >= 0; i--) {
    const rdn = name[i]!;
    const parts: string[] = [];
    for (const attribute of rdn) {
      const short = SHORT_NAMES[attribute.type];
      if (short) {
        parts.push(`${short}=${escapeValue(attribute.value.toString())}`);
      } else {
        parts.push(`${attribute.type}=#${Buffer.from(AsnConvert.serialize(attribute.value)).toString('hex')}`);
      }
    }
    rdns.push(parts.join('+'));
  }
  return rdns.join(',');
}

/** RFC 2253 §2.4 escaping, as Go's `escape` in crypto/x509/pkix. */
function escapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const special = ',+"\\<>;'.includes(c) || (i === 0 && (c === ' ' || c === '#')) || (i === value.length - 1 && c === ' ');
    out += special ? `\\${c}` : c;
  }
  return out;
}
