/**
 * Registry authentication: anonymous, Basic, and the bearer-token challenge
 * flow (docker token spec; distribution spec §Authentication). Tokens are
 * cached per registry and scope set until they expire. Nothing here ever puts
 * a secret in an error message.
 */
import { OciError } from '../errors';
import { readCapped } from '../http/body';
import { contentType, readErrorSummary, type HttpRequest, type HttpResponse } from '../http/response';
import type { AuthChallenge } from './challenge';
import type { CredentialLookup, RegistryCredential } from './docker-config';

/** Token endpoints answer small JSON documents. */
const MAX_TOKEN_RESPONSE = 1024 * 1024;
/** Docker token spec: `expires_in` defaults to 60 seconds. */
const DEFAULT_TOKEN_LIFETIME_S = 60;
/** Renew a little before expiry so a token never expires in flight. */
const EXPIRY_MARGIN_MS = 5_000;
const CLIENT_ID = 'notary-gate';

export interface AuthenticatorOptions {
  credentials: CredentialLookup;
  /** Sends one request (no auth, no retries): token endpoint calls. */
  send: (request: HttpRequest) => Promise<HttpResponse>;
  /** May a token realm on this host be contacted over plain HTTP? */
  allowsPlainHttp: (host: string) => boolean;
  now: () => number;
}

/** Who asks: the registry (credentials key) and the host contacted. */
export interface AuthTarget {
  registry: string;
  host: string;
  /** `fetch manifest localhost:5000/app:v1`, for messages. */
  action: string;
}

interface CachedToken {
  authorization: string;
  expiresAt: number;
}

export class Authenticator {
  private readonly options: AuthenticatorOptions;
  private readonly tokens = new Map<string, CachedToken>();
  /** Hosts that answered with a Basic challenge: send Basic upfront from then on. */
  private readonly basicHosts = new Set<string>();
  /** In-flight token requests, shared by concurrent callers of the same scope. */
  private readonly pending = new Map<string, Promise<string | undefined>>();

  constructor(options: AuthenticatorOptions) {
    this.options = options;
  }

  /** The Authorization header to send before any challenge, if one is known. */
  cachedAuthorization(target: AuthTarget, scopes: string[]): string | undefined {
    const credential = this.options.credentials(target.registry);
    if (credential?.registryToken !== undefined) return `Bearer ${credential.registryToken}`;
    if (this.basicHosts.has(target.host)) return basicAuthorization(credential);
    const cached = this.tokens.get(tokenKey(target.host, scopes));
    if (cached !== undefined && cached.expiresAt > this.options.now()) return cached.authorization;
    return undefined;
  }

  /**
   * Answers a 401 challenge: returns the Authorization header to retry with,
   * or undefined when there is nothing better to try (no credentials for Basic).
   */
  async respond(target: AuthTarget, challenge: AuthChallenge | undefined, scopes: string[]): Promise<string | undefined> {
    const credential = this.options.credentials(target.registry);
    if (challenge === undefined) return basicAuthorization(credential);
    if (challenge.scheme === 'basic') {
      const authorization = basicAuthorization(credential);
      if (authorization !== undefined) this.basicHosts.add(target.host);
      return authorization;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    const key = tokenKey(target.host, scopes);
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) return inFlight;
    const request = this.fetchToken(target, challenge, scopes, credential).finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    return request;
  }

  private async fetchToken(
    target: AuthTarget,
    challenge: AuthChallenge,
    scopes: string[],
    credential: RegistryCredential | undefined,
  ): Promise<string | undefined> {
    const realm = challenge.parameters['realm'];
    const fail = (message: string, code: 'ERR_BAD_RESPONSE' | 'ERR_UNAUTHORIZED' | 'ERR_INSECURE_REFUSED' = 'ERR_BAD_RESPONSE', status?: number): OciError =>
      new OciError(code, `${target.action}: ${message}`, { registry: target.registry, ...(status === undefined ? {} : { status }) });
    if (realm === undefined || realm === '') throw fail('bearer challenge without a realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw fail('bearer challenge realm is not a URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.options.allowsPlainHttp(url.host))) {
      // Credentials never travel in clear to a host not explicitly trusted with plain HTTP.
      throw fail(`token realm ${url.origin} is not HTTPS; plain HTTP is refused unless ${url.host} is listed in insecureRegistries`, 'ERR_INSECURE_REFUSED');
    }
    const service = challenge.parameters['service'];
    const allScopes = mergeScopes(scopes, challenge.parameters['scope']);

    let request: HttpRequest;
    if (credential?.identityToken !== undefined) {
      // OAuth2 refresh-token grant (docker token spec §OAuth2), as docker and oras do with identity tokens.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.identityToken, client_id: CLIENT_ID });
      if (service !== undefined) form.set('service', service);
      if (allScopes.length > 0) form.set('scope', allScopes.join(' '));
      request = {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
      };
    } else {
      const tokenUrl = new URL(url);
      if (service !== undefined) tokenUrl.searchParams.set('service', service);
      for (const scope of allScopes) tokenUrl.searchParams.append('scope', scope);
      const headers: Record<string, string> = {};
      const basic = basicAuthorization(credential);
      if (basic !== undefined) headers['authorization'] = basic;
      request = { method: 'GET', url: tokenUrl, headers };
    }

    const response = await this.options.send(request);
    if (response.status === 401 || response.status === 403) {
      const { summary } = await readErrorSummary(response.body);
      throw fail(
        `token service ${url.host} refused ${credential === undefined ? 'anonymous access' : 'the configured credentials'} for scope ${allScopes.join(' ') || '(none)'} (HTTP ${response.status}${summary === '' ? '' : `: ${summary}`})`,
        'ERR_UNAUTHORIZED',
        response.status,
      );
    }
    if (response.status !== 200) {
      const { summary } = await readErrorSummary(response.body);
      const code = response.status >= 500 ? 'ERR_SERVER_ERROR' : response.status === 429 ? 'ERR_RATE_LIMITED' : 'ERR_BAD_RESPONSE';
      throw new OciError(code, `${target.action}: token service ${url.host} answered HTTP ${response.status}${summary === '' ? '' : `: ${summary}`}`, {
        registry: target.registry,
        status: response.status,
      });
    }
    const type = contentType(response);
    const bytes = await readCapped(response.body, MAX_TOKEN_RESPONSE, () => fail(`token response from ${url.host} is larger than ${MAX_TOKEN_RESPONSE} bytes`));
    let document: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      document = JSON.parse(bytes.toString('utf8')) as typeof document;
    } catch {
      throw fail(`token response from ${url.host} is not JSON (content type ${type ?? 'none'})`);
    }
    const token = typeof document.token === 'string' && document.token !== '' ? document.token : document.access_token;
    if (typeof token !== 'string' || token === '') throw fail(`token response from ${url.host} has no token`);
    const lifetimeS = typeof document.expires_in === 'number' && document.expires_in > 0 ? document.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    const authorization = `Bearer ${token}`;
    this.tokens.set(tokenKey(target.host, scopes), { authorization, expiresAt: this.options.now() + lifetimeS * 1000 - EXPIRY_MARGIN_MS });
    return authorization;
  }
}

function basicAuthorization(credential: RegistryCredential | undefined): string | undefined {
  if (credential?.username === undefined || credential.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

function tokenKey(host: string, scopes: string[]): string {
  return `${host} ${[...scopes].sort().join(' ')}`;
}

/** Our scopes plus the ones the challenge names (space-separated), without duplicates. */
function mergeScopes(ours: string[], challenged: string | undefined): string[] {
  const merged = [...ours];
  for (const scope of (challenged ?? '').split(' ')) {
    if (scope !== '' && !merged.includes(scope)) merged.push(scope);
  }
  return merged;
}

/** The scope of a repository operation (docker token spec §Scope). */
export function repositoryScope(repository: string, push: boolean): string {
  return `repository:${repository}:${push ? 'pull,push' : 'pull'}`;
}
