/**
 * Image references, parsed and normalised as docker / containerd do
 * (distribution/reference `ParseNormalizedNamed`), and `oci-layout:` references
 * to OCI image-layout directories (the notation / oras spelling).
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [domain "/"] path-component ["/" path-component]*
 */
import { digestProblem } from './digest';
import { OciError } from './errors';

export const DOCKER_HUB = 'docker.io';
/** The Docker Hub API endpoint (docker.io is only a name). */
export const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const MAX_NAME_LENGTH = 255;
export const LAYOUT_PREFIX = 'oci-layout:';

// Grammar of distribution/reference regexp.go.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]*)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REFERENCE_REGEXP = new RegExp(`^((?:${DOMAIN}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_REGEXP = new RegExp(`^(?:(${DOMAIN})/)?(${REMOTE_NAME})$`);
const TAG_REGEXP = new RegExp(`^${TAG}$`);
const IDENTIFIER_REGEXP = /^[a-f0-9]{64}$/;

/** A reference to a repository in a registry, fully qualified. */
export class ImageReference {
  readonly kind = 'registry' as const;

  constructor(
    /** Registry host as named: `docker.io`, `ghcr.io`, `localhost:5000`. */
    readonly registry: string,
    /** Repository path: `library/nginx`. */
    readonly repository: string,
    readonly tag?: string,
    readonly digest?: string,
  ) {}

  /** `registry/repository`, e.g. `docker.io/library/nginx`. */
  get name(): string {
    return `${this.registry}/${this.repository}`;
  }

  /** The host to contact: `registry-1.docker.io` for Docker Hub, else the registry itself. */
  get endpoint(): string {
    return this.registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : this.registry;
  }

  /** What to resolve: the digest when there is one (it wins over the tag), else the tag. */
  get target(): string {
    return this.digest ?? this.tag ?? DEFAULT_TAG;
  }

  /** Full form, keeping both tag and digest: `docker.io/library/nginx:1.25@sha256:…`. */
  toString(): string {
    return `${this.name}${this.tag === undefined ? '' : `:${this.tag}`}${this.digest === undefined ? '' : `@${this.digest}`}`;
  }

  /** `registry/repository:tag` (the tag, `latest` when only a digest is known). */
  taggedString(): string {
    return `${this.name}:${this.tag ?? DEFAULT_TAG}`;
  }

  /** `registry/repository@digest`; requires a digest (pass one to pin a tag). */
  digestString(digest: string | undefined = this.digest): string {
    if (digest === undefined) throw new TypeError(`reference ${this.toString()} has no digest`);
    return `${this.name}@${digest}`;
  }

  /** The same repository pinned to `digest` (tag kept, as Kyverno's `tag@digest` patches do). */
  withDigest(digest: string): ImageReference {
    const problem = digestProblem(digest);
    if (problem !== undefined) throw invalid(digest, problem);
    return new ImageReference(this.registry, this.repository, this.tag, digest);
  }

  /** Docker's short form of the name: `nginx`, `user/app`, `ghcr.io/org/app`. */
  familiarName(): string {
    if (this.registry !== DOCKER_HUB) return this.name;
    return this.repository.startsWith(OFFICIAL_REPO_PREFIX) && this.repository.indexOf('/', OFFICIAL_REPO_PREFIX.length) < 0
      ? this.repository.slice(OFFICIAL_REPO_PREFIX.length)
      : this.repository;
  }

  /** Docker's short form of the whole reference: `nginx:1.25`, `busybox:latest@sha256:…`. */
  familiarString(): string {
    return `${this.familiarName()}${this.tag === undefined ? '' : `:${this.tag}`}${this.digest === undefined ? '' : `@${this.digest}`}`;
  }
}

/** A reference into an OCI image-layout directory: `oci-layout:<dir>[:tag|@digest]`. */
export class LayoutReference {
  readonly kind = 'oci-layout' as const;

  constructor(
    readonly path: string,
    readonly tag?: string,
    readonly digest?: string,
  ) {}

  /** The directory, used as the repository name in messages. */
  get name(): string {
    return this.path;
  }

  get target(): string {
    return this.digest ?? this.tag ?? DEFAULT_TAG;
  }

  toString(): string {
    return `${LAYOUT_PREFIX}${this.path}${this.digest !== undefined ? `@${this.digest}` : this.tag !== undefined ? `:${this.tag}` : ''}`;
  }

  withDigest(digest: string): LayoutReference {
    const problem = digestProblem(digest);
    if (problem !== undefined) throw invalid(digest, problem);
    return new LayoutReference(this.path, this.tag, digest);
  }
}

export type AnyReference = ImageReference | LayoutReference;

function invalid(reference: string, reason: string): OciError {
  return new OciError('ERR_INVALID_REFERENCE', `invalid reference ${JSON.stringify(reference)}: ${reason}`, { reference });
}

/**
 * Parses an image reference the way `docker pull` reads it: `nginx` becomes
 * `docker.io/library/nginx:latest`; the first path component is a registry
 * when it holds a `.` or `:`, is `localhost`, or has uppercase letters.
 * A reference with a digest gets no default tag; `repo:tag@digest` keeps both.
 */
export function parseReference(input: string): ImageReference {
  if (input === '') throw invalid(input, 'repository name must have at least one component');
  // A bare 64-hex string is an image ID, not a name (distribution ParseNormalizedNamed).
  if (IDENTIFIER_REGEXP.test(input)) throw invalid(input, 'cannot specify 64-byte hexadecimal strings as a repository name');

  const { domain, remainder } = splitDockerDomain(input);
  const tagSeparator = remainder.indexOf(':');
  const atSeparator = remainder.indexOf('@');
  const nameEnd = [tagSeparator, atSeparator].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), remainder.length);
  const remoteName = remainder.slice(0, nameEnd);
  if (remoteName.toLowerCase() !== remoteName) throw invalid(input, `repository name (${remoteName}) must be lowercase`);

  const full = `${domain}/${remainder}`;
  const match = REFERENCE_REGEXP.exec(full);
  if (!match) {
    if (REFERENCE_REGEXP.test(full.toLowerCase())) throw invalid(input, 'repository name must be lowercase');
    throw invalid(input, 'invalid reference format');
  }
  const name = match[1]!;
  const tag = match[2];
  const digest = match[3];
  if (name.length > MAX_NAME_LENGTH) throw invalid(input, `repository name must not be more than ${MAX_NAME_LENGTH} characters`);
  if (digest !== undefined) {
    const problem = digestProblem(digest);
    if (problem !== undefined) throw invalid(input, problem);
  }
  const nameMatch = NAME_REGEXP.exec(name);
  if (!nameMatch || nameMatch[1] === undefined) throw invalid(input, 'invalid reference format');
  const registry = nameMatch[1];
  const repository = nameMatch[2]!;
  return new ImageReference(registry, repository, tag ?? (digest === undefined ? DEFAULT_TAG : undefined), digest);
}

/** distribution/reference `splitDockerDomain`. */
function splitDockerDomain(input: string): { domain: string; remainder: string } {
  const slash = input.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = slash < 0 ? '' : input.slice(0, slash);
  if (slash < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DOCKER_HUB;
    remainder = input;
  } else {
    domain = first;
    remainder = input.slice(slash + 1);
  }
  if (domain === LEGACY_DOCKER_HUB) domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/**
 * Parses `oci-layout:<dir>[:tag|@digest]`. The digest is taken after the last
 * `@`; a tag is what follows the last `:` after the last `/` when it is a
 * valid tag (so `oci-layout:./dir` has none).
 */
export function parseLayoutReference(input: string): LayoutReference {
  if (!input.startsWith(LAYOUT_PREFIX)) throw invalid(input, `an OCI layout reference starts with "${LAYOUT_PREFIX}"`);
  const body = input.slice(LAYOUT_PREFIX.length);
  const at = body.lastIndexOf('@');
  if (at >= 0) {
    const path = body.slice(0, at);
    const digest = body.slice(at + 1);
    const problem = digestProblem(digest);
    if (problem !== undefined) throw invalid(input, problem);
    if (path === '') throw invalid(input, 'the layout directory is empty');
    return new LayoutReference(path, undefined, digest);
  }
  const colon = body.lastIndexOf(':');
  if (colon > body.lastIndexOf('/') && colon >= 0) {
    const path = body.slice(0, colon);
    const tag = body.slice(colon + 1);
    if (!TAG_REGEXP.test(tag)) throw invalid(input, `tag ${JSON.stringify(tag)} does not match ${TAG}`);
    if (path === '') throw invalid(input, 'the layout directory is empty');
    return new LayoutReference(path, tag);
  }
  if (body === '') throw invalid(input, 'the layout directory is empty');
  return new LayoutReference(body);
}

/** Parses either form: `oci-layout:…` or an image reference. */
export function parseAnyReference(input: string): AnyReference {
  return input.startsWith(LAYOUT_PREFIX) ? parseLayoutReference(input) : parseReference(input);
}

/** True when `tag` is a valid tag (`[\w][\w.-]{0,127}`). */
export function isValidTag(tag: string): boolean {
  return TAG_REGEXP.test(tag);
}
