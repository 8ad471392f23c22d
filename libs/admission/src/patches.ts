/**
 * The JSONPatch Kyverno's mutating webhook returns for verified images
 * (kyverno-notary-spec §3.1): annotations first, then digest pins.
 */
import type { JsonPatchOperation, KubernetesObject } from './admission-review';
import type { ContainerImage } from './pod-images';

export type ImageStatus = 'pass' | 'fail' | 'skip';

/** Pin an image to the digest that was verified: `registry/path:tag@digest`. */
export function digestPatch(image: ContainerImage, digest: string): JsonPatchOperation {
  const tagged = image.tag !== undefined ? `${image.registry}/${image.path}:${image.tag}` : `${image.registry}/${image.path}`;
  return { op: 'replace', path: image.jsonPointer, value: `${tagged}@${digest}` };
}

/** Per (policy key, rule, image string) status, for the scoped annotation. */
export interface ScopedImageStatus {
  /** `<namespace>/<policy>`; `/<policy>` for a ClusterPolicy. */
  policyKey: string;
  rule: string;
  image: string;
  status: ImageStatus;
}

const sortedObject = <T>(entries: [string, T][]): Record<string, T> =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * `kyverno.io/verify-images` (image → status, keys sorted, later entries win) and
 * `kyverno.io/verify-images-scoped` (1.19+), with the `/metadata/annotations`
 * object created first when the resource has none.
 */
export function verifyImagesAnnotationPatches(resource: KubernetesObject, statuses: ScopedImageStatus[]): JsonPatchOperation[] {
  if (statuses.length === 0) return [];
  const patches: JsonPatchOperation[] = [];
  if (!resource.metadata?.annotations) patches.push({ op: 'add', path: '/metadata/annotations', value: {} });
  if (statuses.length === 1) {
    // The common case (one image, one rule): nothing to merge or sort.
    // The one-status shortcut: the JSON written out by hand (strings quoted by JSON.stringify), as the merging path writes it.
    const [{ policyKey, rule, image, status }] = statuses as [ScopedImageStatus];
    const entry = `{${JSON.stringify(image)}:"${status}"}`;
    patches.push({ op: 'add', path: '/metadata/annotations/kyverno.io~1verify-images', value: entry });
    patches.push({ op: 'add', path: '/metadata/annotations/kyverno.io~1verify-images-scoped', value: `{"version":1,"policies":{${JSON.stringify(policyKey)}:{${JSON.stringify(rule)}:${entry}}}}` });
    return patches;
  }
  const plain = new Map<string, ImageStatus>();
  const scoped: Record<string, Record<string, Record<string, ImageStatus>>> = {};
  for (const entry of statuses) {
    plain.set(entry.image, entry.status);
    ((scoped[entry.policyKey] ??= {})[entry.rule] ??= {})[entry.image] = entry.status;
  }
  patches.push({ op: 'add', path: '/metadata/annotations/kyverno.io~1verify-images', value: JSON.stringify(sortedObject([...plain])) });
  const policies = sortedObject(
    Object.entries(scoped).map(([policy, rules]) => [
      policy,
      sortedObject(Object.entries(rules).map(([rule, images]) => [rule, sortedObject(Object.entries(images))])),
    ]),
  );
  patches.push({
    op: 'add',
    path: '/metadata/annotations/kyverno.io~1verify-images-scoped',
    value: JSON.stringify({ version: 1, policies }),
  });
  return patches;
}

/** Apply a JSONPatch to a copy of a document (RFC 6902 add/replace/remove), e.g. to show the mutated resource. */
export function applyPatch<T>(document: T, patch: JsonPatchOperation[]): T {
  const copy = structuredClone(document) as unknown;
  for (const operation of patch) {
    const segments = operation.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = segments.pop();
    if (last === undefined) throw new TypeError(`cannot patch the document root (${operation.path})`);
    let parent = copy as Record<string, unknown>;
    for (const segment of segments) {
      const next = parent[segment];
      if (typeof next !== 'object' || next === null) throw new TypeError(`path ${operation.path} does not exist`);
      parent = next as Record<string, unknown>;
    }
    if (operation.op === 'remove') delete parent[last];
    else parent[last] = structuredClone(operation.value);
  }
  return copy as T;
}
