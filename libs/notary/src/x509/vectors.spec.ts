/**
 * The real certificates of the shared vectors and seed, judged as notation
 * judged them: every x5c chain notation verified is a valid code-signing
 * chain, every seed certificate is a usable self-signed signing leaf, and the
 * GlobalSign TSA chain inside the RFC 3161 tokens is a valid timestamping chain.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { decodeFirstSync } from 'cbor';
import { parseCertificate, parseCertificates, type Certificate } from './certificate';
import { validateCodeSigningCertChain } from './codesigning-chain';
import { keySpecOf } from './key-spec';
import { validateTimestampingCertChain } from './timestamp-chain';
import { fixturePath } from '../../../../test/support/fixtures';

const VECTORS = fixturePath();
const SEED_CERTS = fixturePath('seed/certs');

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** x5c of a JWS envelope, or x5chain (label 33) of a COSE_Sign1. */
function envelopeChain(path: string): Certificate[] | undefined {
  const bytes = readFileSync(path);
  if (bytes[0] === 0x7b) {
    const x5c = (JSON.parse(bytes.toString()) as { header?: { x5c?: string[] } }).header?.x5c;
    return x5c?.map((entry) => parseCertificate(Buffer.from(entry, 'base64')));
  }
  const decoded = decodeFirstSync(bytes, { preferMap: true }) as { value?: unknown[] } | unknown[];
  const message = (Array.isArray(decoded) ? decoded : decoded.value) as [unknown, Map<number, unknown> | Record<number, unknown>];
  const unprotected = message[1];
  const chain = unprotected instanceof Map ? unprotected.get(33) : unprotected[33];
  if (chain === undefined) return undefined;
  return (Array.isArray(chain) ? chain : [chain]).map((der: Uint8Array) => parseCertificate(der));
}

const envelopeFiles = [
  ...filesUnder(join(VECTORS, 'notation-go/envelopes/notation-go')).filter((path) => /\.(sig|json)$/.test(path)),
  ...filesUnder(join(VECTORS, 'notation-go/envelopes/notation/blob')).filter((path) => !path.includes('malformed')),
  ...filesUnder(join(VECTORS, 'notation-cli/cases')).filter((path) => /envelope\.(jws\.json|cose)$/.test(path)),
];

describe('vector envelopes: every x5c chain is a valid code-signing chain', () => {
  it.each(envelopeFiles.map((path) => [path.slice(VECTORS.length + 1), path]))('%s', (_name, path) => {
    const chain = envelopeChain(path);
    expect(chain?.length).toBeGreaterThan(0);
    expect(() => validateCodeSigningCertChain(chain!)).not.toThrow();
    expect(() => keySpecOf(chain![0]!)).not.toThrow();
  });

  it('finds the notation CLI chains with their key specs', () => {
    const spec = (name: string): string => keySpecOf(envelopeChain(join(VECTORS, 'notation-cli/cases', name))![0]!).keySpec;
    expect(spec('jws-rsa-chain/envelope.jws.json')).toBe('RSA-2048');
    expect(spec('jws-ec256-chain/envelope.jws.json')).toBe('EC-256');
    expect(spec('cose-ec384-chain/envelope.cose')).toBe('EC-384');
  });

  it('validates the mock chains at their signing time and rejects them after the leaf expired', () => {
    const chain = envelopeChain(join(VECTORS, 'notation-go/envelopes/notation-go/mock/sa_valid_sig_env.json'))!;
    expect(() => validateCodeSigningCertChain(chain, new Date('2022-07-29T00:00:00Z'))).not.toThrow();
    const expired = envelopeChain(join(VECTORS, 'notation-go/envelopes/notation-go/timestamp/timestampAfterNotAfter.sig'))!;
    expect(() => validateCodeSigningCertChain(expired, new Date('2026-11-24T00:00:00Z'))).toThrow(
      'certificate with subject "CN=testTSA,O=Notary,L=Seattle,ST=WA,C=US" was invalid at signing time of 2026-11-24 00:00:00 +0000 UTC. ' +
        'Certificate is valid from [2000-09-18 11:54:34 +0000 UTC] to [2001-09-18 11:54:34 +0000 UTC]',
    );
  });
});

describe('seed and trust-store signing certificates', () => {
  it.each(readdirSync(SEED_CERTS).map((name) => [name]))('seed %s is a valid self-signed signing leaf', (name) => {
    const certificates = parseCertificates(readFileSync(join(SEED_CERTS, name)));
    expect(certificates).toHaveLength(1);
    expect(certificates[0]!.subject).toBe('CN=test,O=Notary,L=Seattle,ST=WA,C=US');
    expect(() => validateCodeSigningCertChain(certificates)).not.toThrow();
  });

  it.each(filesUnder(join(VECTORS, 'notation-go/truststores/x5c-leaf/truststore/x509/ca')).map((path) => [path.split('/').pop()!, path]))(
    'x5c-leaf store %s is a valid self-signed signing leaf',
    (_name, path) => {
      for (const certificate of parseCertificates(readFileSync(path))) expect(() => validateCodeSigningCertChain([certificate])).not.toThrow();
    },
  );

  it('rejects a root CA used as a lone signing certificate', () => {
    const [root] = parseCertificates(readFileSync(join(VECTORS, 'notation-go/truststores/notation-go/truststore/x509/ca/valid-trust-store/NotationTestRoot.pem')));
    expect(() => validateCodeSigningCertChain([root!])).toThrow(
      'invalid self-signed certificate. Error: certificate with subject "CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US": if the basic constraints extension is present, the ca field must be set to false',
    );
  });

  it('rejects the non-self-issued certificate of the test-nonSelfIssued store', () => {
    const [certificate] = parseCertificates(readFileSync(join(VECTORS, 'notation-go/truststores/notation-go/truststore/x509/tsa/test-nonSelfIssued/nonSelfIssued.crt')));
    expect(() => validateCodeSigningCertChain([certificate!])).toThrow(/^invalid self-signed certificate\. subject: "CN=Notation Test Revokable RSA Chain Cert 2,/);
  });
});

describe('the GlobalSign TSA chain of the timestamp vectors', () => {
  it('is a valid timestamping chain once ordered leaf → root', () => {
    const envelope = JSON.parse(readFileSync(join(VECTORS, 'notation-go/envelopes/notation-go/timestamp/jwsWithTimestamp.sig'), 'utf8')) as {
      header: Record<string, string>;
    };
    const token = Buffer.from(envelope.header['io.cncf.notary.timestampSignature']!, 'base64');
    const signedData = AsnConvert.parse(AsnConvert.parse(token, ContentInfo).content, SignedData);
    const embedded = (signedData.certificates ?? []).flatMap((choice) => (choice.certificate ? [parseCertificate(Buffer.from(AsnConvert.serialize(choice.certificate)))] : []));
    const [root] = parseCertificates(readFileSync(join(VECTORS, 'notation-go/truststores/notation-go/truststore/x509/tsa/test-timestamp/globalsignRoot.cer')));
    const pool = [...embedded, root!];
    const leaf = embedded.find((certificate) => certificate.subject.startsWith('CN=Globalsign TSA for Advanced'))!;
    const chain = [leaf];
    while (!chain[chain.length - 1]!.rawIssuer.equals(chain[chain.length - 1]!.rawSubject)) {
      const next = pool.find((candidate) => candidate.rawSubject.equals(chain[chain.length - 1]!.rawIssuer) && !chain.includes(candidate));
      if (!next) break;
      chain.push(next);
    }
    expect(chain.map((certificate) => certificate.subject)).toEqual([
      'CN=Globalsign TSA for Advanced - G4 - 202311,O=GlobalSign nv-sa,C=BE',
      expect.stringContaining('CN=GlobalSign'),
      'CN=GlobalSign,OU=GlobalSign Root CA - R6,O=GlobalSign',
    ]);
    expect(() => validateTimestampingCertChain(chain)).not.toThrow();
    // The same chain is not a code-signing chain: its leaf is a TSA.
    expect(() => validateCodeSigningCertChain(chain)).toThrow(/extended key usage must not contain Timestamping eku$/);
  });
});
