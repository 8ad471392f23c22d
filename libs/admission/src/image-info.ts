/**
 * Image strings as Kyverno sees them (`pkg/utils/image/infos.go` GetImageInfo):
 * `docker.io/` is prefixed when the first path element is not a registry, but
 * Docker Hub is NOT normalised to `library/` (`nginx` → `docker.io/nginx:latest`),
 * and the string form drops the tag when a digest is present.
 */
import { AdmissionError } from './errors';

export interface ImageInfo {
  registry: string;
  /** Repository path without the registry, e.g. `kyverno/test-verify-image`. */
  path: string;
  /** Last path element. */
  name: string;
  tag?: string;
  digest?: string;
  /** `registry/path@digest` when a digest is present, else `registry/path:tag`. */
  reference: string;
  /** `registry/path:tag` (ends in `:` when only a digest is present). */
  referenceWithTag: string;
}

const DEFAULT_REGISTRY = 'docker.io';
// distribution/reference grammar
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/**
 * Images already parsed: the same few images come admission after admission. Bounded (emptied when full);
 * the infos handed out are frozen, so no caller changes what another reads. Errors are not kept.
 */
const PARSED_KEPT = 1_024;
const parsed = new Map<string, ImageInfo>();

/** Parse an image as Kyverno does; `path` names the field in errors (a function: computed only for an error). */
export function parseImageInfo(image: string, path: string | (() => string) = 'image'): ImageInfo {
  let info = typeof image === 'string' ? parsed.get(image) : undefined;
  if (info === undefined) {
    info = Object.freeze(parseUncached(image, path));
    if (parsed.size >= PARSED_KEPT) parsed.clear();
    parsed.set(image, info);
  }
  return info;
}

function parseUncached(image: string, path: string | (() => string)): ImageInfo {
  const fail = (reason: string): never => {
    throw new AdmissionError('ERR_INVALID_IMAGE', typeof path === 'string' ? path : path(), `invalid image reference "${image}": ${reason}`);
  };
  if (typeof image !== 'string' || image.trim() === '') fail('empty');
  let text = image;
  const slash = text.indexOf('/');
  if (slash < 0) {
    text = `${DEFAULT_REGISTRY}/${text}`;
  } else {
    const first = text.slice(0, slash);
    if (!first.includes('.') && !first.includes(':') && first !== 'localhost' && first === first.toLowerCase()) {
      text = `${DEFAULT_REGISTRY}/${text}`;
    }
  }
  let digest: string | undefined;
  const at = text.indexOf('@');
  if (at >= 0) {
    digest = text.slice(at + 1);
    text = text.slice(0, at);
    if (!DIGEST.test(digest)) fail(`invalid digest "${digest}"`);
  }
  let tag: string | undefined;
  const lastSlash = text.lastIndexOf('/');
  const colon = text.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = text.slice(colon + 1);
    text = text.slice(0, colon);
    if (!TAG.test(tag)) fail(`invalid tag "${tag}"`);
  }
  const firstSlash = text.indexOf('/');
  const registry = text.slice(0, firstSlash);
  const repositoryPath = text.slice(firstSlash + 1);
  if (!DOMAIN.test(registry)) fail(`invalid registry "${registry}"`);
  const components = repositoryPath.split('/');
  for (const component of components) {
    if (!PATH_COMPONENT.test(component)) {
      fail(component !== component.toLowerCase() ? 'repository name must be lowercase' : `invalid repository path component "${component}"`);
    }
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  const base = `${registry}/${repositoryPath}`;
  return {
    registry,
    path: repositoryPath,
    name: components[components.length - 1]!,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    reference: digest !== undefined ? `${base}@${digest}` : `${base}:${tag}`,
    referenceWithTag: `${base}:${tag ?? ''}`,
  };
}

/** The image string with a digest set (what verification turns `img` into). */
export function withDigest(info: ImageInfo, digest: string): ImageInfo {
  return { ...info, digest, reference: `${info.registry}/${info.path}@${digest}` };
}
