/**
 * `imageExtractors`: images inside any resource, as Kyverno finds them
 * (KV@v1.14.0:pkg/utils/api/image.go `lookupImageExtractor`, `extract`).
 * `path` is split on `/` (blanks dropped); `*` walks every item of a list or
 * every value of a map; the value field is `value`, or the last path element
 * when `value` is empty; `key` names the field whose string keys the image
 * (default: the JSON pointer); `jmesPath` turns the value into the image
 * string. Errors use Kyverno's words ("invalid type", "invalid image config",
 * "invalid key", "invalid image '<v>' (…)").
 */
import type { KubernetesObject } from './admission-review';
import { AdmissionError } from './errors';
import { parseImageInfo } from './image-info';
import type { ContainerImage } from './pod-images';

/** One `imageExtractors[<kind>][]` item. */
export interface ImageExtractorConfig {
  path: string;
  value?: string;
  name?: string;
  key?: string;
  jmesPath?: string;
}

/** Applies a `jmesPath` expression to the extracted string (injected: this library knows no JMESPath). */
export type ImageTransform = (expression: string, value: string) => unknown;

/** Why extraction failed, in Kyverno's words (the engine prefixes "failed to instantiate handler: "). */
export class ImageExtractionError extends Error {
  override readonly name = 'ImageExtractionError';
}

interface Extractor {
  fields: string[];
  key: string;
  value: string;
  name: string;
  jmesPath: string;
}

/**
 * The images of a resource under a rule's `imageExtractors`: when the map has
 * the resource's kind, only those extractors run (an empty list is an error);
 * otherwise null (the caller uses the built-in extraction).
 */
export function extractCustomImages(resource: KubernetesObject, configs: Record<string, ImageExtractorConfig[]> | undefined, transform: ImageTransform): ContainerImage[] | null {
  const kind = String(resource.kind ?? '');
  if (!configs || !Object.prototype.hasOwnProperty.call(configs, kind)) return null;
  const list = configs[kind]!;
  if (list.length === 0) throw new ImageExtractionError(`no extractors found for ${kind}`);
  const images: ContainerImage[] = [];
  for (const config of list) {
    const extractor = toExtractor(config);
    const found = new Map<string, ContainerImage>();
    walk(resource, [], extractor.fields, extractor, found, transform);
    images.push(...found.values());
  }
  return images;
}

function toExtractor(config: ImageExtractorConfig): Extractor {
  const fields = config.path.split('/').map((part) => part.trim()).filter((part) => part !== '');
  let value = config.value ?? '';
  if (value === '') {
    if (fields.length === 0) throw new ImageExtractionError(`invalid image extractor path "${config.path}"`);
    value = fields.pop()!;
  }
  return { fields, key: config.key ?? '', value, name: config.name || 'custom', jmesPath: config.jmesPath ?? '' };
}

function walk(node: unknown, path: string[], fields: string[], extractor: Extractor, found: Map<string, ContainerImage>, transform: ImageTransform): void {
  if (node === null || node === undefined) return;
  if (fields[0] === '*') {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, [...path, String(index)], fields.slice(1), extractor, found, transform));
      return;
    }
    if (typeof node === 'object') {
      // Go iterates maps in random order; sorted keys make the order (and the last duplicate key) deterministic.
      for (const key of Object.keys(node).sort()) walk((node as Record<string, unknown>)[key], [...path, key], fields.slice(1), extractor, found, transform);
      return;
    }
    throw new ImageExtractionError('invalid type');
  }
  if (typeof node !== 'object' || Array.isArray(node)) throw new ImageExtractionError('invalid image config');
  const object = node as Record<string, unknown>;
  if (fields.length > 0) {
    walk(object[fields[0]!], [...path, fields[0]!], fields.slice(1), extractor, found, transform);
    return;
  }
  const pointer = `/${[...path, extractor.value].map(escapePointer).join('/')}`;
  let key = pointer;
  if (extractor.key !== '') {
    const keyValue = object[extractor.key];
    if (typeof keyValue !== 'string') throw new ImageExtractionError('invalid key');
    key = keyValue;
  }
  const raw = object[extractor.value];
  if (typeof raw !== 'string' || raw.trim() === '') return; // the image may not be present
  let value = raw;
  if (extractor.jmesPath !== '') {
    let result: unknown;
    try {
      result = transform(extractor.jmesPath, value);
    } catch (error) {
      throw new ImageExtractionError(`failed to apply jmespath ${extractor.jmesPath}: ${(error as Error).message}`);
    }
    if (typeof result !== 'string') throw new ImageExtractionError(`jmespath ${extractor.jmesPath} must produce a string, but produced ${JSON.stringify(result)}`);
    value = result;
  }
  let info;
  try {
    info = parseImageInfo(value, pointer);
  } catch (error) {
    const reason = error instanceof AdmissionError ? error.message.slice(error.path.length + 2) : (error as Error).message;
    throw new ImageExtractionError(`invalid image '${value}' (${reason})`);
  }
  found.set(key, { ...info, containerType: extractor.name, containerName: key, jsonPointer: pointer, original: raw });
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
