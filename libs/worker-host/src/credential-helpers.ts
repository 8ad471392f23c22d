/**
 * Docker credential helpers (`credHelpers` per registry, `credsStore` for
 * all), as docker runs them: `docker-credential-<name> get` with the registry
 * host on stdin answers `{"ServerURL","Username","Secret"}`; a `Username` of
 * `<token>` means the secret is an identity token (docker-credential-helpers
 * protocol). Used where the helper is installed; a missing or failing helper
 * is logged once per registry and means "no credentials" from it. Answers are
 * kept in memory for a few minutes (helpers can be slow: cloud SDKs), never
 * written anywhere.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { CredentialLookup, RegistryCredential } from '@notary-gate/oci';

export interface CredentialHelperOptions {
  /** Reports a helper that is missing or fails (once per registry and helper). */
  onWarning?: (message: string) => void;
  /** How long an answer is reused; default 5 min. */
  ttlMs?: number;
  /** Longest a helper may run; default 5 s. */
  timeoutMs?: number;
  now?: () => number;
  /** Environment of the helper process (default this process's: its PATH finds the helpers). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The helpers a docker config file names, or undefined when it names none (or does not exist). */
export function readCredentialHelpers(path: string): { credHelpers: Record<string, string>; credsStore?: string } | undefined {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // missing: anonymous; malformed: already refused by loadDockerConfig
  }
  if (typeof document !== 'object' || document === null) return undefined;
  const { credHelpers, credsStore } = document as { credHelpers?: unknown; credsStore?: unknown };
  const helpers: Record<string, string> = {};
  if (typeof credHelpers === 'object' && credHelpers !== null) {
    for (const [registry, name] of Object.entries(credHelpers)) if (typeof name === 'string' && /^[A-Za-z0-9_.-]+$/.test(name)) helpers[registry.toLowerCase()] = name;
  }
  const store = typeof credsStore === 'string' && /^[A-Za-z0-9_.-]+$/.test(credsStore) ? credsStore : undefined;
  if (Object.keys(helpers).length === 0 && store === undefined) return undefined;
  return { credHelpers: helpers, ...(store ? { credsStore: store } : {}) };
}

/** A credential lookup running the helper configured for each registry. */
export function credentialHelperLookup(helpers: { credHelpers: Record<string, string>; credsStore?: string }, options: CredentialHelperOptions = {}): CredentialLookup {
  const ttlMs = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  const answers = new Map<string, { at: number; credential: RegistryCredential | undefined }>();
  const warned = new Set<string>();
  return (registry) => {
    const host = registry.toLowerCase();
    const helper = helpers.credHelpers[host] ?? helpers.credsStore;
    if (helper === undefined) return undefined;
    const known = answers.get(host);
    if (known && now() - known.at < ttlMs) return known.credential;
    let credential: RegistryCredential | undefined;
    try {
      const output = execFileSync(`docker-credential-${helper}`, ['get'], { input: host, timeout: options.timeoutMs ?? 5_000, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8', ...(options.env ? { env: { ...options.env } } : {}) });
      const answer = JSON.parse(output) as { Username?: unknown; Secret?: unknown };
      if (typeof answer.Secret === 'string' && answer.Secret !== '') {
        credential = answer.Username === '<token>' ? { identityToken: answer.Secret } : { username: typeof answer.Username === 'string' ? answer.Username : '', password: answer.Secret };
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'is not installed' : code === 'ETIMEDOUT' ? 'timed out' : 'failed (no credentials for it, or an error)';
      if (!warned.has(`${helper} ${host}`)) {
        warned.add(`${helper} ${host}`);
        options.onWarning?.(`docker-credential-${helper} ${why} for ${host}: using no credentials from it`);
      }
    }
    answers.set(host, { at: now(), credential });
    return credential;
  };
}
