/**
 * Container registry client (OCI Distribution / Docker Registry HTTP API v2, PROTOCOLS B1–B6):
 * what digest a tag points to now, the platforms of a multi-platform index, and the tag list.
 *
 * Only a 404 for the manifest or tag list (`MANIFEST_UNKNOWN`, `NAME_UNKNOWN`) is "not found";
 * refused credentials, throttling and server errors are failures, never absence.
 */
import { createHash } from 'node:crypto';
import { formatReference, parseImageReference, DOCKER_HUB_REGISTRY, DOCKER_HUB_REGISTRY_HOST, DEFAULT_TAG, type NormalizedReference } from '../core/dockerfile/image-ref';
import type { ImageFacts, ImagePlatform, Lookup, LookupFailureKind } from '../core/facts';
import { authFromChallenge, mayReceiveCredentials, TokenCache, type RegistryAuth, type TokenRequest } from './docker-auth';
import type { DockerCredentials } from './docker-config';
import { HttpError, type HttpClient, type HttpResponse } from './http';
import { isLoopbackHost, parseRetryAfter } from './http-client';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/**
 * All four modern types (PROTOCOLS B2.2): without the index types registries down-convert to
 * one platform or refuse (GHCR: "OCI index found, but Accept header does not support OCI indexes").
 */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');

const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);

export interface DockerClientOptions {
  http: HttpClient;
  /** Inline credentials from `~/.docker/config.json` (docker-config.ts). */
  credentials?: DockerCredentials;
  /** Registries (`host[:port]`) spoken to over plain http; the HttpClient must allow them too. Loopback always is. */
  insecureRegistries?: readonly string[];
  /** Token realm hosts besides the registry's own that may receive its credentials. */
  trustedRealmHosts?: readonly string[];
  /** Tags per page (default 1000: ECR refuses more) and pages per listing (default 20). */
  tagPageSize?: number;
  maxTagPages?: number;
  /** Clock in epoch ms, for token expiry. */
  now?: () => number;
}

export interface DockerResolveOptions {
  signal?: AbortSignal;
  /** Also list the repository's tags into `ImageFacts.tags`. */
  tags?: boolean;
}

export interface TagDigest {
  digest?: string;
  rateLimit?: ImageFacts['rateLimit'];
}

export interface TagList {
  tags: string[];
  /** Stopped at the page limit while the registry offered a next page. */
  truncated: boolean;
}

export interface DockerClient {
  /** The digest a reference's tag points to now (a digest-only reference is checked to exist). */
  resolve(reference: string | NormalizedReference, options?: DockerResolveOptions): Promise<Lookup<ImageFacts>>;
  /**
   * The digest a tag points to, by one `HEAD` (no body, no platform list): for looking at a few
   * candidate tags. `digest` is absent when the registry sent no `Docker-Content-Digest`.
   */
  headDigest(reference: string | NormalizedReference, options?: { signal?: AbortSignal }): Promise<Lookup<TagDigest>>;
  /** `GET /v2/<name>/tags/list`, following `Link` pages up to the page limit. */
  listTags(reference: string | NormalizedReference, options?: { signal?: AbortSignal }): Promise<Lookup<TagList>>;
}

export function createDockerClient(options: DockerClientOptions): DockerClient {
  return new RegistryClient(options);
}

interface Target {
  /** As references name it (`docker.io`). */
  registry: string;
  /** The host serving the API (`registry-1.docker.io`). */
  host: string;
  /** `https://host` or `http://host`. */
  base: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Docker's rule (registry/config.go): plain http only for loopback and configured insecure registries. */
export function registryTarget(reference: NormalizedReference, insecureRegistries: readonly string[] = []): Target {
  const registry = reference.registry;
  const host = registry === DOCKER_HUB_REGISTRY || registry === 'index.docker.io' ? DOCKER_HUB_REGISTRY_HOST : registry;
  const hostname = host.replace(/:\d+$/, '');
  const insecure = isLoopbackHost(hostname) || insecureRegistries.some((entry) => {
    const wanted = entry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/(?<!\/)\/+$/, '');
    return wanted === host.toLowerCase() || wanted === hostname.toLowerCase();
  });
  const target: Target = { registry, host, base: `${insecure ? 'http' : 'https'}://${host}`, repository: reference.repository };
  if (reference.tag !== undefined) target.tag = reference.tag;
  if (reference.digest !== undefined) target.digest = reference.digest;
  return target;
}

class Failure extends Error {
  constructor(readonly kind: LookupFailureKind, message: string) {
    super(message);
  }
}

class NotFound extends Error {}

class RegistryClient implements DockerClient {
  private readonly http: HttpClient;
  private readonly tokens: TokenCache;
  private readonly auth = new Map<string, Promise<RegistryAuth>>();

  constructor(private readonly options: DockerClientOptions) {
    this.http = options.http;
    this.tokens = new TokenCache(options.http, options.now, options.insecureRegistries);
  }

  async resolve(reference: string | NormalizedReference, options: DockerResolveOptions = {}): Promise<Lookup<ImageFacts>> {
    const target = this.target(reference);
    if (!('base' in target)) return target;
    return this.guard(options.signal, target, async () => {
      const facts = await this.manifestFacts(target, options.signal);
      if (options.tags) {
        const list = await this.tagPages(target, options.signal);
        facts.tags = list.tags;
        if (list.truncated) facts.tagsTruncated = true;
      }
      return facts;
    });
  }

  async headDigest(reference: string | NormalizedReference, options: { signal?: AbortSignal } = {}): Promise<Lookup<TagDigest>> {
    const target = this.target(reference);
    if (!('base' in target)) return target;
    return this.guard(options.signal, target, async () => {
      const head = await this.send(target, `/v2/${target.repository}/manifests/${target.tag ?? target.digest ?? DEFAULT_TAG}`, { method: 'HEAD', accept: MANIFEST_ACCEPT, signal: options.signal });
      if (head.status === 404 || head.status === 410) throw new NotFound();
      const result: TagDigest = {};
      const digest = head.headers['docker-content-digest']?.trim();
      if (digest && /^sha256:[a-f0-9]{64}$/.test(digest)) result.digest = digest;
      const rateLimit = parseRateLimit(head.headers);
      if (rateLimit) result.rateLimit = rateLimit;
      return result;
    });
  }

  async listTags(reference: string | NormalizedReference, options: { signal?: AbortSignal } = {}): Promise<Lookup<TagList>> {
    const target = this.target(reference);
    if (!('base' in target)) return target;
    return this.guard(options.signal, target, () => this.tagPages(target, options.signal));
  }

  private target(reference: string | NormalizedReference): Target | Lookup<never> {
    let normalized: NormalizedReference;
    if (typeof reference === 'string') {
      const parsed = parseImageReference(reference);
      if (!parsed.ok) return { status: 'failed', kind: 'invalid-response', message: `invalid image reference "${reference}": ${parsed.reason}` };
      normalized = parsed.normalized;
    } else {
      normalized = reference;
    }
    const target = registryTarget(normalized, this.options.insecureRegistries);
    if (target.tag === undefined && target.digest === undefined) target.tag = DEFAULT_TAG;
    return target;
  }

  /** Maps failures to lookup results; an abort rejects with the signal's reason. */
  private async guard<T>(signal: AbortSignal | undefined, target: Target, work: () => Promise<T>): Promise<Lookup<T>> {
    try {
      return { status: 'found', facts: await work() };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof NotFound) return { status: 'not-found', index: `${target.registry}/${target.repository}` };
      if (error instanceof Failure || error instanceof HttpError) return { status: 'failed', kind: error.kind, message: error.message };
      return { status: 'failed', kind: 'transient', message: error instanceof Error ? error.message : String(error) };
    }
  }

  private async manifestFacts(target: Target, signal?: AbortSignal): Promise<ImageFacts> {
    // A tag (with or without a digest) asks what the tag is now; a digest alone, whether it exists.
    const ref = target.tag ?? target.digest ?? DEFAULT_TAG;
    const path = `/v2/${target.repository}/manifests/${ref}`;
    // HEAD first: same headers, no body, and not counted as a pull on Docker Hub (PROTOCOLS B6).
    const head = await this.send(target, path, { method: 'HEAD', accept: MANIFEST_ACCEPT, signal });
    if (head.status === 404 || head.status === 410) throw new NotFound();
    let digest = head.headers['docker-content-digest']?.trim();
    let mediaType = contentType(head);
    let body: string | undefined;
    if (!digest || !mediaType) {
      // Old registries omit the digest on HEAD: hash the raw body of a GET (never re-serialised JSON).
      const got = await this.send(target, path, { method: 'GET', accept: MANIFEST_ACCEPT, signal });
      if (got.status === 404 || got.status === 410) throw new NotFound();
      body = got.body;
      digest = got.headers['docker-content-digest']?.trim() || `sha256:${sha256(body)}`;
      mediaType = contentType(got) ?? classify(body);
    }
    const facts: ImageFacts = {
      reference: formatReference({ registry: target.registry, repository: target.repository, tag: target.tag, digest: target.tag ? undefined : target.digest }),
      registry: target.registry,
      repository: target.repository,
      digest,
      mediaType,
    };
    if (target.tag !== undefined) facts.tag = target.tag;
    const rateLimit = parseRateLimit(head.headers);
    if (rateLimit) facts.rateLimit = rateLimit;
    if (INDEX_TYPES.has(mediaType)) {
      if (body === undefined) {
        // By digest: the content cannot have moved since the HEAD, and it may be cached for good.
        const got = await this.send(target, `/v2/${target.repository}/manifests/${digest}`, {
          method: 'GET', accept: MANIFEST_ACCEPT, signal, cache: { key: `docker-manifest:${target.base}/${target.repository}@${digest}`, ttlSeconds: 7 * 24 * 3600 },
        });
        if (got.status === 404 || got.status === 410) throw new NotFound();
        body = got.body;
        if (digest.startsWith('sha256:') && `sha256:${sha256(body)}` !== digest) {
          throw new Failure('invalid-response', `manifest ${digest} from ${target.host} does not hash to its digest`);
        }
      }
      facts.platforms = parsePlatforms(body);
    }
    return facts;
  }

  private async tagPages(target: Target, signal?: AbortSignal): Promise<TagList> {
    const pageSize = this.options.tagPageSize ?? 1000;
    const maxPages = this.options.maxTagPages ?? 20;
    const tags: string[] = [];
    let path: string | undefined = `/v2/${target.repository}/tags/list?n=${pageSize}`;
    for (let page = 0; path !== undefined; page++) {
      if (page >= maxPages) return { tags, truncated: true };
      const response = await this.send(target, path, { method: 'GET', accept: 'application/json', signal });
      if (response.status === 404 || response.status === 410) throw new NotFound();
      let parsed: unknown;
      try {
        parsed = JSON.parse(response.body);
      } catch {
        throw new Failure('invalid-response', `tag list from ${target.host} is not JSON`);
      }
      const list = (parsed as { tags?: unknown } | null)?.tags;
      // Some registries send `"tags": null` for an empty repository.
      if (Array.isArray(list)) for (const tag of list) if (typeof tag === 'string') tags.push(tag);
      path = nextPage(response.headers.link, `${target.base}${path}`, target.base);
    }
    return { tags, truncated: false };
  }

  /** One request with whatever authorization the registry asked for at `/v2/`. */
  private async send(
    target: Target,
    path: string,
    request: { method: 'GET' | 'HEAD'; accept: string; signal?: AbortSignal; cache?: { key: string; ttlSeconds: number } },
  ): Promise<HttpResponse> {
    const auth = await this.authorization(target, request.signal);
    const headers: Record<string, string> = { accept: request.accept };
    if (auth) headers.authorization = auth.header;
    try {
      // A registry's 429 is a pull limit that will not clear within any retry budget (PROTOCOLS B6, B11).
      return await this.http.request({
        url: `${target.base}${path}`, method: request.method, headers, signal: request.signal, cache: request.cache, noRetryStatuses: [429],
      });
    } catch (error) {
      if (error instanceof HttpError && error.status === 429) {
        throw new HttpError('transient', rateLimitMessage(target.host, error.headers ?? {}, Date.now()), 429, error.headers);
      }
      if (error instanceof HttpError && error.kind === 'auth' && auth) {
        // A refused token may have been revoked: do not reuse it.
        if (auth.token) this.tokens.forget(auth.token);
        throw new HttpError('auth', `${error.status ?? 401} from ${target.host} with ${auth.token ? 'a token' : 'credentials'} for ${target.repository}: access denied (private or nonexistent repository, or refused credentials)`, error.status);
      }
      throw error;
    }
  }

  private async authorization(target: Target, signal?: AbortSignal): Promise<{ header: string; token?: TokenRequest } | undefined> {
    const auth = await this.registryAuth(target, signal);
    if (auth.kind === 'none') return undefined;
    const credential = this.options.credentials?.get(target.registry);
    if (auth.kind === 'basic') {
      if (!credential) return undefined;
      const url = new URL(target.base);
      if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) return undefined;
      return { header: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}` };
    }
    let realm: URL;
    try {
      realm = new URL(auth.realm);
    } catch {
      throw new Failure('invalid-response', `${target.host} named an invalid token realm`);
    }
    const send = credential && mayReceiveCredentials(realm, target.host, this.options.trustedRealmHosts) ? credential : undefined;
    // token.md / scope.md: pull access to this repository; the /v2/ challenge names no scope.
    const request: TokenRequest = { realm: auth.realm, service: auth.service, scope: `repository:${target.repository}:pull`, credential: send, signal };
    return { header: `Bearer ${await this.tokens.token(request)}`, token: request };
  }

  /** `GET /v2/` once per registry: 200 means no auth; 401 carries the challenge (spec end-1). */
  private registryAuth(target: Target, signal?: AbortSignal): Promise<RegistryAuth> {
    let pending = this.auth.get(target.base);
    if (!pending) {
      pending = this.ping(target, signal);
      this.auth.set(target.base, pending);
      pending.catch(() => this.auth.delete(target.base));
    }
    return pending;
  }

  private async ping(target: Target, signal?: AbortSignal): Promise<RegistryAuth> {
    const url = `${target.base}/v2/`;
    let challenge: string | undefined;
    try {
      const response = await this.http.request({ url, signal });
      if (response.status === 404) throw new Failure('invalid-response', `${target.host} does not serve the registry API (404 for /v2/)`);
      return { kind: 'none' };
    } catch (error) {
      if (!(error instanceof HttpError && error.kind === 'auth' && error.status === 401)) throw error;
      // The challenge comes from the same request, so proxy settings and the plain-http rule apply to it.
      challenge = error.headers?.['www-authenticate'];
    }
    const auth = authFromChallenge(challenge);
    if (!auth) throw new Failure('auth', `${target.host} asks for authentication without a usable challenge`);
    return auth;
  }
}

/** Names the rate limit, and when it lifts if the registry said so (`ratelimit-reset`, `Retry-After`). */
export function rateLimitMessage(host: string, headers: Record<string, string>, now: number): string {
  let message = `429 from ${host}: registry rate limit reached (pull limit); not retried`;
  const reset = /^\s*(\d+)/.exec(headers['ratelimit-reset'] ?? '')?.[1];
  // ratelimit-reset is seconds from now in the IETF draft; some registries send a Unix time.
  if (reset) message += `; ratelimit-reset ${Number(reset) >= 1e9 ? new Date(Number(reset) * 1000).toISOString() : `in ${reset} s`}`;
  const retryAfter = parseRetryAfter(headers, now);
  if (retryAfter !== undefined) message += `; retry after ${new Date(now + retryAfter).toISOString()} (in ${Math.ceil(retryAfter / 1000)} s)`;
  const remaining = headers['ratelimit-remaining'];
  if (remaining) message += `; ratelimit-remaining ${remaining}`;
  return message;
}

function contentType(response: HttpResponse): string | undefined {
  // Registries SHOULD NOT add parameters; clients SHOULD ignore them (PROTOCOLS B2.2).
  const value = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return value || undefined;
}

/** OCI manifests may omit `mediaType`: `manifests` means an index, `config` an image manifest. */
function classify(body: string): string {
  try {
    const parsed = JSON.parse(body) as { mediaType?: unknown; manifests?: unknown; config?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
    if (Array.isArray(parsed.manifests)) return MEDIA_TYPES.ociIndex;
    if (parsed.config) return MEDIA_TYPES.ociManifest;
  } catch {
    // fall through
  }
  throw new Failure('invalid-response', 'manifest is neither an index nor an image manifest');
}

/** The index's platforms, without BuildKit attestation manifests (`unknown/unknown`, PROTOCOLS B2.1). */
export function parsePlatforms(body: string): ImagePlatform[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Failure('invalid-response', 'image index is not JSON');
  }
  const manifests = (parsed as { manifests?: unknown } | null)?.manifests;
  if (!Array.isArray(manifests)) throw new Failure('invalid-response', 'image index has no manifests');
  const platforms: ImagePlatform[] = [];
  for (const entry of manifests as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { digest, platform, annotations } = entry as { digest?: unknown; platform?: Record<string, unknown>; annotations?: Record<string, unknown> };
    if (typeof digest !== 'string' || !platform || typeof platform.os !== 'string' || typeof platform.architecture !== 'string') continue;
    if (annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    if (platform.os === 'unknown' && platform.architecture === 'unknown') continue;
    const item: ImagePlatform = { os: platform.os, architecture: platform.architecture, digest };
    if (typeof platform.variant === 'string' && platform.variant) item.variant = platform.variant;
    platforms.push(item);
  }
  return platforms;
}

/** `Link: <url>; rel="next"` (RFC 8288), relative to the request; other origins are not followed. */
export function nextPage(link: string | undefined, requestUrl: string, base: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!match || !/(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(match[2] ?? '')) continue;
    let next: URL;
    try {
      next = new URL(match[1] ?? '', requestUrl);
    } catch {
      return undefined;
    }
    if (next.origin !== new URL(base).origin) return undefined;
    return next.pathname + next.search;
  }
  return undefined;
}

/** Docker Hub's `ratelimit-remaining: 76;w=21600` and `ratelimit-limit: 100;w=21600` (PROTOCOLS B6). */
export function parseRateLimit(headers: Record<string, string>): ImageFacts['rateLimit'] {
  const remaining = /^\s*(\d+)(?:\s*;\s*w=(\d+))?/.exec(headers['ratelimit-remaining'] ?? '');
  if (!remaining) return undefined;
  const result: NonNullable<ImageFacts['rateLimit']> = { remaining: Number(remaining[1]) };
  const limit = /^\s*(\d+)(?:\s*;\s*w=(\d+))?/.exec(headers['ratelimit-limit'] ?? '');
  if (limit) result.limit = Number(limit[1]);
  const window = remaining[2] ?? limit?.[2];
  if (window) result.windowSeconds = Number(window);
  return result;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
