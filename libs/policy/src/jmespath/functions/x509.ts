/**
 * `x509_decode(pem)`: the certificate as Kyverno returns it, i.e. Go's `x509.Certificate` struct
 * marshalled to JSON (field names as in Go; byte slices base64; enums as Go's integers; an RSA public
 * key as `{N: "<decimal>", E: <int>}`). Empty Go slices marshal as null.
 */
import { AsnConvert, AsnParser } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  AuthorityKeyIdentifier,
  type Name,
} from '@peculiar/asn1-x509';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { TYPE_STRING } from '@jmespath-community/jmespath';
import { JmespathFunctionError } from '../../errors';
import type { FunctionDefinition } from './types';

const SIGNATURE_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.2.840.113549.1.1.10': 13,
  '1.3.101.112': 16,
};
const PUBLIC_KEY_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.1': 1,
  '1.2.840.10040.4.1': 2,
  '1.2.840.10045.2.1': 3,
  '1.3.101.112': 4,
};
const EXT_KEY_USAGES: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
};
// pkix.Name fields by attribute OID, in Go's field order.
const NAME_FIELDS: Array<[string, string]> = [
  ['Country', '2.5.4.6'],
  ['Organization', '2.5.4.10'],
  ['OrganizationalUnit', '2.5.4.11'],
  ['Locality', '2.5.4.7'],
  ['Province', '2.5.4.8'],
  ['StreetAddress', '2.5.4.9'],
  ['PostalCode', '2.5.4.17'],
];

const b64 = (buf: ArrayBuffer | Uint8Array) => Buffer.from(buf instanceof Uint8Array ? buf : new Uint8Array(buf)).toString('base64');
const oidArray = (oid: string) => oid.split('.').map(Number);
const orNull = <T>(list: T[]) => (list.length === 0 ? null : list);

function nameJson(name: Name): Record<string, unknown> {
  const attrs = name.flatMap((rdn) => rdn.map((atv) => ({ type: atv.type, value: atv.value.toString() })));
  const pick = (oid: string) => attrs.filter((a) => a.type === oid).map((a) => a.value);
  const out: Record<string, unknown> = {};
  for (const [field, oid] of NAME_FIELDS) out[field] = orNull(pick(oid));
  out['SerialNumber'] = pick('2.5.4.5')[0] ?? '';
  out['CommonName'] = pick('2.5.4.3')[0] ?? '';
  out['Names'] = attrs.map((a) => ({ Type: oidArray(a.type), Value: a.value }));
  out['ExtraNames'] = null;
  return out;
}

function goTime(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

function keyUsageBits(usage: KeyUsage): number {
  // Go numbers KeyUsage bits from the ASN.1 bit 0 (digitalSignature) = 1 upwards.
  const bytes = new Uint8Array(usage.value);
  let bits = 0;
  for (let bit = 0; bit < 9; bit++) {
    const byte = bytes[bit >> 3] ?? 0;
    if (byte & (0x80 >> (bit & 7))) bits |= 1 << bit;
  }
  return bits;
}

function bigIntFromBytes(bytes: ArrayBuffer): bigint {
  const hex = Buffer.from(bytes).toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

export function decodeX509(pem: string): Record<string, unknown> {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new JmespathFunctionError('x509_decode', 'invalid certificate');
  const der = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  let cert: Certificate;
  try {
    cert = AsnParser.parse(der, Certificate);
  } catch (e) {
    throw new JmespathFunctionError('x509_decode', `x509: malformed certificate: ${(e as Error).message}`);
  }
  const tbs = cert.tbsCertificate;
  const spki = tbs.subjectPublicKeyInfo;
  const publicKeyAlgorithm = PUBLIC_KEY_ALGORITHMS[spki.algorithm.algorithm] ?? 0;
  let publicKey: unknown = null;
  if (publicKeyAlgorithm === 1) {
    const rsa = AsnParser.parse(spki.subjectPublicKey, RSAPublicKey);
    publicKey = { N: bigIntFromBytes(rsa.modulus).toString(), E: Number(bigIntFromBytes(rsa.publicExponent)) };
  }
  const out: Record<string, unknown> = {
    Raw: b64(der),
    RawTBSCertificate: b64(AsnConvert.serialize(tbs)),
    RawSubjectPublicKeyInfo: b64(AsnConvert.serialize(spki)),
    RawSubject: b64(AsnConvert.serialize(tbs.subject)),
    RawIssuer: b64(AsnConvert.serialize(tbs.issuer)),
    Signature: b64(cert.signatureValue),
    SignatureAlgorithm: SIGNATURE_ALGORITHMS[cert.signatureAlgorithm.algorithm] ?? 0,
    PublicKeyAlgorithm: publicKeyAlgorithm,
    PublicKey: publicKey,
    Version: tbs.version + 1,
    SerialNumber: Number(bigIntFromBytes(tbs.serialNumber)),
    Issuer: nameJson(tbs.issuer),
    Subject: nameJson(tbs.subject),
    NotBefore: goTime(tbs.validity.notBefore.getTime()),
    NotAfter: goTime(tbs.validity.notAfter.getTime()),
    KeyUsage: 0,
    Extensions: null,
    ExtraExtensions: null,
    UnhandledCriticalExtensions: null,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: -1,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
  };
  const extensions = tbs.extensions ?? [];
  out['Extensions'] = orNull(
    extensions.map((e) => ({ Id: oidArray(e.extnID), Critical: e.critical, Value: b64(e.extnValue.buffer) })),
  );
  for (const ext of extensions) {
    const value = ext.extnValue.buffer;
    switch (ext.extnID) {
      case '2.5.29.15':
        out['KeyUsage'] = keyUsageBits(AsnParser.parse(value, KeyUsage));
        break;
      case '2.5.29.19': {
        const bc = AsnParser.parse(value, BasicConstraints);
        out['BasicConstraintsValid'] = true;
        out['IsCA'] = bc.cA;
        out['MaxPathLen'] = bc.pathLenConstraint ?? -1;
        out['MaxPathLenZero'] = bc.pathLenConstraint === 0;
        break;
      }
      case '2.5.29.37': {
        const ekus = AsnParser.parse(value, ExtendedKeyUsage);
        out['ExtKeyUsage'] = orNull(ekus.filter((o) => o in EXT_KEY_USAGES).map((o) => EXT_KEY_USAGES[o]));
        out['UnknownExtKeyUsage'] = orNull(ekus.filter((o) => !(o in EXT_KEY_USAGES)).map(oidArray));
        break;
      }
      case '2.5.29.14':
        out['SubjectKeyId'] = b64(AsnParser.parse(value, SubjectKeyIdentifier).buffer);
        break;
      case '2.5.29.35': {
        const aki = AsnParser.parse(value, AuthorityKeyIdentifier);
        out['AuthorityKeyId'] = aki.keyIdentifier ? b64(aki.keyIdentifier.buffer) : null;
        break;
      }
      case '2.5.29.17': {
        const san = AsnParser.parse(value, SubjectAlternativeName);
        out['DNSNames'] = orNull(san.filter((g) => g.dNSName).map((g) => g.dNSName!));
        out['EmailAddresses'] = orNull(san.filter((g) => g.rfc822Name).map((g) => g.rfc822Name!));
        out['URIs'] = orNull(san.filter((g) => g.uniformResourceIdentifier).map((g) => g.uniformResourceIdentifier!));
        break;
      }
    }
  }
  return out;
}

export const X509_FUNCTIONS: FunctionDefinition[] = [
  { name: 'x509_decode', signature: [{ types: [TYPE_STRING] }], fn: ([pem]: [string]) => decodeX509(pem) },
];
