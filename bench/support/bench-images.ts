/**
 * Many seed-shaped images for the benchmarks: each a distinct small image
 * (its own digest), signed with the seed's certificate A, optionally with a
 * signed CycloneDX SBOM attestation — the shapes of the seed's `:signed`
 * (check-image-notary) and `:mit`/`:signed` (check-image-sbom-license)
 * images, built by the same builder the test suites use.
 */
import type { IssuedCertificate } from '@notary-gate/notary';
import type { Descriptor, OciRepository } from '@notary-gate/oci';
import { pushImage, sbomDocument, seedSigner } from './seed-images';

export interface BenchImageOptions {
  /** Also attach an `sbom/cyclone-dx` attestation with this license, signed with the same certificate. */
  sbomLicense?: string;
  /** Images pushed at once. Default 8. */
  parallelism?: number;
}

/** Pushes and signs one image per tag; resolves with their manifest descriptors, in tag order. */
export async function pushSignedImages(repository: OciRepository, cert: IssuedCertificate, tags: string[], options: BenchImageOptions = {}): Promise<Descriptor[]> {
  const signer = seedSigner(repository);
  const built: Descriptor[] = new Array<Descriptor>(tags.length);
  let next = 0;
  const builder = async (): Promise<void> => {
    for (let index = next++; index < tags.length; index = next++) {
      const image = await pushImage(repository, tags[index]!);
      await signer.sign(image, cert);
      if (options.sbomLicense !== undefined) await signer.attest(image, 'sbom/cyclone-dx', sbomDocument(options.sbomLicense), cert);
      built[index] = image;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallelism ?? 8, tags.length) }, builder));
  return built;
}
