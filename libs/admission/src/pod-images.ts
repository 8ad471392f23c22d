/**
 * The images of a resource, as Kyverno extracts them (`pkg/utils/api/image.go`):
 * containers, initContainers and ephemeralContainers of a Pod, of a pod
 * template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * ReplicationController) or of a CronJob's job template.
 */
import type { KubernetesObject } from './admission-review';
import { AdmissionError } from './errors';
import { parseImageInfo, type ImageInfo } from './image-info';

export type ContainerType = 'containers' | 'initContainers' | 'ephemeralContainers';
export const CONTAINER_TYPES: readonly ContainerType[] = ['initContainers', 'containers', 'ephemeralContainers'];

export interface ContainerImage extends ImageInfo {
  /** The extractor's name: a ContainerType for the built-in ones, `custom` (or the configured name) for imageExtractors. */
  containerType: ContainerType | string;
  containerName: string;
  /** JSON pointer of the image field, e.g. `/spec/containers/0/image`. */
  jsonPointer: string;
  /** The image exactly as written in the resource. */
  original: string;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

/** Path (as JSON pointer segments) of the pod spec inside a resource of this kind, or null. */
export function podSpecPointer(kind: string): string | null {
  if (kind === 'Pod') return '/spec';
  if (TEMPLATE_KINDS.has(kind)) return '/spec/template/spec';
  if (kind === 'CronJob') return '/spec/jobTemplate/spec/template/spec';
  return null;
}

function at(object: unknown, pointer: string): unknown {
  let current: unknown = object;
  for (const segment of pointer.split('/').slice(1)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Every container image of the resource, in container order; malformed entries give a path-precise error. */
export function extractImages(resource: KubernetesObject): ContainerImage[] {
  const specPointer = podSpecPointer(String(resource.kind ?? ''));
  if (specPointer === null) return [];
  const spec = at(resource, specPointer);
  if (spec === undefined || spec === null) return [];
  const images: ContainerImage[] = [];
  for (const containerType of CONTAINER_TYPES) {
    const list = (spec as Record<string, unknown>)[containerType];
    if (list === undefined || list === null) continue;
    const listPath = `${specPointer}/${containerType}`;
    if (!Array.isArray(list)) throw new AdmissionError('ERR_MALFORMED_REVIEW', pointerToPath(listPath), 'must be a list of containers');
    list.forEach((container: unknown, index) => {
      const pointer = `${listPath}/${index}/image`;
      if (typeof container !== 'object' || container === null) {
        throw new AdmissionError('ERR_MALFORMED_REVIEW', pointerToPath(`${listPath}/${index}`), 'must be a container object');
      }
      const image = (container as Record<string, unknown>)['image'];
      if (typeof image !== 'string') {
        throw new AdmissionError('ERR_MALFORMED_REVIEW', pointerToPath(pointer), 'must be a string');
      }
      const name = (container as Record<string, unknown>)['name'];
      // Frozen: read by every rule of every policy, changed by none (and remembered by identity, e.g. its spellings).
      images.push(
        Object.freeze({
          ...parseImageInfo(image, () => pointerToPath(pointer)),
          containerType,
          containerName: typeof name === 'string' ? name : String(index),
          jsonPointer: pointer,
          original: image,
        }),
      );
    });
  }
  return images;
}

/** `/spec/containers/0/image` → `spec.containers[0].image` for messages. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('')
    .replace(/^\./, '');
}

/**
 * The `images` context variable as Kyverno exposes it:
 * `{containers: {<name>: {registry, name, path, tag?, digest?, reference, referenceWithTag, jsonPointer}}, …}`.
 */
export function imagesContext(images: ContainerImage[]): Record<string, Record<string, unknown>> {
  const context: Record<string, Record<string, unknown>> = {};
  for (const image of images) {
    const group = (context[image.containerType] ??= {});
    group[image.containerName] = {
      registry: image.registry,
      name: image.name,
      path: image.path,
      ...(image.tag !== undefined ? { tag: image.tag } : {}),
      ...(image.digest !== undefined ? { digest: image.digest } : {}),
      reference: image.reference,
      referenceWithTag: image.referenceWithTag,
      jsonPointer: image.jsonPointer,
    };
  }
  return context;
}
