/**
 * The flags every registry-facing command shares (`--insecure-registry`,
 * `--docker-config`) and the one way commands reach their artifact: parse
 * the reference (image or `oci-layout:<dir>`), open its repository with the
 * docker config's credentials, and resolve it to a manifest descriptor.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadDockerConfig, openRepository, parseAnyReference, parseRegistryMirrors, type AnyReference, type Descriptor, type OciRepository, type RegistryClientOptions } from '@notary-gate/oci';
import type { CliContext } from './context';
import { UsageError } from './errors';
import { collect } from './key-value';

export interface RegistryFlags {
  insecureRegistry: string[];
  /** `SOURCE=TARGET` registry mirrors (libs/oci mirror.ts); absent in commands built without the flag. */
  registryMirror?: string[];
  dockerConfig?: string;
}

export interface Target {
  repository: OciRepository;
  reference: AnyReference;
  /** The resolved manifest. */
  descriptor: Descriptor;
  /** `registry/repository@digest` (or `<dir>@digest`): how messages name the artifact. */
  digestReference: string;
  close(): Promise<void>;
}

/** HOST[:PORT], as notation's `--insecure-registry` takes it. */
const HOST_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/;

export function addRegistryOptions(command: Command): Command {
  return command
    .option('--insecure-registry <host[:port]>', 'registry reached over plain HTTP; repeatable', collect, [])
    .option('--registry-mirror <source=target>', 'serve a registry (or repository prefix) from an OCI layout or another registry: ghcr.io=oci-layout:/bundle; repeatable', collect, [])
    .option('--docker-config <file>', 'docker config.json with registry credentials (default $DOCKER_CONFIG/config.json or ~/.docker/config.json)');
}

/**
 * Parses a reference: `oci-layout:<dir>[:tag|@digest]` or an image reference.
 * Commands parse first, so a bad reference is reported before any file is read.
 */
export function parseTarget(reference: string): AnyReference {
  return parseAnyReference(reference);
}

/** Opens the reference's repository (bad references are usage errors, reported by the error mapper). */
export async function openReference(
  reference: string | AnyReference,
  flags: RegistryFlags,
  context: CliContext,
): Promise<{ repository: OciRepository; reference: AnyReference; close(): Promise<void> }> {
  const parsed = typeof reference === 'string' ? parseAnyReference(reference) : reference;
  if (parsed.kind === 'oci-layout' && !existsSync(parsed.path)) {
    throw new UsageError(`OCI layout directory "${parsed.path}" does not exist`);
  }
  return openRepository(parsed, await registryClientOptions(flags, context, parsed.kind === 'registry'));
}

/** Registry client options from the shared flags: insecure registries, docker config credentials, warnings to stderr. */
export async function registryClientOptions(flags: RegistryFlags, context: CliContext, withCredentials = true): Promise<RegistryClientOptions> {
  for (const host of flags.insecureRegistry) {
    if (!HOST_PORT.test(host)) throw new UsageError(`invalid --insecure-registry "${host}": expected HOST[:PORT]`);
  }
  if (flags.dockerConfig !== undefined && !existsSync(flags.dockerConfig)) {
    throw new UsageError(`cannot read docker config "${flags.dockerConfig}": no such file`);
  }
  const mirrors = flags.registryMirror ?? [];
  try {
    parseRegistryMirrors(mirrors);
  } catch (error) {
    throw new UsageError(`--registry-mirror: ${(error as Error).message}`, { cause: error });
  }
  const credentials = withCredentials ? await loadDockerConfig(flags.dockerConfig ?? context.environment.dockerConfigPath) : undefined;
  return {
    insecureRegistries: flags.insecureRegistry,
    ...(mirrors.length > 0 ? { mirrors } : {}),
    ...(credentials ? { credentials } : {}),
    onWarning: (message) => void context.stderr.write(`Warning: ${message}\n`),
  };
}

/** Opens the reference's repository and resolves the reference to its manifest. */
export async function openTarget(reference: string | AnyReference, flags: RegistryFlags, context: CliContext): Promise<Target> {
  const opened = await openReference(reference, flags, context);
  try {
    const descriptor = await opened.repository.resolve(opened.reference.target);
    // A mirrored reference is named as the user asked for it, not by where the mirror keeps it.
    const digestReference = opened.reference.kind === 'registry' ? opened.reference.digestString(descriptor.digest) : `${opened.repository.name}@${descriptor.digest}`;
    return { ...opened, descriptor, digestReference };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
