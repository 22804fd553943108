/**
 * The one HTTP layer every registry client uses (SPEC §5). This file is the contract;
 * server/src/registry/http-client.ts implements it with undici 7.
 */

/** How a request failed; registry clients map these to lookup failures. */
export type HttpErrorKind =
  /** Timeouts, resets, DNS, 429/5xx after retries: try again later. */
  | 'transient'
  /** 401/403 that credentials (or their absence) explain. */
  | 'auth'
  /** Offline mode, or a host the configuration forbids (plain http to a non-loopback host). */
  | 'offline'
  /** Too large, too many redirects, undecodable. */
  | 'invalid-response';

export class HttpError extends Error {
  constructor(
    readonly kind: HttpErrorKind,
    message: string,
    readonly status?: number,
    /**
     * Response headers (lower-case names) of an HTTP status error, so callers can read
     * `WWW-Authenticate`, `Retry-After` or rate-limit headers without another request.
     */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Body size cap in bytes (default set by the client). */
  maxBytes?: number;
  /**
   * Cache the response under this key for `ttlSeconds` (memory, and disk when configured),
   * revalidating with ETag/Last-Modified once stale. Concurrent identical requests share one fetch.
   */
  cache?: { key: string; ttlSeconds: number };
  /**
   * Retryable statuses (429, 5xx) that fail at once for this request instead, e.g. a registry's
   * pull-limit 429, which does not clear for hours (PROTOCOLS B6, B11).
   */
  noRetryStatuses?: readonly number[];
}

export interface HttpResponse {
  /** Final status after redirects (2xx, 304 is resolved from the cache, 404/410 are returned, not thrown). */
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** The URL that answered, after redirects. */
  url: string;
  /** Served from the cache without a request. */
  fromCache: boolean;
}

/**
 * Statuses other than 2xx/404/410 (and 304 handled internally) become HttpError; network
 * failures too. An aborted `signal` rejects with the signal's reason.
 */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}
