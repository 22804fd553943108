/**
 * The shared HTTP layer (SPEC §5) on undici 7: per-host connection limits, timeouts,
 * bounded retries that honour Retry-After, a response size cap, redirects, proxies,
 * cancellation, in-flight de-duplication, and memory + disk caches with revalidation.
 *
 * Redirects and retries are done here rather than with undici's interceptors so that every
 * hop gets the plain-http check, the cross-origin credential rule and the size cap, and so
 * that a Retry-After beyond the cap fails at once instead of sleeping.
 * undici docs: https://github.com/nodejs/undici/tree/v7.x/docs/docs/api
 */
import type { Agent, Dispatcher } from 'undici';
import { HttpError, type HttpClient, type HttpRequest, type HttpResponse } from './http';
import { DiskCache, MemoryCache, type CacheEntry } from './http-cache';

type Undici = typeof import('undici');

/**
 * undici, and with it Node.js's tls, http, dns and zlib modules, is loaded at the first request
 * that goes to the network, not when the client is made: an offline server, or one whose
 * answers all come from the cache, never loads it (bench/README.md, "Server start").
 */
let undiciModule: Promise<Undici> | undefined;

function loadUndici(): Promise<Undici> {
  // A failed load is tried again at the next request, not remembered for the life of the process.
  undiciModule ??= import('undici').catch((error: unknown) => {
    undiciModule = undefined;
    throw error;
  });
  return undiciModule;
}

export interface HttpClientOptions {
  /** `product/version`, sent as User-Agent on every request (registries ask for one). */
  userAgent: string;
  /** Every request rejects with HttpError('offline') without touching the network or the caches. */
  offline?: boolean;
  /** Concurrent connections per origin (undici Agent `connections`). Default 6. */
  perHostConnections?: number;
  /** TCP/TLS connect timeout. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /**
   * Time from sending the request to the complete response head. Default 15 000 ms. undici
   * enforces it on coarse timers, so it may fire up to about a second late.
   */
  headersTimeoutMs?: number;
  /** Time to receive the whole body once the head arrived. Default 30 000 ms. */
  bodyTimeoutMs?: number;
  /** Retries after the first attempt for 429/500/502/503/504 and connection resets. Default 3. */
  retries?: number;
  /** First backoff delay; doubled per retry, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** The longest wait before a retry, backoff or Retry-After alike; a longer Retry-After fails at once. Default 30 000 ms. */
  retryMaxDelayMs?: number;
  /** Response body cap in bytes unless a request sets its own. Default 20 MiB. */
  maxBytes?: number;
  /** Redirects followed per request. Default 5. */
  maxRedirects?: number;
  /** Hosts (`name` or `name:port`) that may be reached over plain http besides loopback. */
  allowInsecureHosts?: readonly string[];
  /** Proxy URL for http and https (VS Code `http.proxy`); HTTP(S)_PROXY from the environment otherwise. */
  proxy?: string;
  /** Hosts that bypass the proxy, comma-separated as NO_PROXY (default: the NO_PROXY environment variable). */
  noProxy?: string;
  /** Verify TLS certificates on proxied connections (VS Code `http.proxyStrictSSL`). Default true. */
  proxyStrictSSL?: boolean;
  /** Directory for the on-disk cache; no disk cache when unset. */
  cacheDir?: string;
  /** Size budget of the on-disk cache. Default 100 MiB. */
  diskCacheMaxBytes?: number;
  /** Size budget of the memory cache. Default 32 MiB. */
  memoryCacheMaxBytes?: number;
  /** How long a 404/410 stays cached (capped by the request's TTL). Default 60 s. */
  negativeTtlSeconds?: number;
  /**
   * `pinHygiene.cacheTtl`: replaces the freshness lifetime of cached answers that can change
   * (requests asking for a day or less); content-addressed answers (manifests by digest) keep theirs.
   */
  cacheTtlSeconds?: number;
  /** Entries stored before this time (epoch ms) are stale whatever their TTL: "Refresh" revalidates everything. */
  staleBefore?: () => number;
  /** Clock in epoch milliseconds, for cache freshness. Default Date.now. */
  now?: () => number;
}

export interface ClosableHttpClient extends HttpClient {
  /** Aborts requests in flight and closes every connection. Later requests reject with HttpError('offline'). */
  close(): Promise<void>;
}

export const HTTP_CLIENT_DEFAULTS = {
  perHostConnections: 6,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 30_000,
  retries: 3,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
  maxBytes: 20 * 1024 * 1024,
  maxRedirects: 5,
  diskCacheMaxBytes: 100 * 1024 * 1024,
  memoryCacheMaxBytes: 32 * 1024 * 1024,
  negativeTtlSeconds: 60,
} as const;

export function createHttpClient(options: HttpClientOptions): ClosableHttpClient {
  return new UndiciHttpClient(options);
}

/** Plain http is allowed only to loopback and to hosts the user listed as insecure (SPEC §5). */
export function isPlainHttpAllowed(url: URL, allowInsecureHosts: readonly string[] = []): boolean {
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  if (isLoopbackHost(url.hostname)) return true;
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  return allowInsecureHosts.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    return wanted === host || wanted === hostname;
  });
}

/** `localhost`, 127.0.0.0/8 and ::1, as URL.hostname spells them. */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * Retry-After as milliseconds from `now`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Docker Hub's API sends X-Retry-After as a Unix time instead (PROTOCOLS §B11).
 */
export function parseRetryAfter(headers: Record<string, string>, now: number): number | undefined {
  const value = headers['retry-after']?.trim();
  if (value) {
    if (/^\d+$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
    return undefined;
  }
  const unix = headers['x-retry-after']?.trim();
  if (unix && /^\d{9,}$/.test(unix)) return Math.max(0, Number(unix) * 1000 - now);
  return undefined;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Connection-level failures worth another attempt (undici's RetryHandler list, plus EPIPE/EAI_AGAIN). */
const RETRY_ERROR_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'EHOSTUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET',
]);
/** Request headers that carry credentials; dropped when a redirect leaves the origin, as undici's redirect handler does. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  url: string;
}

/** One fetch shared by every caller waiting on the same cache key. */
interface Shared {
  controller: AbortController;
  waiters: number;
  promise: Promise<HttpResponse>;
}

class BodyDeadlineError extends Error {
  override readonly name = 'BodyDeadlineError';
}

class UndiciHttpClient implements ClosableHttpClient {
  private readonly settings: Required<Omit<HttpClientOptions, 'proxy' | 'noProxy' | 'cacheDir' | 'offline' | 'cacheTtlSeconds' | 'staleBefore'>>
    & Pick<HttpClientOptions, 'proxy' | 'noProxy' | 'cacheDir' | 'offline' | 'cacheTtlSeconds' | 'staleBefore'>;
  /** Made at the first request to a loopback host, as undici is loaded then. */
  private direct: Agent | undefined;
  private proxied: Dispatcher | undefined;
  private readonly memory: MemoryCache;
  private readonly disk: DiskCache | undefined;
  private readonly inflight = new Map<string, Shared>();
  private readonly running = new Set<Shared>();
  private closed = false;

  constructor(options: HttpClientOptions) {
    const d = HTTP_CLIENT_DEFAULTS;
    this.settings = {
      userAgent: options.userAgent,
      offline: options.offline,
      perHostConnections: options.perHostConnections ?? d.perHostConnections,
      connectTimeoutMs: options.connectTimeoutMs ?? d.connectTimeoutMs,
      headersTimeoutMs: options.headersTimeoutMs ?? d.headersTimeoutMs,
      bodyTimeoutMs: options.bodyTimeoutMs ?? d.bodyTimeoutMs,
      retries: options.retries ?? d.retries,
      retryBaseDelayMs: options.retryBaseDelayMs ?? d.retryBaseDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs ?? d.retryMaxDelayMs,
      maxBytes: options.maxBytes ?? d.maxBytes,
      maxRedirects: options.maxRedirects ?? d.maxRedirects,
      allowInsecureHosts: options.allowInsecureHosts ?? [],
      proxy: options.proxy || undefined,
      noProxy: options.noProxy,
      proxyStrictSSL: options.proxyStrictSSL ?? true,
      cacheDir: options.cacheDir || undefined,
      diskCacheMaxBytes: options.diskCacheMaxBytes ?? d.diskCacheMaxBytes,
      memoryCacheMaxBytes: options.memoryCacheMaxBytes ?? d.memoryCacheMaxBytes,
      negativeTtlSeconds: options.negativeTtlSeconds ?? d.negativeTtlSeconds,
      now: options.now ?? Date.now,
      staleBefore: options.staleBefore,
      cacheTtlSeconds: options.cacheTtlSeconds !== undefined && Number.isFinite(options.cacheTtlSeconds) && options.cacheTtlSeconds >= 0 ? options.cacheTtlSeconds : undefined,
    };
    this.memory = new MemoryCache(this.settings.memoryCacheMaxBytes);
    this.disk = this.settings.cacheDir ? new DiskCache(this.settings.cacheDir, this.settings.diskCacheMaxBytes) : undefined;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const signal = request.signal;
    signal?.throwIfAborted();
    if (this.closed) throw new HttpError('offline', `HTTP client closed; not requesting ${request.url}`);
    if (this.settings.offline) throw new HttpError('offline', `offline mode: not requesting ${request.url}`);
    const url = this.checkedUrl(request.url);

    const cache = request.cache;
    if (!cache) {
      return this.join(this.share(undefined, async (shared) => {
        const raw = await this.fetchFollowing(request, url, shared, {});
        if (raw.status === 304) throw unexpectedNotModified(raw.url);
        return { ...raw, fromCache: false };
      }), signal);
    }
    const hit = this.memory.get(cache.key);
    if (hit && this.isFresh(hit, cache.ttlSeconds)) return toResponse(hit, true);
    return this.join(this.share(cache.key, (shared) => this.load(request, url, cache, shared)), signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const reason = new HttpError('offline', 'HTTP client closed');
    for (const shared of this.running) shared.controller.abort(reason);
    await Promise.all([this.direct?.destroy(), this.proxied?.destroy()]);
  }

  // ---- caching and sharing ----

  /** Serve fresh cache entries; otherwise fetch, revalidating a stale entry that has validators (RFC 9111 §4.3). */
  private async load(request: HttpRequest, url: URL, cache: { key: string; ttlSeconds: number }, signal: AbortSignal): Promise<HttpResponse> {
    let entry = this.memory.get(cache.key);
    if (this.disk && !(entry && this.isFresh(entry, cache.ttlSeconds))) {
      // Another process (a CLI run next to the editor) may have refreshed the file meanwhile.
      const stored = await this.disk.read(cache.key);
      if (stored && (!entry || stored.storedAt > entry.storedAt)) {
        entry = stored;
        this.memory.set(stored);
      }
    }
    if (entry && this.isFresh(entry, cache.ttlSeconds)) return toResponse(entry, true);

    const validators = entry ? conditionalHeaders(entry) : {};
    const raw = await this.fetchFollowing(request, url, signal, validators);
    if (raw.status === 304) {
      if (!entry || Object.keys(validators).length === 0) throw unexpectedNotModified(raw.url);
      // RFC 9111 §4.3.4: a 304 refreshes the stored response's headers and age, not its content.
      const refreshed: CacheEntry = { ...entry, headers: updatedHeaders(entry.headers, raw.headers), storedAt: this.settings.now() };
      await this.store(refreshed);
      return toResponse(refreshed, false);
    }
    const fresh: CacheEntry = { key: cache.key, url: raw.url, status: raw.status, headers: raw.headers, body: raw.body, storedAt: this.settings.now() };
    await this.store(fresh);
    return toResponse(fresh, false);
  }

  private async store(entry: CacheEntry): Promise<void> {
    this.memory.set(entry);
    // A session cookie is a credential: it never goes to the disk cache (SECURITY.md).
    const { 'set-cookie': _cookie, ...headers } = entry.headers;
    await this.disk?.write({ ...entry, headers });
  }

  private isFresh(entry: CacheEntry, requested: number): boolean {
    const override = this.settings.cacheTtlSeconds;
    const ttlSeconds = override !== undefined && requested <= 24 * 3600 ? override : requested;
    if (entry.storedAt < (this.settings.staleBefore?.() ?? 0)) return false;
    const negative = entry.status === 404 || entry.status === 410;
    const ttl = negative ? Math.min(ttlSeconds, this.settings.negativeTtlSeconds) : ttlSeconds;
    const age = this.settings.now() - entry.storedAt;
    // A negative age means the clock went backwards: treat as stale rather than fresh forever.
    return age >= 0 && age < ttl * 1000;
  }

  private share(key: string | undefined, run: (signal: AbortSignal) => Promise<HttpResponse>): Shared {
    const existing = key === undefined ? undefined : this.inflight.get(key);
    if (existing) return existing;
    const controller = new AbortController();
    const shared: Shared = { controller, waiters: 0, promise: run(controller.signal) };
    this.running.add(shared);
    if (key !== undefined) this.inflight.set(key, shared);
    const forget = () => {
      this.running.delete(shared);
      if (key !== undefined && this.inflight.get(key) === shared) this.inflight.delete(key);
    };
    // Once abandoned, a later caller must start a new fetch rather than join a cancelled one.
    controller.signal.addEventListener('abort', forget, { once: true });
    // Nobody may be waiting when it settles (all callers aborted): no unhandled rejection.
    shared.promise.then(forget, forget);
    return shared;
  }

  /** Waits for a shared fetch; aborting stops this caller waiting, and cancels the fetch once nobody waits. */
  private join(shared: Shared, signal: AbortSignal | undefined): Promise<HttpResponse> {
    signal?.throwIfAborted();
    shared.waiters += 1;
    return new Promise<HttpResponse>((resolve, reject) => {
      const onAbort = () => {
        shared.waiters -= 1;
        if (shared.waiters === 0) shared.controller.abort(signal?.reason);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      shared.promise.then(
        (response) => {
          signal?.removeEventListener('abort', onAbort);
          resolve({ ...response, headers: { ...response.headers } });
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  // ---- redirects, retries, one attempt ----

  private checkedUrl(text: string): URL {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new HttpError('offline', `refusing to request an invalid URL: ${text}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new HttpError('offline', `refusing ${url.protocol} URL ${url.href}: only http and https are supported`);
    }
    if (!isPlainHttpAllowed(url, this.settings.allowInsecureHosts)) {
      throw new HttpError('offline', `refusing plain http to ${url.host}: use https, or list the host as insecure`);
    }
    return url;
  }

  /** Follows up to `maxRedirects` redirects (RFC 9110 §15.4); returns 2xx, 304, 404 or 410. */
  private async fetchFollowing(request: HttpRequest, start: URL, signal: AbortSignal, validators: Record<string, string>): Promise<RawResponse> {
    const method = request.method ?? 'GET';
    const maxBytes = request.maxBytes ?? this.settings.maxBytes;
    // Responses are decoded as text and no content coding is implemented, so ask for none
    // (without Accept-Encoding any coding is acceptable: RFC 9110 §12.5.3).
    const headers: Record<string, string> = { 'user-agent': this.settings.userAgent, 'accept-encoding': 'identity' };
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    for (const [name, value] of Object.entries(validators)) if (!(name in headers)) headers[name] = value;

    let url = start;
    const seen = new Set([url.href]);
    for (let hops = 0; ; hops += 1) {
      const response = await this.fetchWithRetries(url, method, headers, signal, maxBytes, request.noRetryStatuses ?? []);
      if (!REDIRECT_STATUSES.has(response.status)) return response;
      const location = response.headers['location'];
      if (!location) throw new HttpError('invalid-response', `${response.status} without a Location from ${url.href}`, response.status);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new HttpError('invalid-response', `invalid redirect Location "${location}" from ${url.href}`, response.status);
      }
      if (seen.has(next.href)) throw new HttpError('invalid-response', `redirect loop: ${url.href} → ${next.href}`, response.status);
      if (hops >= this.settings.maxRedirects) {
        throw new HttpError('invalid-response', `too many redirects (more than ${this.settings.maxRedirects}) from ${start.href}`, response.status);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new HttpError('invalid-response', `redirect to unsupported ${next.protocol} URL from ${url.href}`, response.status);
      }
      if (!isPlainHttpAllowed(next, this.settings.allowInsecureHosts)) {
        throw new HttpError('offline', `refusing plain http to ${next.host} (redirected from ${url.href})`);
      }
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
      seen.add(next.href);
      url = next;
    }
  }

  private async fetchWithRetries(
    url: URL, method: string, headers: Record<string, string>, signal: AbortSignal, maxBytes: number, noRetryStatuses: readonly number[],
  ): Promise<RawResponse> {
    const { retries } = this.settings;
    for (let attempt = 0; ; attempt += 1) {
      let response: RawResponse;
      try {
        response = await this.attempt(url, method, headers, signal, maxBytes);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const { failure, retry } = this.classify(error, url);
        if (!retry || attempt >= retries) {
          if (retry && attempt > 0) failure.message += ` (after ${attempt + 1} attempts)`;
          throw failure;
        }
        await sleep(this.backoff(attempt), signal);
        continue;
      }

      const status = response.status;
      if ((status >= 200 && status < 300) || status === 304 || status === 404 || status === 410 || REDIRECT_STATUSES.has(status)) return response;
      if (status === 401 || status === 403) {
        throw new HttpError('auth', `${status} from ${url.host}: credentials missing or refused for ${url.href}`, status, response.headers);
      }
      if (RETRY_STATUSES.has(status) && noRetryStatuses.includes(status)) {
        throw new HttpError('transient', `${status} from ${url.host} for ${url.href}`, status, response.headers);
      }
      if (RETRY_STATUSES.has(status)) {
        const now = this.settings.now();
        const retryAfter = parseRetryAfter(response.headers, now);
        if (retryAfter !== undefined && retryAfter > this.settings.retryMaxDelayMs) {
          const when = new Date(now + retryAfter).toISOString();
          throw new HttpError('transient', `${status} from ${url.host}: asked to retry after ${when} (in ${Math.ceil(retryAfter / 1000)} s)`, status, response.headers);
        }
        if (attempt >= retries) {
          throw new HttpError('transient', `${status} from ${url.host} for ${url.href} (after ${attempt + 1} attempts)`, status, response.headers);
        }
        await sleep(retryAfter ?? this.backoff(attempt), signal);
        continue;
      }
      if (status >= 500) throw new HttpError('transient', `${status} from ${url.host} for ${url.href}`, status, response.headers);
      throw new HttpError('invalid-response', `unexpected ${status} from ${url.host} for ${url.href}`, status, response.headers);
    }
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, so clients spread out. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.settings.retryMaxDelayMs, this.settings.retryBaseDelayMs * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** One request/response exchange; reads the body only for statuses the caller gets. */
  private async attempt(url: URL, method: string, headers: Record<string, string>, signal: AbortSignal, maxBytes: number): Promise<RawResponse> {
    signal.throwIfAborted();
    const controller = new AbortController();
    const forward = () => controller.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    let deadline: NodeJS.Timeout | undefined;
    try {
      const undici = await this.undici();
      signal.throwIfAborted();
      const response = await undici.request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: { ...headers },
        signal: controller.signal,
        dispatcher: this.dispatcherFor(undici, url),
        headersTimeout: this.settings.headersTimeoutMs,
        bodyTimeout: this.settings.bodyTimeoutMs,
      });
      const responseHeaders = joinHeaders(response.headers);
      const status = response.statusCode;
      const wanted = (status >= 200 && status < 300) || status === 404 || status === 410;
      if (!wanted || method === 'HEAD') {
        // Drain a little so the connection can be reused; larger bodies close it instead.
        await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        return { status, headers: responseHeaders, body: '', url: url.href };
      }
      // undici's bodyTimeout is an idle timeout between chunks; this bounds the whole body.
      deadline = setTimeout(() => controller.abort(new BodyDeadlineError()), this.settings.bodyTimeoutMs);
      const body = await readBody(response.body, responseHeaders, maxBytes, url);
      return { status, headers: responseHeaders, body, url: url.href };
    } catch (error) {
      if (controller.signal.reason instanceof BodyDeadlineError && !signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(deadline);
      signal.removeEventListener('abort', forward);
    }
  }

  /** Maps undici and socket errors to the contract's kinds (undici docs: api/Errors.md). */
  private classify(error: unknown, url: URL): { failure: HttpError; retry: boolean } {
    if (error instanceof HttpError) return { failure: error, retry: false };
    const host = url.host;
    if (error instanceof BodyDeadlineError) {
      return { failure: new HttpError('transient', `response body from ${host} not complete within ${this.settings.bodyTimeoutMs} ms`), retry: false };
    }
    const code = errorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    switch (code) {
      case 'UND_ERR_HEADERS_TIMEOUT':
        return { failure: new HttpError('transient', `no response from ${host} within ${this.settings.headersTimeoutMs} ms`), retry: false };
      case 'UND_ERR_BODY_TIMEOUT':
        return { failure: new HttpError('transient', `response body from ${host} stalled for ${this.settings.bodyTimeoutMs} ms`), retry: false };
      case 'UND_ERR_CONNECT_TIMEOUT':
        return { failure: new HttpError('transient', `could not connect to ${host} within ${this.settings.connectTimeoutMs} ms`), retry: false };
      case 'ENOTFOUND':
        return { failure: new HttpError('transient', `cannot resolve ${url.hostname}`), retry: false };
      case 'UND_ERR_PRX_TLS':
        return { failure: new HttpError('transient', `TLS connection to the proxy failed: ${message}`), retry: false };
    }
    if (/\b407\b/.test(message)) return { failure: new HttpError('auth', `proxy authentication required for ${host}`, 407), retry: false };
    if (code && RETRY_ERROR_CODES.has(code)) {
      return { failure: new HttpError('transient', `connection to ${host} failed (${code}): ${message}`), retry: true };
    }
    if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
      return { failure: new HttpError('transient', `TLS certificate of ${host} not accepted (${code}): ${message}`), retry: false };
    }
    return { failure: new HttpError('transient', `request to ${host} failed${code ? ` (${code})` : ''}: ${message}`), retry: false };
  }

  // ---- dispatchers ----

  /** undici, loaded at the first request; a failure to load it fails the request, not the process. */
  private async undici(): Promise<Undici> {
    try {
      return await loadUndici();
    } catch (error) {
      throw new HttpError('transient', `the HTTP library (undici) could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private agentOptions(): Agent.Options {
    return {
      connections: this.settings.perHostConnections,
      connect: { timeout: this.settings.connectTimeoutMs },
      headersTimeout: this.settings.headersTimeoutMs,
      bodyTimeout: this.settings.bodyTimeoutMs,
    };
  }

  /** Loopback never goes through a proxy; everything else follows `proxy`/HTTP(S)_PROXY/NO_PROXY. */
  private dispatcherFor(undici: Undici, url: URL): Dispatcher {
    if (this.closed) throw new HttpError('offline', `HTTP client closed; not requesting ${url.href}`);
    if (isLoopbackHost(url.hostname)) {
      this.direct ??= new undici.Agent(this.agentOptions());
      return this.direct;
    }
    if (!this.proxied) {
      const { proxy, noProxy, proxyStrictSSL, connectTimeoutMs } = this.settings;
      const tls = { timeout: connectTimeoutMs, rejectUnauthorized: proxyStrictSSL };
      try {
        // EnvHttpProxyAgent reads http_proxy/https_proxy/no_proxy (either case) unless overridden
        // (undici docs: api/EnvHttpProxyAgent.md); without a proxy it is a plain Agent.
        this.proxied = new undici.EnvHttpProxyAgent({
          ...this.agentOptions(),
          ...(proxy ? { httpProxy: proxy, httpsProxy: proxy } : {}),
          ...(noProxy !== undefined ? { noProxy } : {}),
          requestTls: tls,
          proxyTls: tls,
        });
      } catch (error) {
        throw new HttpError('offline', `invalid proxy configuration: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return this.proxied;
  }
}

// ---- helpers ----

function toResponse(entry: CacheEntry, fromCache: boolean): HttpResponse {
  return { status: entry.status, headers: { ...entry.headers }, body: entry.body, url: entry.url, fromCache };
}

function unexpectedNotModified(url: string): HttpError {
  return new HttpError('invalid-response', `304 Not Modified from ${url} without a cached response to revalidate`, 304);
}

/** RFC 9110 §13.1.1/§13.1.3: the stored validators, preferring the strong ETag comparison. */
function conditionalHeaders(entry: CacheEntry): Record<string, string> {
  const headers: Record<string, string> = {};
  if (entry.status < 200 || entry.status >= 300) return headers;
  if (entry.headers['etag']) headers['if-none-match'] = entry.headers['etag'];
  if (entry.headers['last-modified']) headers['if-modified-since'] = entry.headers['last-modified'];
  return headers;
}

/** RFC 9111 §4.3.4: header fields of a 304 replace the stored ones, except framing fields. */
function updatedHeaders(stored: Record<string, string>, fresh: Record<string, string>): Record<string, string> {
  const merged = { ...stored };
  for (const [name, value] of Object.entries(fresh)) {
    if (name === 'content-length' || name === 'transfer-encoding' || name === 'connection' || name === 'keep-alive') continue;
    merged[name] = value;
  }
  return merged;
}

/** undici gives lower-case names with `string | string[]` values; repeated fields are joined (RFC 9110 §5.3). */
function joinHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    joined[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return joined;
}

async function readBody(body: Dispatcher.ResponseData['body'], headers: Record<string, string>, maxBytes: number, url: URL): Promise<string> {
  const tooLarge = () => new HttpError('invalid-response', `response larger than ${maxBytes} bytes from ${url.href}`);
  const coding = headers['content-encoding']?.trim().toLowerCase();
  if (coding && coding !== 'identity') {
    discard(body);
    throw new HttpError('invalid-response', `undecodable response from ${url.href}: content-encoding ${coding}`);
  }
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(body);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      discard(body);
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  // TextDecoder drops a UTF-8 BOM and replaces malformed sequences instead of failing.
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks, total));
}

/** Stops reading and closes the connection; the stream's abort error has nobody to go to. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // Happy-eyeballs connects fail with an AggregateError of per-address errors.
    const nested = (current as { errors?: unknown[] }).errors;
    current = Array.isArray(nested) && nested.length > 0 ? nested[0] : (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
