/**
 * The demo's throwaway world, built with the project's own signer into an OCI
 * layout: a test CA and a code-signing leaf it issues, a second key nobody
 * trusts, and five images of `ghcr.io/kyverno/test-verify-image` (the
 * repository of Kyverno's Notary documentation) with their signed
 * attestations. Nothing is fetched and nothing is pushed anywhere: the
 * layout is served to the webhook through `--registry-mirror
 * ghcr.io=oci-layout:<dir>/registry`, the same code path as a registry.
 *
 *   :signed     signed by the leaf; sbom/cyclone-dx (GPL-3.0 only),
 *               trivy/vulnerability and vex/cyclone-dx (the same CVEs),
 *               vulnerability-scan — each attestation signed by the leaf
 *   :unsigned   nothing
 *   :other-key  signed by a self-signed key no policy trusts (attestations as :signed)
 *   :sbom-mit   as :signed, but its SBOM lists an MIT component
 *   :vex-gap    as :signed, but trivy reports a CVE the VEX does not mention
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachArtifact, buildCertificate, CertificateAuthority, generateKeyPair, notaryTestName, signArtifact, toPem, type Certificate, type IssuedCertificate } from '@notary-gate/notary';
import { MediaTypes, OciLayoutRepository, sha256Digest, type Descriptor } from '@notary-gate/oci';

export const DEMO_REGISTRY = 'ghcr.io';
export const DEMO_REPOSITORY = 'kyverno/test-verify-image';
export const DEMO_TAGS = ['signed', 'unsigned', 'other-key', 'sbom-mit', 'vex-gap'] as const;
export type DemoTag = (typeof DEMO_TAGS)[number];

export interface DemoWorld {
  directory: string;
  /** The directory to mirror `ghcr.io` to (`ghcr.io=oci-layout:<registryDirectory>`). */
  registryDirectory: string;
  policyDirectory: string;
  configMapDirectory: string;
  ca: IssuedCertificate;
  images: Record<DemoTag, Descriptor>;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Replaces every PEM certificate in `yaml` with `pem`, keeping the block's indentation (the YAML literal stays valid). */
export function withTrustAnchor(yaml: string, pem: string): string {
  return yaml.replace(PEM_BLOCK, (_block, offset: number) => {
    const indent = ' '.repeat(offset - (yaml.lastIndexOf('\n', offset) + 1));
    return pem
      .trim()
      .split('\n')
      .map((line, index) => (index === 0 ? line : indent + line))
      .join('\n');
  });
}

const cves = ['CVE-2023-0001', 'CVE-2023-0002'];
const sbom = (license: string) => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.4',
  components: [
    { name: 'busybox', version: '1.36.0', licenses: [{ expression: 'GPL-3.0' }] },
    { name: 'openssl', version: '3.1.0', licenses: [{ expression: license }] },
  ],
});
const trivy = (ids: string[]) => ({ SchemaVersion: 2, ArtifactName: `${DEMO_REGISTRY}/${DEMO_REPOSITORY}`, Vulnerabilities: ids.map((id) => ({ VulnerabilityID: id, Severity: 'HIGH' })) });
const vex = (ids: string[]) => ({ bomFormat: 'CycloneDX', specVersion: '1.5', vulnerabilities: ids.map((id) => ({ id, analysis: { state: 'not_affected' } })) });
const scan = { source: { type: 'image' }, results: [] };

/** Builds the world under `directory` (created; must be empty or new) from the example policies and ConfigMaps in `examples`. */
export async function buildDemoWorld(directory: string, examples: string, now: Date): Promise<DemoWorld> {
  const notAfter = new Date(now.getTime() + 24 * 3600 * 1000);
  const notBefore = new Date(now.getTime() - 3600 * 1000);
  // Fresh keys every run: nothing here is worth keeping or stealing.
  const root = CertificateAuthority.root({ subject: notaryTestName('notary-gate demo CA'), key: generateKeyPair('EC-256'), notBefore, notAfter });
  const leaf = root.issueCodeSigningLeaf({ subject: notaryTestName('notary-gate demo signer'), key: generateKeyPair('EC-256'), notBefore, notAfter });
  const stranger = buildCertificate({
    subject: notaryTestName('someone else'),
    key: generateKeyPair('EC-256'),
    notBefore,
    notAfter,
    keyUsage: { usages: ['digitalSignature'], critical: true },
    extendedKeyUsage: { usages: ['codeSigning'] },
  });
  const ca: IssuedCertificate = { certificate: root.certificate, key: root.key, certificatePem: root.certificatePem, privateKeyPem: root.privateKeyPem };

  const registryDirectory = join(directory, 'registry');
  const repository = new OciLayoutRepository(join(registryDirectory, ...DEMO_REPOSITORY.split('/')));
  const sign = (subject: Descriptor, key: IssuedCertificate, chain: readonly Certificate[]) =>
    signArtifact({ repository, subject, key: key.key.privateKey, certificateChain: chain, format: 'jws', signingTime: now });
  const signByLeaf = (subject: Descriptor) => sign(subject, leaf, leaf.chain);
  const attest = async (subject: Descriptor, artifactType: string, payload: unknown) => {
    const attached = await attachArtifact({ repository, subject, artifactType, payload: Buffer.from(JSON.stringify(payload)), mediaType: 'application/json', created: now });
    await signByLeaf(attached);
  };
  const attestAll = async (subject: Descriptor, license: string, found: string[]) => {
    await attest(subject, 'vulnerability-scan', scan);
    await attest(subject, 'sbom/cyclone-dx', sbom(license));
    await attest(subject, 'trivy/vulnerability', trivy(found));
    await attest(subject, 'vex/cyclone-dx', vex(cves));
  };

  const signed = await pushImage(repository, 'signed');
  await signByLeaf(signed);
  await attestAll(signed, 'GPL-3.0', cves);
  const unsigned = await pushImage(repository, 'unsigned');
  const otherKey = await pushImage(repository, 'other-key');
  await sign(otherKey, stranger, [stranger.certificate]);
  await attestAll(otherKey, 'GPL-3.0', cves);
  const sbomMit = await pushImage(repository, 'sbom-mit');
  await signByLeaf(sbomMit);
  await attestAll(sbomMit, 'MIT', cves);
  const vexGap = await pushImage(repository, 'vex-gap');
  await signByLeaf(vexGap);
  await attestAll(vexGap, 'GPL-3.0', [...cves, 'CVE-2023-9999']);

  const policyDirectory = join(directory, 'policies');
  const configMapDirectory = join(directory, 'configmaps');
  copyWithTrustAnchor(join(examples, 'policies'), policyDirectory, ca.certificatePem);
  copyWithTrustAnchor(join(examples, 'configmaps'), configMapDirectory, ca.certificatePem);
  writeFileSync(join(directory, 'demo-ca.crt'), ca.certificatePem);
  writeFileSync(join(directory, 'demo-signer.crt'), leaf.chain.map((certificate) => toPem(certificate.der, 'CERTIFICATE')).join(''));
  writeFileSync(join(directory, 'demo-signer.key'), leaf.privateKeyPem, { mode: 0o600 });

  return {
    directory,
    registryDirectory,
    policyDirectory,
    configMapDirectory,
    ca,
    images: { signed, unsigned, 'other-key': otherKey, 'sbom-mit': sbomMit, 'vex-gap': vexGap },
  };
}

function copyWithTrustAnchor(from: string, to: string, pem: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from).filter((file) => /\.ya?ml$/.test(file)).sort()) {
    writeFileSync(join(to, name), withTrustAnchor(readFileSync(join(from, name), 'utf8'), pem));
  }
}

/** A small image (config + one layer) under `tag`; each tag's content differs, so each has its own digest. */
async function pushImage(repository: OciLayoutRepository, tag: string): Promise<Descriptor> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { 'notary-gate.demo': tag } }, rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from(`layer of ${tag}\n`);
  const configDescriptor = await repository.pushBlob(config, 'application/vnd.oci.image.config.v1+json');
  const layerDescriptor = await repository.pushBlob(layer, 'application/vnd.oci.image.layer.v1.tar');
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: configDescriptor, layers: [layerDescriptor] }));
  const descriptor = await repository.pushManifest(manifest, MediaTypes.ociManifest, tag);
  if (descriptor.digest !== sha256Digest(manifest)) throw new Error('the layout changed the manifest digest');
  return descriptor;
}
