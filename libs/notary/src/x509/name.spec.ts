import { buildCertificate, codeSigningLeafSpec, type DistinguishedName } from './builder';
import { parseCertificates } from './certificate';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../../../test/support/fixtures';

const subjectOf = (subject: DistinguishedName): string =>
  buildCertificate(codeSigningLeafSpec({ subject })).certificate.subject;

describe('formatDistinguishedName (Go pkix.Name.String, reference §10.3)', () => {
  it('prints the usual notation subject', () => {
    expect(subjectOf([['C', 'US'], ['ST', 'WA'], ['L', 'Seattle'], ['O', 'Notary'], ['CN', 'test']])).toBe('CN=test,O=Notary,L=Seattle,ST=WA,C=US');
  });

  it('orders attributes as Go does, whatever the DER order', () => {
    expect(subjectOf([['CN', 'test'], ['OU', 'Unit'], ['O', 'Org'], ['C', 'US']])).toBe('CN=test,OU=Unit,O=Org,C=US');
    // The GlobalSign roots of the vectors are written O, OU, CN in DER; notation prints CN, OU, O.
    const [globalSign] = parseCertificates(readFileSync(fixturePath('notation-go/truststores/notation-go/truststore/x509/tsa/test-timestamp/globalsignRoot.cer')));
    expect(globalSign!.subject).toBe('CN=GlobalSign,OU=GlobalSign Root CA - R6,O=GlobalSign');
  });

  it('groups repeated attributes into one multi-valued RDN and keeps the last CN', () => {
    expect(subjectOf([['OU', 'a'], ['CN', 'first'], ['OU', 'b'], ['CN', 'second'], ['C', 'US']])).toBe('CN=second,OU=a+OU=b,C=US');
  });

  it('escapes RFC 2253 specials', () => {
    expect(subjectOf([['CN', ' #lead, "q" <x>;+\\ '], ['O', '#hash']])).toBe('CN=\\ #lead\\, \\"q\\" \\<x\\>\\;\\+\\\\\\ ,O=\\#hash'); // `#` only when leading
  });

  it('prints unknown attribute types last as <oid>=#<hex of Go’s re-encoding>', () => {
    // emailAddress is an IA5String; Go re-marshals the decoded string as UTF8String because "@" is not printable.
    expect(subjectOf([['C', 'US'], ['emailAddress', 'a@b.c'], ['CN', 'x']])).toBe('CN=x,C=US,1.2.840.113549.1.9.1=#0c056140622e63');
    expect(subjectOf([['2.5.4.12', 'Dr'], ['CN', 'x']])).toBe('CN=x,2.5.4.12=#13024472');
  });

  it('omits an empty CN, as Go does', () => {
    expect(subjectOf([['O', 'Org'], ['CN', '']])).toBe('O=Org');
  });
});
