/**
 * `notation inspect` conformance: every output in
 * vectors/notation-go/inspect/generated/ (notation's own rendering of every
 * vector envelope and layout) and inspect/golden/ (notation's e2e goldens) is
 * reproduced from the vector files in the `notation` style.
 *
 * One allowance, documented by the vectors: for JWS the order of extended
 * signed attributes follows Go's map iteration, which is not stable, so for a
 * JWS envelope with two or more extended attributes the tree is compared as a
 * multiset of lines (the last-child glyph folded); everything else is byte
 * for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOTATION_GO_DIR } from '../conformance/vectors';
import { inspectSignature, InspectOutcome } from './model';
import { renderBlobInspectJson, renderBlobInspectTree, renderInspectJson, renderInspectTree } from './render';
import { OciLayoutRepository } from '@notary-gate/oci';
import { collectSignatures } from './collect';

const INSPECT_DIR = join(NOTATION_GO_DIR, 'inspect');
const read = (path: string): string => readFileSync(path, 'utf8');

/** notation picks the parser from the manifest layer or the file name; the vectors' files sniff reliably (CBOR tag 18 = COSE_Sign1). */
function envelopeMediaType(bytes: Buffer): string {
  return bytes[0] === 0xd2 ? 'application/cose' : 'application/jose+json';
}

function inspectFile(relativePath: string): InspectOutcome {
  const bytes = readFileSync(join(NOTATION_GO_DIR, relativePath));
  return inspectSignature({ envelopeBytes: bytes, mediaType: envelopeMediaType(bytes) });
}

function signatureOf(outcome: InspectOutcome) {
  if (outcome.kind !== 'signature') throw new Error(`expected a signature, got: ${outcome.warning}`);
  return outcome.signature;
}

/** `notation inspect` of the image tagged v1 in a vector layout, through the real OciLayoutRepository. */
async function inspectLayout(layout: string): Promise<{ mediaType: string; outcomes: InspectOutcome[] }> {
  const repository = new OciLayoutRepository(join(NOTATION_GO_DIR, 'oci-layouts', layout));
  const subject = await repository.resolve('v1');
  const { outcomes } = await collectSignatures(repository, subject);
  return { mediaType: subject.mediaType, outcomes };
}

/** The reference notation printed (second line of a tree, or the subject of "has no associated signature"). */
function referenceOf(expected: string): string {
  const lines = expected.split('\n');
  return lines[0]!.endsWith(' has no associated signature') ? lines[0]!.replace(/ has no associated signature$/, '') : lines[1]!;
}

function expectSameTree(actual: string, expected: string, unorderedExtendedAttributes: boolean): void {
  if (!unorderedExtendedAttributes) {
    expect(actual).toBe(expected);
    return;
  }
  const canonical = (text: string) =>
    text
      .split('\n')
      .map((line) => line.replace('└── ', '├── '))
      .sort();
  expect(canonical(actual)).toEqual(canonical(expected));
}

describe('inspect/generated: notation’s tree for every vector envelope', () => {
  const files = readdirSync(join(INSPECT_DIR, 'generated')).filter((name) => name.startsWith('envelopes__'));

  it('covers every generated envelope output', () => {
    expect(files.length).toBeGreaterThanOrEqual(33);
  });

  it.each(files)('%s', (file) => {
    const expected = read(join(INSPECT_DIR, 'generated', file));
    const envelopePath = file.replace(/\.txt$/, '').split('__').join('/');
    const outcome = inspectFile(envelopePath);
    if (expected.startsWith('ERROR: ')) {
      // notation could not read the envelope: it is skipped with that error.
      expect(outcome.kind).toBe('skipped');
      if (outcome.kind === 'skipped') expect(`ERROR: ${outcome.reason}\n`).toBe(expected);
      return;
    }
    const signature = signatureOf(outcome);
    const unordered = signature.envelopeType === 'application/jose+json' && signature.signedAttributes.extendedAttributes.length > 1;
    expectSameTree(renderBlobInspectTree(envelopePath, signature, { style: 'notation' }), expected, unordered);
  });
});

describe('inspect/generated: notation’s tree for every vector OCI layout', () => {
  const files = readdirSync(join(INSPECT_DIR, 'generated')).filter((name) => name.startsWith('e2e'));

  it.each(files)('%s', async (file) => {
    const expected = read(join(INSPECT_DIR, 'generated', file));
    const { outcomes } = await inspectLayout(file.replace(/\.txt$/, ''));
    expect(renderInspectTree(referenceOf(expected), outcomes, { style: 'notation' })).toBe(expected);
  });
});

describe('inspect/golden: notation’s e2e goldens', () => {
  const golden = (name: string) => read(join(INSPECT_DIR, 'golden', name));

  it.each(['blob.jws.sig', 'blob.cose.sig'])('blob tree and JSON of %s', (name) => {
    const signature = signatureOf(inspectFile(`envelopes/notation/blob/${name}`));
    expect(renderBlobInspectTree(`envelopes/notation/blob/${name}`, signature, { style: 'notation' })).toBe(golden(`blob-tree__${name}.txt`));
    expect(renderBlobInspectJson(signature)).toBe(golden(`blob-json__${name}.json`));
  });

  it.each([
    ['e2e-with-timestamped-signature', 'e2e-with-timestamped-signature'],
    ['e2e-with-invalid-timestamped-signature', 'e2e-with-invalid-timestamped-signature'],
    ['no-signature', 'e2e'],
  ])('OCI tree and JSON: %s', async (name, layout) => {
    const { mediaType, outcomes } = await inspectLayout(layout);
    const tree = golden(`oci-tree__${name}.txt`);
    expect(renderInspectTree(referenceOf(tree), outcomes, { style: 'notation' })).toBe(tree);
    expect(renderInspectJson(mediaType, outcomes)).toBe(golden(`oci-json__${name}.json`));
  });

  it('JSON is the same in the seed style (only the tree has two layouts)', async () => {
    const { mediaType, outcomes } = await inspectLayout('e2e-with-timestamped-signature');
    expect(renderInspectJson(mediaType, outcomes)).toBe(golden('oci-json__e2e-with-timestamped-signature.json'));
  });
});

describe('inspect of the vectors in the seed style (notation v1.0 layout)', () => {
  it('renders a timestamped signature with v1.0 names and the token in base64', async () => {
    const { outcomes } = await inspectLayout('e2e-with-timestamped-signature');
    const text = renderInspectTree('localhost:5000/e2e@sha256:53b0191218aed9a3c1f7c661736ac40cfc8eb928642348fd843ba3f0483c0c20', outcomes);
    const lines = text.split('\n');
    expect(lines.slice(3, 12)).toEqual([
      '    └── sha256:6a5cd3a886707a317935dcaf13954fc80ef9aeb665262b6ae4fe469ad7ea3aea',
      '        ├── media type: application/jose+json',
      '        ├── signature algorithm: RSASSA-PSS-SHA-256',
      '        ├── signed attributes',
      '        │   ├── expiry: Tue Jan 21 12:39:46 2025',
      '        │   ├── signingScheme: notary.x509',
      '        │   └── signingTime: Tue Jan 21 09:17:46 2025',
      '        ├── user defined attributes',
      '        │   └── purpose: e2e',
    ]);
    expect(lines[12]).toBe('        ├── unsigned attributes');
    expect(lines[13]).toBe('        │   ├── signingAgent: notation-go/1.3.0+unreleased');
    expect(lines[14]).toMatch(/^ {8}│ {3}└── timestampSignature: MII[A-Za-z0-9+/]+=*$/);
  });
});

describe('signatures notation skips', () => {
  it('a layer that is not a signature envelope is skipped with notation’s warning', async () => {
    const { outcomes } = await inspectLayout('e2e-invalid-signature');
    expect(outcomes).toHaveLength(1);
    const [outcome] = outcomes;
    expect(outcome).toMatchObject({ kind: 'skipped', digest: 'sha256:321fcc674d6771dd0e5bd21e599f2df3a482de99a400fd3a3fe371221b97a9c9' });
    if (outcome!.kind === 'skipped') {
      expect(outcome!.warning).toBe(
        `Warning: Skipping signature sha256:321fcc674d6771dd0e5bd21e599f2df3a482de99a400fd3a3fe371221b97a9c9 because of error: ${outcome!.reason}`,
      );
      expect(outcome!.error.code).toBe('ERR_ENVELOPE_UNSUPPORTED_MEDIA_TYPE');
    }
    expect(renderInspectTree('localhost:5000/e2e@sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9', outcomes)).toBe(
      'localhost:5000/e2e@sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9 has no associated signature\n',
    );
  });

  it('garbage bytes never throw', () => {
    for (const mediaType of ['application/jose+json', 'application/cose', 'text/plain']) {
      for (const bytes of [Buffer.alloc(0), Buffer.from('{}'), Buffer.from([0xd2, 0x84, 0x40]), Buffer.from('{"payload":1}')]) {
        expect(inspectSignature({ envelopeBytes: bytes, mediaType }).kind).toBe('skipped');
      }
    }
  });
});
