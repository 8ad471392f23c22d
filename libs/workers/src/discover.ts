/** notary.v1.discover: resolve an image to its manifest digest and list referrers by artifactType. */
import type { DescriptorRef, DiscoverReply, DiscoverRequest } from '@notary-gate/contracts';
import type { Descriptor } from '@notary-gate/oci';
import { asJob } from './job-errors';
import type { RegistryAccess } from './registry-access';

export function discoverJob(access: RegistryAccess): (request: DiscoverRequest) => Promise<DiscoverReply> {
  return (request) =>
    asJob(async () => {
      const { repository, reference } = access.open(request.image, request.registryCredentials);
      const descriptor = await repository.resolve(reference.target);
      const types = request.artifactTypes ?? [];
      const listed = await Promise.all(types.map((artifactType) => repository.referrers(descriptor.digest, { artifactType })));
      const referrers: Record<string, DescriptorRef[]> = {};
      types.forEach((type, index) => (referrers[type] = listed[index]!.map(toRef)));
      return { repository: `${reference.registry}/${reference.repository}`, descriptor: toRef(descriptor), referrers };
    });
}

function toRef(descriptor: Descriptor): DescriptorRef {
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(descriptor.artifactType ? { artifactType: descriptor.artifactType } : {}),
  };
}
