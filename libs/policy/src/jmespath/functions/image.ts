/**
 * `image_normalize`: Kyverno's `GetImageInfo(image).String()` (pkg/utils/image/infos.go;
 * kyverno-notary-spec §2.1): Docker Hub images get the `docker.io/` registry (no `library/`), a missing
 * tag becomes `latest` unless there is a digest, and a digest reference drops its tag.
 */
import { TYPE_STRING } from '@jmespath-community/jmespath';
import { JmespathFunctionError } from '../../errors';
import type { FunctionDefinition } from './types';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?`;
const REFERENCE = new RegExp(
  String.raw`^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

export function normalizeImage(image: string, defaultRegistry = 'docker.io'): string {
  const slash = image.indexOf('/');
  const first = slash === -1 ? '' : image.slice(0, slash);
  const named =
    slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)
      ? `${defaultRegistry}/${image}`
      : image;
  const m = REFERENCE.exec(named);
  if (!m || !m[1]) throw new JmespathFunctionError('image_normalize', `bad image: ${image}, defaultRegistry: ${defaultRegistry}, enableDefaultRegistryMutation: true: invalid reference format`);
  const [, registry, path, tag, digest] = m;
  return digest ? `${registry}/${path}@${digest}` : `${registry}/${path}:${tag ?? 'latest'}`;
}

export const IMAGE_FUNCTIONS: FunctionDefinition[] = [
  { name: 'image_normalize', signature: [{ types: [TYPE_STRING] }], fn: ([image]: [string]) => normalizeImage(image) },
];
