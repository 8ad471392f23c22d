import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from '../../../../test/support/fixtures';
import { parseCertificates } from '../x509/certificate';
import { describeCertificate } from './certificate-view';
import { InspectedSignature, skippedOutcome } from './model';
import { renderBlobInspectJson, renderBlobInspectTree, renderInspectJson, renderInspectTree, skippedWarnings } from './render';

const SEED_DIR = fixturePath('seed');
const golden = (name: string): string => readFileSync(join(__dirname, 'test/golden', name), 'utf8');

const SUBJECT = 'ghcr.io/kyverno/test-verify-image@sha256:b31bfb4d0213f254d361e0079deaaebefa4f82ba7aa76ef82e90b4935ad5b105';

/** The signature of seed/README.md §1: its digests, its certificate (the seed's PEM), its times. */
function seedSignature(): InspectedSignature {
  const [certificate] = parseCertificates(readFileSync(join(SEED_DIR, 'certs/notary-test-2023.pem')));
  return {
    digest: 'sha256:7f870420d92765b42cec0f71ee8e25bf39b692f64d95d6f6607e9e6e54300265',
    envelopeType: 'application/jose+json',
    signatureAlgorithm: 'RSASSA-PSS-SHA-256',
    signedAttributes: {
      contentType: 'application/vnd.cncf.notary.payload.v1+json',
      signingScheme: 'notary.x509',
      signingTime: { date: new Date('2023-05-22T14:45:04Z'), offsetMinutes: 0 },
      extendedAttributes: [],
    },
    userDefinedAttributes: null,
    unsignedAttributes: { signingAgent: 'Notation/1.0.0' },
    certificates: [describeCertificate(certificate!)],
    signedArtifact: {
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      digest: 'sha256:b31bfb4d0213f254d361e0079deaaebefa4f82ba7aa76ef82e90b4935ad5b105',
      size: 938,
    },
  };
}

describe('renderInspectTree, seed style (notation v1.0 layout, the default)', () => {
  it('reproduces seed §1 line for line', () => {
    const expected = golden('seed-inspect.txt').split('\n');
    const actual = renderInspectTree(SUBJECT, [seedSignature()]).split('\n');
    actual.forEach((line, index) => expect([index, line]).toEqual([index, expected[index]]));
    expect(actual).toHaveLength(expected.length);
  });

  it('is the default style', () => {
    expect(renderInspectTree(SUBJECT, [seedSignature()], { style: 'seed' })).toBe(renderInspectTree(SUBJECT, [seedSignature()]));
  });

  it('prints expiry, extended attributes and the timestamp token as notation v1.0 did (sorted map keys)', () => {
    const signature = seedSignature();
    signature.signedAttributes.expiry = { date: new Date('2023-06-27T13:21:21Z'), offsetMinutes: 0 };
    signature.signedAttributes.extendedAttributes = [{ key: 'io.cncf.notary.verificationPlugin', value: 'plugin-name' }];
    signature.userDefinedAttributes = { 'z.key': 'last', 'a.key': 'first' };
    signature.unsignedAttributes.timestamp = { error: 'ignored in this layout', token: Buffer.from([1, 2, 3, 250]) };
    const text = renderBlobInspectTree('sig.jws.sig', signature);
    expect(text).toBe(
      [
        'sig.jws.sig',
        '├── media type: application/jose+json',
        '├── signature algorithm: RSASSA-PSS-SHA-256',
        '├── signed attributes',
        '│   ├── expiry: Tue Jun 27 13:21:21 2023',
        '│   ├── io.cncf.notary.verificationPlugin: plugin-name',
        '│   ├── signingScheme: notary.x509',
        '│   └── signingTime: Mon May 22 14:45:04 2023',
        '├── user defined attributes',
        '│   ├── a.key: first',
        '│   └── z.key: last',
        '├── unsigned attributes',
        '│   ├── signingAgent: Notation/1.0.0',
        '│   └── timestampSignature: AQID+g==',
        '├── certificates',
        '│   └── SHA256 fingerprint: da1f2d7d648dfacc7ebd59f98a9f35c753c331d80ca4280bb94060f4af4a5357',
        '│       ├── issued to: CN=test,O=Notary,L=Seattle,ST=WA,C=US',
        '│       ├── issued by: CN=test,O=Notary,L=Seattle,ST=WA,C=US',
        '│       └── expiry: Thu May 19 21:15:18 2033',
        '└── signed artifact',
        '    ├── media type: application/vnd.docker.distribution.manifest.v2+json',
        '    ├── digest: sha256:b31bfb4d0213f254d361e0079deaaebefa4f82ba7aa76ef82e90b4935ad5b105',
        '    └── size: 938',
        '',
      ].join('\n'),
    );
  });

  it('prints (empty) under an empty unsigned-attributes map, as v1.0 did', () => {
    const signature = seedSignature();
    signature.unsignedAttributes = {};
    expect(renderInspectTree(SUBJECT, [signature])).toContain('├── unsigned attributes\n        │   └── (empty)\n');
    expect(renderInspectTree(SUBJECT, [signature], { style: 'notation' })).toContain('├── unsigned attributes\n        ├── certificates\n');
  });
});

describe('renderInspectTree, notation style (v1.3 layout)', () => {
  it('prints the v1.3 field names and order', () => {
    const signature = seedSignature();
    signature.signedAttributes.expiry = { date: new Date('2023-06-27T13:21:21Z'), offsetMinutes: 0 };
    expect(renderBlobInspectTree('x', signature, { style: 'notation' }).split('\n').slice(0, 13)).toEqual([
      'x',
      '├── signature algorithm: RSASSA-PSS-SHA-256',
      '├── signature envelope type: application/jose+json',
      '├── signed attributes',
      '│   ├── content type: application/vnd.cncf.notary.payload.v1+json',
      '│   ├── signing scheme: notary.x509',
      '│   ├── signing time: Mon May 22 14:45:04 2023',
      '│   └── expiry: Tue Jun 27 13:21:21 2023',
      '├── user defined attributes',
      '│   └── (empty)',
      '├── unsigned attributes',
      '│   └── signing agent: Notation/1.0.0',
      '├── certificates',
    ]);
  });

  it('prints JWS times in the offset the header was written in, with a space-padded day', () => {
    const signature = seedSignature();
    // 2024-06-18T14:29:33+08:00 (jwsWithTimestamp.sig) prints its wall clock, not UTC.
    signature.signedAttributes.signingTime = { date: new Date('2024-06-18T06:29:33Z'), offsetMinutes: 480 };
    signature.signedAttributes.expiry = { date: new Date('2025-01-07T08:42:43Z'), offsetMinutes: 0 };
    const text = renderInspectTree(SUBJECT, [signature], { style: 'notation' });
    expect(text).toContain('signing time: Tue Jun 18 14:29:33 2024\n');
    expect(text).toContain('expiry: Tue Jan  7 08:42:43 2025\n');
  });

  it('prints a timestamp error in place of its range', () => {
    const signature = seedSignature();
    signature.unsignedAttributes.timestamp = { error: 'failed to parse timestamp countersignature: boom', token: Buffer.alloc(0) };
    expect(renderInspectTree(SUBJECT, [signature], { style: 'notation' })).toContain(
      '        │   └── timestamp signature\n        │       └── error: failed to parse timestamp countersignature: boom\n',
    );
  });
});

describe('signatures that cannot be shown', () => {
  it('prints "<ref> has no associated signature" when none is displayable', () => {
    expect(renderInspectTree(SUBJECT, [])).toBe(`${SUBJECT} has no associated signature\n`);
    const skipped = skippedOutcome('sha256:aa', new Error('bad envelope'));
    expect(renderInspectTree(SUBJECT, [skipped], { style: 'notation' })).toBe(`${SUBJECT} has no associated signature\n`);
  });

  it('keeps notation’s warning for each skipped signature', () => {
    const skipped = skippedOutcome('sha256:aa', new Error('bad envelope'));
    expect(skippedWarnings([skipped, { kind: 'signature', signature: seedSignature() }])).toEqual([
      'Warning: Skipping signature sha256:aa because of error: bad envelope',
    ]);
    expect(skipped).toMatchObject({ kind: 'skipped', error: { code: 'ERR_ENVELOPE_MALFORMED' } });
  });

  it('rejects an unknown style', () => {
    expect(() => renderInspectTree(SUBJECT, [seedSignature()], { style: 'fancy' as never })).toThrow(TypeError);
  });
});

describe('renderInspectJson (notation v1.3 JSON)', () => {
  it('prints the no-signature document', () => {
    expect(renderInspectJson('application/vnd.oci.image.manifest.v1+json', [])).toBe(
      '{\n  "mediaType": "application/vnd.oci.image.manifest.v1+json",\n  "signatures": []\n}\n',
    );
  });

  it('sorts signed attributes as a Go map, escapes HTML like Go, and omits digest for blobs', () => {
    const signature = seedSignature();
    signature.signedAttributes.signingTime = { date: new Date('2024-06-18T06:29:33Z'), offsetMinutes: 480 };
    signature.signedAttributes.extendedAttributes = [{ key: 'b<key>', value: 'x & y' }];
    const document = JSON.parse(renderBlobInspectJson(signature)) as Record<string, unknown>;
    expect(document['digest']).toBeUndefined();
    expect(Object.keys(document['signedAttributes'] as object)).toEqual(['b<key>', 'contentType', 'signingScheme', 'signingTime']);
    expect((document['signedAttributes'] as Record<string, string>)['signingTime']).toBe('2024-06-18T14:29:33+08:00');
    const text = renderBlobInspectJson(signature);
    expect(text).toContain('"b\\u003ckey\\u003e": "x \\u0026 y"');
    expect(text).toContain('"userDefinedAttributes": null,');
    expect(text).toContain('"unsignedAttributes": {\n    "signingAgent": "Notation/1.0.0"\n  },');
  });
});
