/**
 * The flags every registry-facing command shares (`--insecure-registry`,
 * `--docker-config`) and the one way commands reach their artifact: parse
 * the reference (image or `oci-layout:<dir>`), open its repository with the
 * docker config's credentials, and resolve it to a manifest descriptor.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { LAYOUT_PREFIX, type ExchangeEvent, type UploadProgress, loadDockerConfig, openRepository, parseAnyReference, parseRegistryMirrors, type AnyReference, type Descriptor, type OciRepository, type RegistryClientOptions } from '@notary-gate/oci';
import type { CliContext } from './context';
import { credentialSources } from './credential-sources';
import { parseDuration } from './duration';
import { UsageError } from './errors';
import { collect } from './key-value';

export interface RegistryFlags {
  insecureRegistry: string[];
  /** Registry request idle timeout (`30s`, `1m`); default REGISTRY_TIMEOUT, else 30 s. */
  timeout?: string;
  /** Trace every registry request and response (headers, credentials redacted) on stderr. */
  debug?: boolean;
  /** `SOURCE=TARGET` registry mirrors (libs/oci mirror.ts); absent in commands built without the flag. */
  registryMirror?: string[];
  dockerConfig?: string;
}

export interface Target {
  repository: OciRepository;
  reference: AnyReference;
  /** The resolved manifest. */
  descriptor: Descriptor;
  /** `registry/repository@digest` (or `oci-layout:<dir>@digest`): how messages name the artifact, reusable as an argument. */
  digestReference: string;
  /** Another artifact of the same repository by digest, in the same reusable form. */
  referenceTo(digest: string): string;
  close(): Promise<void>;
}

/** HOST[:PORT], as notation's `--insecure-registry` takes it. */
const HOST_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/;

export function addRegistryOptions(command: Command): Command {
  return command
    .option('--insecure-registry <host[:port]>', 'registry reached over plain HTTP; repeatable', collect, [])
    .option('--registry-mirror <source=target>', 'serve a registry (or repository prefix) from an OCI layout or another registry: ghcr.io=oci-layout:/bundle; repeatable', collect, [])
    .option('--docker-config <file>', 'docker config.json with registry credentials (default $DOCKER_CONFIG/config.json or ~/.docker/config.json)')
    .option('--timeout <duration>', 'registry request idle timeout, e.g. 10s (default $REGISTRY_TIMEOUT, else 30s)')
    .option('-d, --debug', 'trace registry requests and responses on stderr (credentials redacted)');
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
  const timeoutMs = flags.timeout !== undefined ? parseDuration(flags.timeout, '--timeout') : context.environment.registryTimeoutMs;
  const configPath = flags.dockerConfig ?? context.environment.dockerConfigPath;
  const configName = flags.dockerConfig !== undefined ? `--docker-config ${configPath}` : `the docker config ${configPath}`;
  const store = withCredentials ? await loadDockerConfig(configPath) : undefined;
  credentialSources.clear();
  const credentials = (registry: string) => {
    const found = store?.lookup(registry);
    credentialSources.set(
      registry,
      found !== undefined
        ? `the ${registry} entry of ${configName}`
        : store !== undefined
          ? `none: ${configName} has no entry for ${registry}, so anonymous`
          : `none: there is no ${configName.replace(/^the /, '')}, so anonymous`,
    );
    return found;
  };
  const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  return {
    insecureRegistries: flags.insecureRegistry,
    ...(mirrors.length > 0 ? { mirrors } : {}),
    ...(withCredentials ? { credentials } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    onWarning: (message) => void context.stderr.write(`Warning: ${message}\n`),
    // Large uploads (attach of an SBOM, a scan) say how far they are, every tenth.
    onUploadProgress: (() => {
      const shown = new Map<string, number>();
      const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
      return (event: UploadProgress) => {
        const tenth = Math.floor((event.sent / event.total) * 10);
        if (tenth <= (shown.get(event.digest) ?? -1)) return;
        shown.set(event.digest, tenth);
        context.stderr.write(`Uploading ${event.digest.slice(0, 19)}…: ${tenth * 10}% (${mib(event.sent)} of ${mib(event.total)})\n`);
      };
    })(),
    // A slow or failing registry is said at once, not after a minute of silence.
    onRetry: (event) => {
      const what = event.reason.startsWith(event.action) ? event.reason : `${event.action}: ${event.reason}`;
      context.stderr.write(`Warning: ${what}; retrying in ${seconds(event.delayMs)} (attempt ${event.attempt + 1} of ${event.attempts})\n`);
    },
    ...(flags.debug === true
      ? {
          onExchange: (event: ExchangeEvent) => {
            const lines = [`DEBUG: ${event.method} ${event.url} → ${event.status ?? event.error ?? 'no response'} (${Math.round(event.durationMs)} ms)`];
            for (const [name, value] of Object.entries(event.requestHeaders)) lines.push(`DEBUG:   > ${name}: ${value}`);
            for (const [name, value] of Object.entries(event.responseHeaders)) lines.push(`DEBUG:   < ${name}: ${value}`);
            context.stderr.write(`${lines.join('\n')}\n`);
          },
        }
      : {}),
  };
}

/** Opens the reference's repository and resolves the reference to its manifest. */
export async function openTarget(reference: string | AnyReference, flags: RegistryFlags, context: CliContext): Promise<Target> {
  const opened = await openReference(reference, flags, context);
  try {
    const descriptor = await opened.repository.resolve(opened.reference.target);
    // A mirrored reference is named as the user asked for it, not by where the mirror keeps it; a layout keeps its
    // `oci-layout:` prefix, so that what is printed can be pasted back (as notation and oras print it).
    const parsed = opened.reference;
    const referenceTo = (digest: string): string => (parsed.kind === 'registry' ? parsed.digestString(digest) : `${LAYOUT_PREFIX}${parsed.path}@${digest}`);
    return { ...opened, descriptor, digestReference: referenceTo(descriptor.digest), referenceTo };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
