/**
 * NATS transport security, configured the way NATS users expect (nats-server
 * docs, "Securing NATS"): TLS with the operator's CA and a client certificate,
 * and one of user + password, token, NKey seed, or a `.creds` file (JWT +
 * seed); credentials in the URL (`nats://user:pass@host`, `nats://token@host`)
 * are honoured as the nats CLI honours them. Secrets come from files and are
 * never printed: URLs are shown without their userinfo.
 */
import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type Authenticator, type ConnectionOptions } from 'nats';

/** Where the secrets and certificates are (all files: mounted Kubernetes secrets). */
export interface NatsSecurity {
  /** PEM CA bundle to trust for the server's certificate (TLS is then required). */
  tlsCaFile?: string;
  /** PEM client certificate and key (mutual TLS). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** User name, with `passwordFile`. */
  user?: string;
  passwordFile?: string;
  tokenFile?: string;
  /** NKey seed (`SU…`). */
  nkeySeedFile?: string;
  /** A `.creds` file (user JWT and NKey seed), as `nsc` writes. */
  credsFile?: string;
}

/** A secret file that cannot be used: names the setting, never the content. */
export class NatsSecurityError extends Error {
  override readonly name = 'NatsSecurityError';
  readonly code = 'ERR_NATS_SECURITY';
}

/**
 * The servers (userinfo removed) and the nats `connect` options for `url`
 * and `security`. Throws `NatsSecurityError` for an unreadable file or for
 * two authentication methods at once.
 */
export function natsConnectOptions(url: string, security: NatsSecurity = {}): { servers: string[]; options: Partial<ConnectionOptions> } {
  const options: Partial<ConnectionOptions> = {};
  const methods: string[] = [];
  const servers: string[] = [];
  let fromUrl: { user?: string; pass?: string; token?: string } | undefined;
  let tlsScheme = false;
  for (const entry of url.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const parsed = tryUrl(entry);
    if (!parsed) {
      servers.push(entry);
      continue;
    }
    if (parsed.protocol === 'tls:' || parsed.protocol === 'wss:') tlsScheme = true;
    if (parsed.username !== '' || parsed.password !== '') {
      const user = decodeURIComponent(parsed.username);
      const pass = decodeURIComponent(parsed.password);
      fromUrl = parsed.password === '' ? { token: user } : { user, pass };
    }
    servers.push(`${parsed.protocol}//${parsed.host}`);
  }
  if (fromUrl) {
    methods.push('credentials in NATS_URL');
    Object.assign(options, fromUrl);
  }
  if (security.user !== undefined || security.passwordFile !== undefined) {
    if (security.user === undefined || security.passwordFile === undefined) throw new NatsSecurityError('NATS_USER and NATS_PASSWORD_FILE are given together');
    methods.push('NATS_USER');
    options.user = security.user;
    options.pass = readSecret(security.passwordFile, 'NATS_PASSWORD_FILE');
  }
  if (security.tokenFile !== undefined) {
    methods.push('NATS_TOKEN_FILE');
    options.token = readSecret(security.tokenFile, 'NATS_TOKEN_FILE');
  }
  const authenticators: Authenticator[] = [];
  if (security.nkeySeedFile !== undefined) {
    methods.push('NATS_NKEY_SEED_FILE');
    const seed = readSecret(security.nkeySeedFile, 'NATS_NKEY_SEED_FILE');
    if (!/^S[A-Z2-7]{50,}$/.test(seed)) throw new NatsSecurityError('NATS_NKEY_SEED_FILE does not hold an NKey seed (a line starting with S)');
    authenticators.push(nkeyAuthenticator(new TextEncoder().encode(seed)));
  }
  if (security.credsFile !== undefined) {
    methods.push('NATS_CREDS_FILE');
    const creds = readSecret(security.credsFile, 'NATS_CREDS_FILE');
    if (!creds.includes('BEGIN NATS USER JWT') || !creds.includes('BEGIN USER NKEY SEED')) throw new NatsSecurityError('NATS_CREDS_FILE is not a NATS .creds file (user JWT and NKey seed)');
    authenticators.push(credsAuthenticator(new TextEncoder().encode(creds)));
  }
  if (methods.length > 1) throw new NatsSecurityError(`NATS authentication is given ${methods.length} ways (${methods.join(', ')}): give one`);
  if (authenticators.length > 0) options.authenticator = authenticators;

  if ((security.tlsCertFile === undefined) !== (security.tlsKeyFile === undefined)) {
    throw new NatsSecurityError('NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE are given together');
  }
  if (tlsScheme || security.tlsCaFile !== undefined || security.tlsCertFile !== undefined) {
    options.tls = {
      ...(security.tlsCaFile !== undefined ? { ca: readSecret(security.tlsCaFile, 'NATS_TLS_CA_FILE') } : {}),
      ...(security.tlsCertFile !== undefined ? { cert: readSecret(security.tlsCertFile, 'NATS_TLS_CERT_FILE') } : {}),
      ...(security.tlsKeyFile !== undefined ? { key: readSecret(security.tlsKeyFile, 'NATS_TLS_KEY_FILE') } : {}),
    };
  }
  return { servers, options };
}

/** `url` (one or several, comma-separated) without user names, passwords or tokens. */
export function redactUrl(url: string): string {
  return url
    .split(',')
    .map((entry) => entry.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1'))
    .join(',');
}

/** One line for a NATS connection error: its cause, no stack, no secret. */
export function describeNatsError(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  const clean = redactUrl(message.replace(/\s+/g, ' ').trim());
  switch (code) {
    case 'AUTHORIZATION_VIOLATION':
      return 'authorization violation: the server refused the credentials (user/password, token, NKey or creds)';
    case 'AUTHENTICATION_EXPIRED':
      return 'the user JWT has expired';
    case 'CONNECTION_REFUSED':
      return 'connection refused';
    case 'CONNECTION_TIMEOUT':
      return 'connection timed out';
    default:
      return clean === '' ? String(code ?? 'unknown error') : clean;
  }
}

function readSecret(path: string, setting: string): string {
  try {
    const text = readFileSync(path, 'utf8').trim();
    if (text === '') throw new NatsSecurityError(`${setting} (${path}) is empty`);
    return text;
  } catch (error) {
    if (error instanceof NatsSecurityError) throw error;
    throw new NatsSecurityError(`${setting} (${path}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function tryUrl(entry: string): URL | undefined {
  try {
    return new URL(entry.includes('://') ? entry : `nats://${entry}`);
  } catch {
    return undefined;
  }
}
