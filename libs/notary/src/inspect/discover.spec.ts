import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Descriptor } from '@notary-gate/oci';
import { discoverReferrerGraph, renderDiscoverJson, renderDiscoverTree } from './discover';
import { referrer, TableReferrers } from './test/memory-referrers';

const SIG = 'application/vnd.cncf.notary.signature';
const d = (hex: string): string => `sha256:${hex}`;

const SUBJECT: Descriptor = {
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  digest: d('b31bfb4d0213f254d361e0079deaaebefa4f82ba7aa76ef82e90b4935ad5b105'),
  size: 938,
};

/** The referrers of seed/README.md §2, digest for digest. */
function seedRepository(): TableReferrers {
  const attestation = (hex: string, type: string, signatures: string[]): [Descriptor, [string, Descriptor[]]] => [
    referrer(d(hex), type),
    [d(hex), signatures.map((s) => referrer(d(s), SIG))],
  ];
  const attestations = [
    attestation('f89cb7a0748c63a674d157ca84d725ff3ac09cc2d4aee9d0ec4315e0fe92a5fd', 'vulnerability-scan', [
      'ec45844601244aa08ac750f44def3fd48ddacb736d26b83dde9f5d8ac646c2f3',
    ]),
    attestation('8cad9bd6de426683424a204697dd48b55abcd6bb6b4930ad9d8ade99ae165414', 'sbom/cyclone-dx', [
      '61f3e42f017b72f4277c78a7a42ff2ad8f872811324cd984830dfaeb4030c322',
    ]),
    attestation('aa886b475b431a37baa0e803765a9212f0accece0b82a131ebafd43ea78fa1f8', 'application/vnd.cyclonedx+json', [
      '00c5f96577878d79b545d424884886c37e270fac5996f17330d77a01a96801eb',
      'f3dc4687f5654ea8c2bc8da4e831d22a067298e8651fb59d55565dee58e94e2d',
    ]),
    attestation('c058f08c9103bb676fcd0b98e41face2436e0a16f3d1c8255797b916ab5daa8a', 'cyclonedx/vex', [
      '79edc8936a4fb8758b9cb2b8603a1c7903f53261c425efb0cd85b09715eb6dfa',
    ]),
    attestation('a75ac963617462fdfe6a3847d17e5519465dfb069f92870050cce5269e7cbd7b', 'trivy/scan', [
      'd1e2b2ba837c164c282cf389594791a190df872cf7712b4d91aa10a3520a8460',
    ]),
  ];
  // The registry lists the second image signature after an attestation: grouping keeps first-seen type order.
  return new TableReferrers('ghcr.io/kyverno/test-verify-image', {
    [SUBJECT.digest]: [
      referrer(d('7f870420d92765b42cec0f71ee8e25bf39b692f64d95d6f6607e9e6e54300265'), SIG),
      attestations[0]![0],
      referrer(d('f7d941ed9e93a1ff1d5dee3b091144a87dae1d73481d5be93aa65258a110c689'), SIG),
      ...attestations.slice(1).map(([descriptor]) => descriptor),
    ],
    ...Object.fromEntries(attestations.map(([, entry]) => entry)),
  });
}

describe('discoverReferrerGraph + renderDiscoverTree', () => {
  it('reproduces seed §2 exactly', async () => {
    const repository = seedRepository();
    const graph = await discoverReferrerGraph(repository, SUBJECT);
    const expected = readFileSync(join(__dirname, 'test/golden/seed-discover.txt'), 'utf8');
    expect(renderDiscoverTree(graph)).toBe(expected);
  });

  it('fetches each level in parallel, one request per node', async () => {
    const repository = seedRepository();
    await discoverReferrerGraph(repository, SUBJECT);
    // the subject, its 7 direct referrers (2 signatures, 5 attestations), the attestations' 6 signatures
    expect(repository.calls).toHaveLength(1 + 7 + 6);
    expect(repository.maxInFlight).toBeGreaterThan(1);
    expect(repository.calls[0]).toEqual({ digest: SUBJECT.digest });
  });

  it('applies the artifactType filter to direct referrers only', async () => {
    const repository = seedRepository();
    const graph = await discoverReferrerGraph(repository, SUBJECT, { artifactType: 'sbom/cyclone-dx' });
    expect(renderDiscoverTree(graph)).toBe(
      [
        `ghcr.io/kyverno/test-verify-image@${SUBJECT.digest}`,
        '└── sbom/cyclone-dx',
        '    └── sha256:8cad9bd6de426683424a204697dd48b55abcd6bb6b4930ad9d8ade99ae165414',
        '        └── application/vnd.cncf.notary.signature',
        '            └── sha256:61f3e42f017b72f4277c78a7a42ff2ad8f872811324cd984830dfaeb4030c322',
        '',
      ].join('\n'),
    );
    expect(repository.calls[0]).toEqual({ digest: SUBJECT.digest, artifactType: 'sbom/cyclone-dx' });
    expect(repository.calls.slice(1).every((call) => call.artifactType === undefined)).toBe(true);
  });

  it('stops at the depth bound and marks the cut nodes', async () => {
    const repository = seedRepository();
    const graph = await discoverReferrerGraph(repository, SUBJECT, { maxDepth: 1 });
    expect(repository.calls).toHaveLength(1);
    expect(graph.referrers).toHaveLength(7);
    expect(graph.referrers.every((node) => node.truncated === 'depth' && node.referrers.length === 0)).toBe(true);
  });

  it('does not loop on a cycle of subject links', async () => {
    const a = referrer(d('a'.repeat(64)), 'x/a');
    const b = referrer(d('b'.repeat(64)), 'x/b');
    const repository = new TableReferrers('r/repo', {
      [SUBJECT.digest]: [a],
      [a.digest]: [b],
      [b.digest]: [a, { ...SUBJECT, artifactType: 'x/subject' }],
    });
    const graph = await discoverReferrerGraph(repository, SUBJECT, { maxDepth: 50 });
    const bNode = graph.referrers[0]!.referrers[0]!;
    expect(bNode.referrers.map((node) => [node.descriptor.digest, node.truncated])).toEqual([
      [a.digest, 'cycle'],
      [SUBJECT.digest, 'cycle'],
    ]);
    expect(repository.calls).toHaveLength(3);
  });

  it('fetches a digest reached along two paths once', async () => {
    const shared = referrer(d('c'.repeat(64)), SIG);
    const a = referrer(d('a'.repeat(64)), 'x/a');
    const b = referrer(d('b'.repeat(64)), 'x/b');
    const repository = new TableReferrers('r/repo', { [SUBJECT.digest]: [a, b], [a.digest]: [shared], [b.digest]: [shared] });
    const graph = await discoverReferrerGraph(repository, SUBJECT);
    expect(graph.referrers.map((node) => node.referrers.length)).toEqual([1, 1]);
    expect(repository.calls.filter((call) => call.digest === shared.digest)).toHaveLength(1);
  });

  it('stops listing when the node budget runs out', async () => {
    const many = Array.from({ length: 5 }, (_, i) => referrer(d(String(i).repeat(64)), SIG));
    const repository = new TableReferrers('r/repo', { [SUBJECT.digest]: many });
    const graph = await discoverReferrerGraph(repository, SUBJECT, { maxNodes: 3 });
    expect(graph.referrers).toHaveLength(3);
    expect(graph.truncated).toBe('limit');
  });

  it('shows <unknown> for a referrer without artifactType, as oras does', async () => {
    const repository = new TableReferrers('r/repo', { [SUBJECT.digest]: [{ mediaType: 'm', digest: d('e'.repeat(64)), size: 1 }] });
    const text = renderDiscoverTree(await discoverReferrerGraph(repository, SUBJECT));
    expect(text.split('\n')[1]).toBe('└── <unknown>');
  });

  it('propagates a registry failure (the graph is unknown, not empty)', async () => {
    const repository = seedRepository();
    repository.referrers = async () => {
      throw new Error('registry unavailable');
    };
    await expect(discoverReferrerGraph(repository, SUBJECT)).rejects.toThrow('registry unavailable');
  });

  it('rejects nonsensical bounds', async () => {
    await expect(discoverReferrerGraph(seedRepository(), SUBJECT, { maxDepth: 0 })).rejects.toThrow(TypeError);
  });
});

describe('renderDiscoverJson (oras v1.3 multi-level JSON)', () => {
  it('nests referrers under their subject with digest references', async () => {
    const signature = referrer(d('2'.repeat(64)), SIG, { 'org.opencontainers.image.created': '2023-05-22T14:45:04Z', 'a<b': 'c' });
    const sbom = referrer(d('1'.repeat(64)), 'sbom/cyclone-dx');
    const repository = new TableReferrers('ghcr.io/kyverno/test-verify-image', { [SUBJECT.digest]: [sbom], [sbom.digest]: [signature] });
    const text = renderDiscoverJson(await discoverReferrerGraph(repository, SUBJECT));
    expect(text).toBe(
      [
        '{',
        `  "reference": "ghcr.io/kyverno/test-verify-image@${SUBJECT.digest}",`,
        '  "mediaType": "application/vnd.docker.distribution.manifest.v2+json",',
        `  "digest": "${SUBJECT.digest}",`,
        '  "size": 938,',
        '  "referrers": [',
        '    {',
        `      "reference": "ghcr.io/kyverno/test-verify-image@${sbom.digest}",`,
        '      "mediaType": "application/vnd.oci.image.manifest.v1+json",',
        `      "digest": "${sbom.digest}",`,
        '      "size": 700,',
        '      "artifactType": "sbom/cyclone-dx",',
        '      "referrers": [',
        '        {',
        `          "reference": "ghcr.io/kyverno/test-verify-image@${signature.digest}",`,
        '          "mediaType": "application/vnd.oci.image.manifest.v1+json",',
        `          "digest": "${signature.digest}",`,
        '          "size": 700,',
        '          "annotations": {',
        '            "a\\u003cb": "c",',
        '            "org.opencontainers.image.created": "2023-05-22T14:45:04Z"',
        '          },',
        '          "artifactType": "application/vnd.cncf.notary.signature",',
        '          "referrers": []',
        '        }',
        '      ]',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });
});
