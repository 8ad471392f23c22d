/**
 * Registry mirrors: `SOURCE=TARGET`, where SOURCE is a registry host with an
 * optional repository path prefix (`ghcr.io`, `ghcr.io/kyverno`) and TARGET is
 * either an OCI image-layout directory (`oci-layout:/bundle`) or another
 * registry with an optional prefix (`mirror.internal:5000/ghcr`).
 *
 * A reference under SOURCE is served from TARGET with the SOURCE part swapped:
 * `ghcr.io/kyverno/app:1` with `ghcr.io=oci-layout:/bundle` reads the layout
 * `/bundle/kyverno/app` (one layout per repository, the path oras and
 * `notation` write with `--oci-layout`); with `ghcr.io=mirror:5000/ghcr` it
 * reads `mirror:5000/ghcr/kyverno/app`. Everything else about the reference
 * (tag, digest, the name messages use) is unchanged, so an air-gapped
 * cluster verifies a bundle copied in exactly as it would verify the
 * registry. The longest matching SOURCE wins. This is containerd's
 * `hosts.toml` mirror idea without fallback: a mirror that misses is a miss,
 * never a silent trip to the internet.
 */
import { join } from 'node:path';
import { OciError } from './errors';
import { DOCKER_HUB, ImageReference, LAYOUT_PREFIX } from './reference';

export type MirrorTarget = { kind: 'oci-layout'; directory: string } | { kind: 'registry'; registry: string; prefix: string };

export interface RegistryMirror {
  /** Registry host as references name it (`docker.io` for Docker Hub). */
  registry: string;
  /** Repository path prefix under the registry, '' for the whole registry. */
  prefix: string;
  target: MirrorTarget;
  /** The spec as given, for messages. */
  spec: string;
}

/** Where a mirrored reference is served from. */
export type MirroredLocation = { kind: 'oci-layout'; directory: string } | { kind: 'registry'; reference: ImageReference };

// The name grammar of distribution/reference (reference.ts keeps the full one).
const DOMAIN = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const PATH = /^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*$/;
const LEGACY_DOCKER_HUB = new Set(['index.docker.io', 'registry-1.docker.io']);

/**
 * One spelling per registry, so that every way a runtime names the same registry finds its mirror: host names are
 * case-insensitive (RFC 4343), `:443` is the HTTPS default, and Docker Hub has legacy names. An air-gapped cluster
 * must never reach the source because an image wrote `GHCR.IO` or `ghcr.io:443`.
 */
export function canonicalRegistryHost(host: string): string {
  const lower = host.toLowerCase().replace(/:443$/, '');
  return LEGACY_DOCKER_HUB.has(lower) ? DOCKER_HUB : lower;
}

function invalid(spec: string, reason: string): OciError {
  return new OciError('ERR_INVALID_REFERENCE', `invalid registry mirror ${JSON.stringify(spec)}: ${reason}`, { reference: spec });
}

function splitScope(text: string, spec: string, side: string): { registry: string; prefix: string } {
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  const prefix = slash < 0 ? '' : text.slice(slash + 1);
  if (!DOMAIN.test(host)) throw invalid(spec, `${side} ${JSON.stringify(host)} is not a registry host[:port]`);
  if (prefix !== '' && !PATH.test(prefix)) throw invalid(spec, `${side} path ${JSON.stringify(prefix)} is not a repository path (lowercase components separated by /)`);
  return { registry: canonicalRegistryHost(host), prefix };
}

/** Parses one `SOURCE=TARGET` mirror spec; throws ERR_INVALID_REFERENCE naming the part that is wrong. */
export function parseRegistryMirror(spec: string): RegistryMirror {
  const equals = spec.indexOf('=');
  if (equals <= 0 || equals === spec.length - 1) throw invalid(spec, 'expected SOURCE=TARGET, e.g. ghcr.io=oci-layout:/bundle or ghcr.io=mirror.internal:5000/ghcr');
  const source = splitScope(spec.slice(0, equals), spec, 'source');
  const targetText = spec.slice(equals + 1);
  if (targetText.startsWith(LAYOUT_PREFIX)) {
    const directory = targetText.slice(LAYOUT_PREFIX.length);
    if (directory === '') throw invalid(spec, 'the OCI layout directory is empty');
    return { ...source, target: { kind: 'oci-layout', directory }, spec };
  }
  const target = splitScope(targetText, spec, 'target');
  return { ...source, target: { kind: 'registry', ...target }, spec };
}

/** Parses several specs; duplicates of one SOURCE are refused (which one would win is not obvious). */
export function parseRegistryMirrors(specs: readonly string[]): RegistryMirror[] {
  const mirrors = specs.map(parseRegistryMirror);
  const seen = new Set<string>();
  for (const mirror of mirrors) {
    const key = `${mirror.registry}/${mirror.prefix}`;
    if (seen.has(key)) throw invalid(mirror.spec, `another mirror already serves ${mirror.prefix === '' ? mirror.registry : key}`);
    seen.add(key);
  }
  return mirrors;
}

/** The mirror serving `reference`: same registry and a prefix that is whole path components of its repository; the longest wins. */
export function findMirror(mirrors: readonly RegistryMirror[], reference: ImageReference): RegistryMirror | undefined {
  let best: RegistryMirror | undefined;
  const registry = canonicalRegistryHost(reference.registry);
  for (const mirror of mirrors) {
    if (mirror.registry !== registry) continue;
    const under = mirror.prefix === '' || reference.repository === mirror.prefix || reference.repository.startsWith(`${mirror.prefix}/`);
    if (under && (best === undefined || mirror.prefix.length > best.prefix.length)) best = mirror;
  }
  return best;
}

/** Where `reference` is read from under `mirror` (a layout directory per repository, or the rewritten registry reference). */
export function mirroredLocation(mirror: RegistryMirror, reference: ImageReference): MirroredLocation {
  const rest = mirror.prefix === '' ? reference.repository : reference.repository.slice(mirror.prefix.length).replace(/^\//, '');
  if (mirror.target.kind === 'oci-layout') {
    // Path components are [a-z0-9._-] and never '..' (the reference grammar), so the layout stays under the directory.
    return { kind: 'oci-layout', directory: rest === '' ? mirror.target.directory : join(mirror.target.directory, ...rest.split('/')) };
  }
  const repository = [mirror.target.prefix, rest].filter((part) => part !== '').join('/');
  if (repository === '') throw invalid(mirror.spec, `${reference.name} maps to no repository on ${mirror.target.registry}`);
  return { kind: 'registry', reference: new ImageReference(mirror.target.registry, repository, reference.tag, reference.digest) };
}
