/**
 * Where the credentials for a registry came from, by registry, as the last
 * registry client options built in this process looked them up (target.ts):
 * named in authentication failures (describe-error.ts), so that "401" says
 * which credentials were tried. A module of its own so that the error mapper,
 * loaded at start-up, does not load the registry client.
 */
export const credentialSources = new Map<string, string>();

/** How the credentials sent to `registry` were found, or that none were. */
export function credentialSourceOf(registry: string): string | undefined {
  return credentialSources.get(registry);
}
