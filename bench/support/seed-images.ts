/**
 * Builds the seed's images (seed/README.md §2) in a real registry, with
 * certificates of the seed's shape (self-signed code-signing leaves,
 * CN=test,O=Notary,L=Seattle,ST=WA,C=US, used directly as trust anchors):
 *
 *   <host>/kyverno/test-verify-image:signed     signed with cert A; referrers:
 *       vulnerability-scan, sbom/cyclone-dx (GPL-3.0)      — each signed with cert A
 *       trivy/vulnerability, vex/cyclone-dx (same CVEs)    — each signed with cert B
 *   :unsigned       no signature
 *   :mit            signed with A; its sbom/cyclone-dx says MIT
 *   :vex-gap        signed with A; trivy lists a CVE the VEX does not
 *   :wrong-signer   signed with cert C (not in any policy)
 *
 * and the seed's three policies rewritten only where they must be: the
 * registry host in place of ghcr.io and our certificates in place of theirs.
 *
 * The pieces (pushImage, seedSigner, the attestation documents) are exported
 * for the benchmarks, which build many more images of the same shape. Lives
 * under bench/ (compiled into dist) so that `npm run bench:admission` and the
 * test suites share this one builder; test/fixtures/seed-images.ts re-exports it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachArtifact, buildCertificate, cachedKeyPair, notaryTestName, signArtifact, type IssuedCertificate } from '@notary-gate/notary';
import { RegistryClient, sha256Digest, MediaTypes, type Descriptor, type OciRepository } from '@notary-gate/oci';
import { fixturePath } from './fixtures';

export const SEED_POLICY_DIR = fixturePath('seed/policies');
export const SEED_REPOSITORY = 'kyverno/test-verify-image';

export interface SeedImages {
  host: string;
  repository: string;
  certA: IssuedCertificate;
  certB: IssuedCertificate;
  certC: IssuedCertificate;
  /** Manifest descriptors by tag. */
  images: Record<'signed' | 'unsigned' | 'mit' | 'vex-gap' | 'wrong-signer', Descriptor>;
  /** The seed policies, rewritten for this registry and these certificates: file name → YAML. */
  policies: Record<string, string>;
  /**
   * The ConfigMaps `keys` the seed policies' contexts read (cert A under data.certificate):
   * in `kyverno` (SBOM policy) and `notary-verify-attestation` (trivy/VEX policy).
   */
  configMapYaml: string;
}

const YEAR = 365 * 24 * 3600 * 1000;

/** A self-signed code-signing leaf shaped like the seed's certificates (CA:FALSE, KU digitalSignature, EKU codeSigning). */
export function seedShapedCertificate(label: string): IssuedCertificate {
  return buildCertificate({
    subject: notaryTestName('test'),
    // A distinct key per label so that A, B and C are different signers.
    key: cachedKeyPair('RSA-2048', `seed-${label}`),
    notBefore: new Date(Date.now() - 24 * 3600 * 1000),
    notAfter: new Date(Date.now() + 10 * YEAR),
    basicConstraints: { ca: false },
    keyUsage: { usages: ['digitalSignature'], critical: true },
    extendedKeyUsage: { usages: ['codeSigning'] },
  });
}

/** A CycloneDX SBOM whose openssl component carries `license` (busybox is always GPL-3.0). */
export const sbomDocument = (license: string) => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.4',
  metadata: { timestamp: '2023-05-22T14:40:00Z' },
  components: [
    { name: 'busybox', version: '1.36.0', licenses: [{ expression: 'GPL-3.0' }] },
    { name: 'openssl', version: '3.1.0', licenses: [{ expression: license }] },
  ],
});
const trivy = (ids: string[]) => ({ SchemaVersion: 2, ArtifactName: 'test-verify-image', Vulnerabilities: ids.map((id) => ({ VulnerabilityID: id, Severity: 'HIGH' })) });
const vex = (ids: string[]) => ({ bomFormat: 'CycloneDX', specVersion: '1.5', vulnerabilities: ids.map((id) => ({ id, analysis: { state: 'not_affected' } })) });
const scan = { source: { type: 'image' }, descriptor: { timestamp: '2023-05-22T14:45:00Z' }, results: [] };

export interface SeedSigner {
  /** Signs `subject` as notation does (JWS, the certificate alone as chain) and pushes the signature as its referrer. */
  sign(subject: Descriptor, cert: IssuedCertificate): Promise<Descriptor>;
  /** Attaches `payload` (JSON) as a referrer of `artifactType` and signs that attestation with `cert`. */
  attest(subject: Descriptor, artifactType: string, payload: unknown, cert: IssuedCertificate): Promise<Descriptor>;
}

export function seedSigner(repository: OciRepository): SeedSigner {
  const sign = (subject: Descriptor, cert: IssuedCertificate) =>
    signArtifact({ repository, subject, key: cert.key.privateKey, certificateChain: [cert.certificate], format: 'jws' });
  return {
    sign,
    attest: async (subject, artifactType, payload, cert) => {
      const attached = await attachArtifact({ repository, subject, artifactType, payload: Buffer.from(JSON.stringify(payload)), mediaType: 'application/json' });
      await sign(attached, cert);
      return attached;
    },
  };
}

export async function buildSeedImages(host: string, client: RegistryClient): Promise<SeedImages> {
  const repository = client.repository(`${host}/${SEED_REPOSITORY}`);
  const certA = seedShapedCertificate('A');
  const certB = seedShapedCertificate('B');
  const certC = seedShapedCertificate('C');
  const { sign, attest } = seedSigner(repository);

  const cves = ['CVE-2023-0001', 'CVE-2023-0002'];
  const signed = await pushImage(repository, 'signed');
  await sign(signed, certA);
  await attest(signed, 'vulnerability-scan', scan, certA);
  await attest(signed, 'sbom/cyclone-dx', sbomDocument('GPL-3.0'), certA);
  await attest(signed, 'trivy/vulnerability', trivy(cves), certB);
  await attest(signed, 'vex/cyclone-dx', vex(cves), certB);

  const unsigned = await pushImage(repository, 'unsigned');

  const mit = await pushImage(repository, 'mit');
  await sign(mit, certA);
  await attest(mit, 'sbom/cyclone-dx', sbomDocument('MIT'), certA);

  const vexGap = await pushImage(repository, 'vex-gap');
  await sign(vexGap, certA);
  await attest(vexGap, 'trivy/vulnerability', trivy([...cves, 'CVE-2023-9999']), certB);
  await attest(vexGap, 'vex/cyclone-dx', vex(cves), certB);

  const wrongSigner = await pushImage(repository, 'wrong-signer');
  await sign(wrongSigner, certC);

  return {
    host,
    repository: `${host}/${SEED_REPOSITORY}`,
    certA,
    certB,
    certC,
    images: { signed, unsigned, mit, 'vex-gap': vexGap, 'wrong-signer': wrongSigner },
    policies: rewriteSeedPolicies(host, certA, certB),
    configMapYaml: ['kyverno', 'notary-verify-attestation'].map((namespace) => keysConfigMap(namespace, certA)).join('---\n'),
  };
}

function keysConfigMap(namespace: string, cert: IssuedCertificate): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: keys',
    `  namespace: ${namespace}`,
    'data:',
    '  certificate: |-',
    ...cert.certificatePem.trim().split('\n').map((line) => `    ${line}`),
    '',
  ].join('\n');
}

/** A small image: config + one layer, tagged. Each tag gets distinct content (distinct digest). */
export async function pushImage(repository: OciRepository, tag: string): Promise<Descriptor> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { tag } }, rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from(`layer of ${tag}\n`);
  const configDescriptor = await repository.pushBlob(config, 'application/vnd.docker.container.image.v1+json');
  const layerDescriptor = await repository.pushBlob(layer, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.dockerManifest, config: configDescriptor, layers: [layerDescriptor] }),
  );
  const descriptor = await repository.pushManifest(manifest, MediaTypes.dockerManifest, tag);
  if (descriptor.digest !== sha256Digest(manifest)) throw new Error('registry changed the manifest digest');
  return descriptor;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;

/** The seed policies with the registry host and the embedded certificates replaced, nothing else. */
export function rewriteSeedPolicies(host: string, certA: IssuedCertificate, certB: IssuedCertificate): Record<string, string> {
  const out: Record<string, string> = {};
  const replacements: Record<string, IssuedCertificate> = {
    'check-image-notary.yaml': certA,
    'check-image-sbom-license.yaml': certA,
    'check-image-trivy-vex.yaml': certB,
  };
  for (const [file, cert] of Object.entries(replacements)) {
    const original = readFileSync(join(SEED_POLICY_DIR, file), 'utf8');
    const withHost = original.split('ghcr.io/').join(`${host}/`);
    out[file] = withHost.replace(new RegExp(PEM_BLOCK.source, 'g'), (block, offset: number) => {
      const lineStart = withHost.lastIndexOf('\n', offset) + 1;
      const indent = ' '.repeat(offset - lineStart);
      return cert.certificatePem
        .trim()
        .split('\n')
        .map((line, index) => (index === 0 ? line : indent + line))
        .join('\n');
    });
  }
  return out;
}
