/**
 * Registry credentials from a docker `config.json` (`auths` section), the file
 * `docker login`, `notation login` and `oras login` write. Secrets stay inside
 * this object: errors name the file, never its content.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OciError } from '../errors';
import { DOCKER_HUB, DOCKER_HUB_ENDPOINT } from '../reference';

/** Credentials for one registry. */
export interface RegistryCredential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (`identitytoken`), exchanged at the token realm. */
  identityToken?: string;
  /** A bearer token to send as is (`registrytoken`). */
  registryToken?: string;
}

/** Looks credentials up by registry host (`docker.io`, `ghcr.io`, `localhost:5000`). */
export type CredentialLookup = (registry: string) => RegistryCredential | undefined;

/** The keys docker uses for Docker Hub, all meaning the same registry. */
const DOCKER_HUB_ALIASES = [DOCKER_HUB, 'index.docker.io', DOCKER_HUB_ENDPOINT];

/** `https://index.docker.io/v1/` → `index.docker.io`; `host:5000` stays. */
function hostOfKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  return (slash < 0 ? withoutScheme : withoutScheme.slice(0, slash)).toLowerCase();
}

function canonicalHost(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.includes(lower) ? DOCKER_HUB : lower;
}

/** Parsed `auths` of a docker config, keyed by canonical registry host. */
export class DockerCredentials {
  private readonly byHost: Map<string, RegistryCredential>;

  private constructor(byHost: Map<string, RegistryCredential>) {
    this.byHost = byHost;
  }

  /** An empty store (anonymous access everywhere). */
  static empty(): DockerCredentials {
    return new DockerCredentials(new Map());
  }

  /**
   * Builds the store from the JSON text of a config file; `source` names the
   * file in errors. Entries with neither `auth`, username/password nor a token
   * are ignored (they belong to a credential helper, which is not run here).
   */
  static fromJson(text: string, source = 'docker config'): DockerCredentials {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new OciError('ERR_CONFIG_INVALID', `${source}: not valid JSON`);
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw new OciError('ERR_CONFIG_INVALID', `${source}: expected a JSON object`);
    }
    const auths = (document as Record<string, unknown>)['auths'];
    const byHost = new Map<string, RegistryCredential>();
    if (auths === undefined) return new DockerCredentials(byHost);
    if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) {
      throw new OciError('ERR_CONFIG_INVALID', `${source}: "auths" must be an object`);
    }
    for (const [key, entry] of Object.entries(auths as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null) throw new OciError('ERR_CONFIG_INVALID', `${source}: auths[${JSON.stringify(key)}] must be an object`);
      const credential = credentialOf(entry as Record<string, unknown>, `${source}: auths[${JSON.stringify(key)}]`);
      if (credential !== undefined) byHost.set(canonicalHost(hostOfKey(key)), credential);
    }
    return new DockerCredentials(byHost);
  }

  /** Credentials for a registry host, if the config has some. */
  get(registry: string): RegistryCredential | undefined {
    return this.byHost.get(canonicalHost(registry));
  }

  /** Registries that have credentials (no secrets). */
  get registries(): string[] {
    return [...this.byHost.keys()];
  }

  /** This store as a lookup function for `RegistryClientOptions.credentials`. */
  get lookup(): CredentialLookup {
    return (registry) => this.get(registry);
  }
}

function credentialOf(entry: Record<string, unknown>, where: string): RegistryCredential | undefined {
  const credential: RegistryCredential = {};
  const auth = entry['auth'];
  if (typeof auth === 'string' && auth !== '') {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OciError('ERR_CONFIG_INVALID', `${where}: "auth" is not base64 of user:password`);
    credential.username = decoded.slice(0, colon);
    credential.password = decoded.slice(colon + 1);
  }
  if (typeof entry['username'] === 'string' && entry['username'] !== '') credential.username = entry['username'];
  if (typeof entry['password'] === 'string' && entry['password'] !== '') credential.password = entry['password'];
  if (typeof entry['identitytoken'] === 'string' && entry['identitytoken'] !== '') credential.identityToken = entry['identitytoken'];
  if (typeof entry['registrytoken'] === 'string' && entry['registrytoken'] !== '') credential.registryToken = entry['registrytoken'];
  return Object.keys(credential).length === 0 ? undefined : credential;
}

/**
 * Reads a docker config file. A missing file means "no credentials" (as
 * docker does); an unreadable or malformed one is ERR_CONFIG_INVALID.
 */
export async function loadDockerConfig(path: string): Promise<DockerCredentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DockerCredentials.empty();
    throw new OciError('ERR_CONFIG_INVALID', `cannot read docker config ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
  }
  return DockerCredentials.fromJson(text, path);
}

/**
 * Where docker looks for its config: `$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`. The environment is passed in: the library reads none.
 */
export function defaultDockerConfigPath(env: Readonly<Record<string, string | undefined>>, home: string = env['HOME'] ?? homedir()): string {
  const dockerConfig = env['DOCKER_CONFIG'];
  return dockerConfig !== undefined && dockerConfig !== '' ? join(dockerConfig, 'config.json') : join(home, '.docker', 'config.json');
}
