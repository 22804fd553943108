/**
 * Registry authentication (PROTOCOLS B5): the `WWW-Authenticate` challenge of `GET /v2/`,
 * and Bearer tokens from the challenge's realm (distribution `docs/spec/auth/token.md`),
 * cached per realm, service, scope and identity until shortly before they expire.
 */
import type { DockerCredential } from './docker-config';
import { HttpError, type HttpClient } from './http';
import { isLoopbackHost, isPlainHttpAllowed } from './http-client';

export interface AuthChallenge {
  /** Lower-case scheme: `bearer`, `basic`, … */
  scheme: string;
  /** Lower-case parameter names. */
  params: Record<string, string>;
}

/**
 * RFC 7235 challenges: a scheme token, then `key=value` pairs (token or quoted-string with
 * `\` escapes); a new challenge starts where a token is not followed by `=`.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const n = header.length;
  const skip = () => { while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ',')) i++; };
  const token = () => {
    const start = i;
    while (i < n && !/[\s,=]/.test(header[i] ?? '')) i++;
    return header.slice(start, i);
  };
  let current: AuthChallenge | undefined;
  while (i < n) {
    skip();
    if (i >= n) break;
    const word = token();
    if (word === '') { i++; continue; }
    let j = i;
    while (j < n && (header[j] === ' ' || header[j] === '\t')) j++;
    if (header[j] === '=' && current) {
      i = j + 1;
      while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        value = token();
      }
      current.params[word.toLowerCase()] = value;
    } else {
      current = { scheme: word.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}

/** What `GET /v2/` said about authentication. */
export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; realm: string; service?: string }
  | { kind: 'basic' };

/** Chooses the challenge to answer: Bearer first (the token flow), then Basic. */
export function authFromChallenge(header: string | undefined): RegistryAuth | undefined {
  const challenges = parseWwwAuthenticate(header ?? '');
  const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
  if (bearer?.params.realm) return { kind: 'bearer', realm: bearer.params.realm, service: bearer.params.service };
  if (challenges.some((c) => c.scheme === 'basic')) return { kind: 'basic' };
  return undefined;
}

/** Docker Hub's token server: Hub credentials go there although it is not the registry host (PROTOCOLS B6). */
const HUB_REALM_HOST = 'auth.docker.io';

/**
 * May credentials for `registryHost` go to `realm`? Only over https (or plain http on
 * loopback), and only to the registry's own host name — or Docker Hub's token server for Hub.
 */
export function mayReceiveCredentials(realm: URL, registryHost: string, extraRealmHosts: readonly string[] = []): boolean {
  if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopbackHost(realm.hostname))) return false;
  const registryName = registryHost.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const realmName = realm.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (realmName === registryName) return true;
  if (realmName === HUB_REALM_HOST && registryName === 'registry-1.docker.io') return true;
  return extraRealmHosts.some((host) => host.toLowerCase() === realm.host.toLowerCase() || host.toLowerCase() === realmName);
}

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is not used. */
  expiresAt: number;
}

export interface TokenRequest {
  realm: string;
  service?: string;
  /** e.g. `repository:library/python:pull` */
  scope: string;
  /** Basic credentials for the realm, already checked with `mayReceiveCredentials`. */
  credential?: DockerCredential;
  signal?: AbortSignal;
}

/** token.md: cache per realm, service, scope and identity. */
function tokenKey(request: TokenRequest): string {
  return [request.realm, request.service ?? '', request.scope, request.credential?.username ?? ''].join('\n');
}

/** token.md: a token without `expires_in` lasts 60 s; stop using it this long before it expires. */
const DEFAULT_EXPIRES_IN_S = 60;
const EXPIRY_MARGIN_MS = 10_000;

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly http: HttpClient, private readonly now: () => number = Date.now, private readonly allowInsecureHosts: readonly string[] = []) {}

  /** A token for the request's scope: cached, shared while in flight, or fetched from the realm. */
  async token(request: TokenRequest): Promise<string> {
    const key = tokenKey(request);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.token;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const fetching = this.fetch(request).then((entry) => {
      this.tokens.set(key, entry);
      return entry.token;
    }).finally(() => this.pending.delete(key));
    this.pending.set(key, fetching);
    return fetching;
  }

  /** Forgets a token the registry refused, so the next lookup asks the realm again. */
  forget(request: TokenRequest): void {
    this.tokens.delete(tokenKey(request));
  }

  private async fetch(request: TokenRequest): Promise<CachedToken> {
    let url: URL;
    try {
      url = new URL(request.realm);
    } catch {
      throw new HttpError('invalid-response', `invalid token realm "${request.realm}"`);
    }
    if (!isPlainHttpAllowed(url, this.allowInsecureHosts)) {
      throw new HttpError('offline', `refusing plain http to token realm ${url.host}`);
    }
    if (request.service) url.searchParams.append('service', request.service);
    url.searchParams.append('scope', request.scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.credential) {
      headers.authorization = `Basic ${Buffer.from(`${request.credential.username}:${request.credential.password}`).toString('base64')}`;
    }
    const response = await this.http.request({ url: url.href, headers, signal: request.signal, maxBytes: 1024 * 1024 });
    const receivedAt = this.now();
    if (response.status !== 200) throw new HttpError('auth', `token realm ${url.host} answered ${response.status}`, response.status);
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new HttpError('invalid-response', `token realm ${url.host} answered with invalid JSON`);
    }
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    // token.md: `token`, or its OAuth2 alias `access_token`.
    const token = typeof fields.token === 'string' && fields.token ? fields.token : fields.access_token;
    if (typeof token !== 'string' || token === '') throw new HttpError('invalid-response', `token realm ${url.host} sent no token`);
    const expiresIn = typeof fields.expires_in === 'number' && fields.expires_in > 0 ? fields.expires_in : DEFAULT_EXPIRES_IN_S;
    const issued = typeof fields.issued_at === 'string' ? Date.parse(fields.issued_at) : Number.NaN;
    // A wrong server clock must not make a token look valid for longer than it was issued for.
    const start = Number.isNaN(issued) ? receivedAt : Math.min(issued, receivedAt);
    return { token, expiresAt: start + expiresIn * 1000 - EXPIRY_MARGIN_MS };
  }
}
