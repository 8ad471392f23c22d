/**
 * The registry credentials of image pull Secrets, matched to an image the way
 * the kubelet matches them (its credentialprovider keyring, which Kyverno's
 * k8schain also uses):
 *
 * - `kubernetes.io/dockerconfigjson` holds `{"auths": {key: entry}}` under
 *   `.dockerconfigjson`; the legacy `kubernetes.io/dockercfg` holds
 *   `{key: entry}` under `.dockercfg`. An entry has `auth` (base64
 *   `user:password`) or `username`/`password`, and may have `identitytoken`
 *   or `registrytoken`.
 * - A key is a host with an optional port and repository path, with or
 *   without a scheme (`https://registry.example:5000/team`). Docker's own
 *   legacy keys end in an API version (`https://index.docker.io/v1/`): that
 *   suffix is not a repository path and is dropped. Docker Hub's names
 *   (`index.docker.io`, `registry-1.docker.io`, `docker.io`) are one registry.
 * - A key matches an image when the hosts match (a `*` label matches one
 *   label, as the kubelet's glob), the ports are equal, and the key's path,
 *   if any, is a whole-segment prefix of the image's repository path. The most
 *   specific key wins (longest path, then literal host over a wildcard); on a
 *   tie the Secret listed first, as the kubelet tries them in order.
 */
import type { RegistryCredentialEntry } from '@notary-gate/contracts';

export const DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CFG = 'kubernetes.io/dockercfg';

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** A Secret's content could not be read as a docker config (named by the caller). */
export class DockerConfigError extends Error {
  override readonly name = 'DockerConfigError';
}

/** One credential of one Secret and the images it is for. */
export interface KeyringEntry {
  /** Lower-case host labels (`*` allowed) and port ('' when none). */
  host: string[];
  port: string;
  /** Repository path prefix ('' for the whole registry). */
  path: string;
  credential: RegistryCredentialEntry;
}

interface SecretLike {
  type?: string;
  data?: Record<string, string>;
}

/** The keyring entries of one pull Secret; throws DockerConfigError saying what is wrong with it. */
export function keyringOf(secret: SecretLike): KeyringEntry[] {
  const field = secret.type === DOCKER_CONFIG_JSON ? '.dockerconfigjson' : secret.type === DOCKER_CFG ? '.dockercfg' : undefined;
  if (!field) throw new DockerConfigError(`is of type "${secret.type ?? ''}", not ${DOCKER_CONFIG_JSON} or ${DOCKER_CFG}`);
  const encoded = secret.data?.[field];
  if (typeof encoded !== 'string') throw new DockerConfigError(`has no ${field}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new DockerConfigError(`${field} is not JSON`);
  }
  const auths = field === '.dockerconfigjson' ? (isObject(parsed) ? parsed['auths'] : undefined) : parsed;
  if (!isObject(auths)) throw new DockerConfigError(field === '.dockerconfigjson' ? `${field} has no "auths" object` : `${field} is not an object`);
  return Object.entries(auths).map(([key, entry]) => ({ ...parseKey(key, field), credential: credentialOf(key, entry, field) }));
}

/** The credential of the most specific entry for an image (`registry` host[:port], `path` its repository path), or undefined. */
export function lookup(keyrings: KeyringEntry[][], registry: string, path: string): RegistryCredentialEntry | undefined {
  const image = splitHost(registry.toLowerCase());
  let best: { entry: KeyringEntry; rank: number[] } | undefined;
  for (const keyring of keyrings) {
    for (const entry of keyring) {
      if (!hostMatches(entry.host, image.host) || entry.port !== image.port) continue;
      if (entry.path !== '' && path !== entry.path && !path.startsWith(`${entry.path}/`)) continue;
      const rank = [entry.path.length, entry.host.includes('*') ? 0 : 1];
      // Strictly better only: on a tie the earlier Secret (and key) keeps it.
      if (!best || rank[0]! > best.rank[0]! || (rank[0] === best.rank[0] && rank[1]! > best.rank[1]!)) best = { entry, rank };
    }
  }
  return best?.entry.credential;
}

function parseKey(key: string, field: string): Omit<KeyringEntry, 'credential'> {
  let rest = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = rest.indexOf('/');
  let path = slash === -1 ? '' : rest.slice(slash + 1);
  rest = slash === -1 ? rest : rest.slice(0, slash);
  // `https://index.docker.io/v1/`, `registry.example/v2/`: an API version, not a repository.
  path = path.replace(/^\/+|\/+$/g, '').replace(/^v[12]$/, '');
  const { host, port } = splitHost(rest.toLowerCase());
  if (host.length === 0 || host.some((label) => label === '')) throw new DockerConfigError(`${field}: "${key}" is not a registry`);
  return { host, port, path };
}

function splitHost(hostPort: string): { host: string[]; port: string } {
  const colon = hostPort.lastIndexOf(':');
  const hasPort = colon !== -1 && !hostPort.endsWith(']') && /^\d+$/.test(hostPort.slice(colon + 1));
  const name = hasPort ? hostPort.slice(0, colon) : hostPort;
  const canonical = DOCKER_HUB.has(name) ? 'docker.io' : name;
  return { host: canonical === '' ? [] : canonical.split('.'), port: hasPort ? hostPort.slice(colon + 1) : '' };
}

function hostMatches(pattern: string[], host: string[]): boolean {
  return pattern.length === host.length && pattern.every((label, index) => label === host[index] || (label.includes('*') && globLabel(label, host[index]!)));
}

function globLabel(pattern: string, label: string): boolean {
  const expression = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^.]*')}$`);
  return expression.test(label);
}

function credentialOf(key: string, entry: unknown, field: string): RegistryCredentialEntry {
  if (!isObject(entry)) throw new DockerConfigError(`${field}: the entry of "${key}" is not an object`);
  const text = (name: string) => (typeof entry[name] === 'string' && entry[name] !== '' ? (entry[name] as string) : undefined);
  let username = text('username');
  let password = text('password');
  const auth = text('auth');
  if (auth !== undefined) {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // The wording names the key only: never the value.
    if (colon <= 0) throw new DockerConfigError(`${field}: the "auth" of "${key}" is not base64 of user:password`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const identityToken = text('identitytoken');
  const registryToken = text('registrytoken');
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(identityToken !== undefined ? { identityToken } : {}),
    ...(registryToken !== undefined ? { registryToken } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
