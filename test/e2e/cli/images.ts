/**
 * Pushes small, distinct container images to a test registry: a config blob,
 * one layer and an OCI image manifest under a tag — what a build pipeline
 * would have pushed before signing.
 */
import { MediaTypes, openRepository, type Descriptor } from '@notary-gate/oci';

export async function pushImage(host: string, repository: string, tag: string, content = `${repository}:${tag}`): Promise<Descriptor> {
  const opened = openRepository(`${host}/${repository}:${tag}`, { insecureRegistries: [host] });
  try {
    const config = await opened.repository.pushBlob(
      Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { content } } })),
      'application/vnd.oci.image.config.v1+json',
    );
    const layer = await opened.repository.pushBlob(Buffer.from(`layer of ${content}\n`), 'application/vnd.oci.image.layer.v1.tar');
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
    };
    return await opened.repository.pushManifest(Buffer.from(JSON.stringify(manifest)), MediaTypes.ociManifest, tag);
  } finally {
    await opened.close();
  }
}
