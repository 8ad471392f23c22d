/**
 * Which `verifyImages` entries an image is subject to (issue 8 §4; reference §6.1–§6.2).
 *
 * Kyverno matches `imageReferences` / `skipImageReferences` with a case-sensitive wildcard on one string,
 * `image.String()` (`registry/path:tag`, or `registry/path@digest` when there is a digest — the tag is
 * dropped). Spellings that the container runtime pulls as the same image then escape a policy:
 * `GHCR.IO/acme/app` or `ghcr.io:443/acme/app` against `ghcr.io/acme/*`, `nginx:1.25` or
 * `index.docker.io/library/nginx` against `docker.io/library/nginx*`, `LOCALHOST:5000/x` against
 * `localhost:5000/*`. notary-gate is stricter, and never less strict than Kyverno:
 *   - an image is **selected** by an entry when ANY of its spellings (below) matches an `imageReferences`
 *     pattern — Kyverno's own string is one of them, so everything Kyverno selects is selected;
 *   - it is **skipped** only when EVERY spelling it was written or normalised as is skipped: Kyverno's own
 *     string AND the canonical spelling (lower-case host, no `:443`, Docker Hub aliases as `docker.io`).
 *     So nothing is skipped that Kyverno would verify, and a skip pattern written for one spelling of a
 *     host does not exempt another (`GHCR.IO/acme/x` is not skipped by `GHCR.IO/*` alone, nor by
 *     `ghcr.io/*` alone). Synthesised aliases (`:443` added, `index.docker.io`, `library/`…) are not
 *     required to be skipped: that would make every skip pattern without a leading `*` dead.
 * The selection spellings:
 *   - registry host: as written, lower-cased, with and without the default HTTPS port `:443`;
 *   - Docker Hub: `docker.io`, `index.docker.io`, `registry-1.docker.io`, and no registry at all (how the
 *     pod spells it); single-segment official images with and without `library/`;
 *   - reference: a tag+digest image as `@digest` (Kyverno), `:tag@digest` and `:tag` (a pattern written for
 *     the tag still selects it; the runtime pulls the digest); an image with tag `latest` (explicit or
 *     implied) also without a tag.
 * Patterns are matched as written (an upper-case host in a pattern is compared literally, as Kyverno does).
 *
 * Input: the parsed parts (`registry`, `path`, `tag`, `digest` — @notary-gate/admission's `ImageInfo` fits
 * as it is; policy does not import admission) or a string through `parseImageParts`.
 */
import { wildcardMatch } from '../wildcard';

export interface ImageParts {
  /** Registry host as Kyverno's normalisation leaves it (`docker.io` added for Docker Hub short names). */
  registry: string;
  /** Repository path without the registry. */
  path: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];
const DEFAULT_PORT = ':443';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?`;
const REFERENCE = new RegExp(
  String.raw`^(${DOMAIN})/(${COMPONENT}(?:/${COMPONENT})*)(?::([\w][\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);

/**
 * Kyverno's image parsing (pkg/utils/image/infos.go `GetImageInfo`): `docker.io/` is prefixed when the
 * first segment is not a registry (no `.` or `:`, not `localhost`, all lower-case); no `library/` is
 * inserted; a missing tag is `latest` unless there is a digest.
 */
export function parseImageParts(image: string): ImageParts | { error: string } {
  const slash = image.indexOf('/');
  const first = slash === -1 ? '' : image.slice(0, slash);
  const named = slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first) ? `docker.io/${image}` : image;
  const m = REFERENCE.exec(named);
  if (!m) return { error: `invalid image '${image}': invalid reference format` };
  const [, registry, path, tag, digest] = m as unknown as [string, string, string, string | undefined, string | undefined];
  return { registry, path, ...(tag !== undefined || digest === undefined ? { tag: tag ?? 'latest' } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Kyverno's `ImageInfo.String()`: what its wildcard patterns are matched against. */
export function kyvernoImageString(image: ImageParts): string {
  const base = `${image.registry}/${image.path}`;
  return image.digest !== undefined ? `${base}@${image.digest}` : `${base}:${image.tag ?? 'latest'}`;
}

const hasPort = (host: string) => /:[0-9]+$/.test(host);

// One image is checked against every entry's patterns, admission after admission: its spellings are computed once
// per content (registry, path, tag, digest) and kept in a bounded table, emptied when full. The array handed out is
// frozen, so no caller can change what another reads.
const SPELLINGS_KEPT = 1024;
const spellingCache = new Map<string, string[]>();

/** Every spelling of the image's repository and reference; the first is Kyverno's own string. */
export function imageSpellings(image: ImageParts): string[] {
  // The same image object is asked about several times in one admission (rule selection, then each entry).
  // Only frozen ones are remembered by identity: their parts cannot change afterwards.
  const frozen = Object.isFrozen(image);
  let spellings = frozen ? spellingsByObject.get(image) : undefined;
  if (spellings !== undefined) return spellings;
  // Length-prefixed, an absent tag or digest apart from an empty one: two different parts never share a key.
  const key = `${part(image.registry)}${part(image.path)}${part(image.tag)}${part(image.digest)}`;
  spellings = spellingCache.get(key);
  if (spellings === undefined) {
    if (spellingCache.size >= SPELLINGS_KEPT) spellingCache.clear();
    spellings = Object.freeze(computeSpellings(image)) as string[];
    spellingCache.set(key, spellings);
  }
  if (frozen) spellingsByObject.set(image, spellings);
  return spellings;
}

const spellingsByObject = new WeakMap<ImageParts, string[]>();

const part = (value: string | undefined): string => (value === undefined ? '-' : `${value.length}:${value}`);

function computeSpellings(image: ImageParts): string[] {
  const lower = image.registry.toLowerCase();
  const host = lower.endsWith(DEFAULT_PORT) ? lower.slice(0, -DEFAULT_PORT.length) : lower;
  const dockerHub = DOCKER_HUB.includes(host);
  const hosts = [image.registry, ...(dockerHub ? DOCKER_HUB : [host]).flatMap((h) => (hasPort(h) ? [h] : [h, `${h}${DEFAULT_PORT}`]))];

  const paths = [image.path];
  if (dockerHub && !image.path.includes('/')) paths.push(`library/${image.path}`);
  if (dockerHub && /^library\/[^/]+$/.test(image.path)) paths.push(image.path.slice('library/'.length));

  const suffixes: string[] = [];
  const tag = image.tag ?? (image.digest === undefined ? 'latest' : undefined);
  if (image.digest !== undefined) {
    suffixes.push(`@${image.digest}`);
    if (tag !== undefined) suffixes.push(`:${tag}@${image.digest}`, `:${tag}`);
  } else {
    suffixes.push(`:${tag}`);
    if (tag === 'latest') suffixes.push('');
  }

  const out = new Set<string>([kyvernoImageString(image)]);
  for (const h of hosts) for (const p of paths) for (const s of suffixes) out.add(`${h}/${p}${s}`);
  if (dockerHub) for (const p of paths) for (const s of suffixes) out.add(`${p}${s}`);
  return [...out];
}

/**
 * Answers already given, by pattern list and spelling list: both are the same objects admission after admission
 * (a parsed policy's lists are never changed; spellings are kept above), so each pair is matched once.
 */
const MATCHED = new WeakMap<readonly string[], WeakMap<readonly string[], boolean>>();

/** True when any spelling of the image matches any of the patterns (`imageReferences`). */
export function imageReferenceMatches(patterns: readonly string[], image: ImageParts): boolean {
  const spellings = imageSpellings(image);
  let bySpellings = MATCHED.get(patterns);
  if (bySpellings === undefined) MATCHED.set(patterns, (bySpellings = new WeakMap()));
  let matched = bySpellings.get(spellings);
  if (matched === undefined) {
    matched = patterns.some((pattern) => spellings.some((spelling) => wildcardMatch(pattern, spelling)));
    bySpellings.set(spellings, matched);
  }
  return matched;
}

/** The canonical spelling: lower-case host without `:443`, Docker Hub aliases as `docker.io`; Kyverno's path and reference. */
export function canonicalImageString(image: ImageParts): string {
  const lower = image.registry.toLowerCase();
  const host = lower.endsWith(DEFAULT_PORT) ? lower.slice(0, -DEFAULT_PORT.length) : lower;
  return kyvernoImageString({ ...image, registry: DOCKER_HUB.includes(host) ? 'docker.io' : host });
}

/** The spellings that must all be skipped for a skip: Kyverno's string and the canonical one. */
export function skipSpellings(image: ImageParts): string[] {
  return [...new Set([kyvernoImageString(image), canonicalImageString(image)])];
}

/** True when every written/normalised spelling matches some pattern (`skipImageReferences`); never with no patterns. */
export function imageReferenceSkipped(patterns: readonly string[], image: ImageParts): boolean {
  if (patterns.length === 0) return false;
  return skipSpellings(image).every((spelling) => patterns.some((pattern) => wildcardMatch(pattern, spelling)));
}

export type ImageSelection = 'verify' | 'skip' | 'not-selected';

/**
 * What an entry does with an image: `not-selected` (no imageReferences spelling matches: Kyverno emits
 * no response), `skip` (every spelling is in skipImageReferences: Kyverno's `skip` with a warning), or
 * `verify`.
 */
export function selectImage(entry: { imageReferences: readonly string[]; skipImageReferences: readonly string[] }, image: ImageParts): ImageSelection {
  if (!imageReferenceMatches(entry.imageReferences, image)) return 'not-selected';
  return imageReferenceSkipped(entry.skipImageReferences, image) ? 'skip' : 'verify';
}
