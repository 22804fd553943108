/**
 * A loopback HTTP server for registry tests: listens on 127.0.0.1, port 0; handlers per path
 * (pathname + query, or pathname alone); counts and records every request; ready-made fault
 * handlers (slow first byte, reset, 429/503, invalid JSON, oversized bodies, redirect loops,
 * 401 forever, ETag/Last-Modified revalidation). It never compresses. It also acts as an
 * HTTP proxy for proxy tests: CONNECT tunnels and absolute-form requests are answered by the
 * same handlers (it never connects anywhere but itself) and are recorded in `proxied`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';

export type Handler = (req: IncomingMessage, res: ServerResponse, context: { count: number }) => void | Promise<void>;

export interface RecordedRequest {
  method: string;
  /** Path and query as requested (for proxied absolute-form requests, without the origin). */
  path: string;
  headers: IncomingMessage['headers'];
}

export interface FixtureServerOptions {
  /** Serve https with this key and certificate (see `selfSignedCertificate`). */
  tls?: { key: string; cert: string };
  /** Loopback port that CONNECT tunnels lead to (default: this server). */
  tunnelTo?: number;
}

export interface FixtureServer {
  /** `http://127.0.0.1:<port>` (https with the `tls` option) */
  readonly origin: string;
  readonly port: number;
  url(path: string): string;
  /** Handles `path`; an array answers successive requests in turn, repeating the last. */
  route(path: string, handler: Handler | Handler[]): void;
  /** Requests received for `path` (exactly as routed), or in total. */
  count(path?: string): number;
  readonly requests: RecordedRequest[];
  /** CONNECT targets and absolute-form URLs seen while acting as a proxy. */
  readonly proxied: string[];
  /** Most requests being handled at the same time. */
  readonly maxConcurrent: number;
  /** Open TCP connections right now. */
  openConnections(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startFixtureServer(options: FixtureServerOptions = {}): Promise<FixtureServer> {
  const routes = new Map<string, Handler[]>();
  const counts = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const proxied: string[] = [];
  const sockets = new Set<net.Socket>();
  let active = 0;
  let maxConcurrent = 0;

  const listener: RequestListener = (req, res) => {
    let path = req.url ?? '/';
    if (/^https?:\/\//i.test(path)) {
      proxied.push(path);
      const absolute = new URL(path);
      path = absolute.pathname + absolute.search;
    }
    const pathname = path.split('?')[0] ?? path;
    const key = routes.has(path) ? path : pathname;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    active += 1;
    maxConcurrent = Math.max(maxConcurrent, active);
    let finished = false;
    const done = () => {
      if (!finished) { finished = true; active -= 1; }
    };
    res.on('close', done);
    const handlers = routes.get(key);
    const handler = handlers ? handlers[Math.min(count, handlers.length) - 1] : undefined;
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no fixture for ${path}`);
      return;
    }
    Promise.resolve(handler(req, res, { count })).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Proxy tunnels end at this same server, whatever host the client asked for.
  server.on('connect', (req: IncomingMessage, client: net.Socket, head: Buffer) => {
    proxied.push(`CONNECT ${req.url ?? ''}`);
    const port = options.tunnelTo ?? (server.address() as AddressInfo).port;
    const upstream = net.connect({ host: '127.0.0.1', port }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(client);
    client.on('close', () => { sockets.delete(client); upstream.destroy(); });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    origin,
    port,
    url: (path) => `${origin}${path}`,
    route(path, handler) {
      routes.set(path, Array.isArray(handler) ? handler : [handler]);
    },
    count: (path) => (path === undefined ? requests.length : counts.get(path) ?? 0),
    requests,
    proxied,
    get maxConcurrent() { return maxConcurrent; },
    openConnections: () => sockets.size,
    reset() {
      routes.clear();
      counts.clear();
      requests.length = 0;
      proxied.length = 0;
      maxConcurrent = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A throwaway self-signed certificate for `hostname` (P-256, one day), made with the openssl
 * CLI into `dir`; undefined when openssl is not installed.
 */
export function selfSignedCertificate(dir: string, hostname: string): { key: string; cert: string } | undefined {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${hostname}`, '-addext', `subjectAltName=DNS:${hostname}`, '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  if (made.status !== 0) return undefined;
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/** Resolves after `ms`, or early when the client goes away (so handlers never outlive the test). */
export function delay(ms: number, res?: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res?.once('close', () => { clearTimeout(timer); resolve(); });
  });
}

/** Resolves when `res` can take more data, or has closed. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Ready-made handlers for the fault classes of the loopback recipe. */
export const reply = {
  text(body: string, headers: OutgoingHttpHeaders = {}, status = 200): Handler {
    return (_req, res) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
    };
  },
  json(value: unknown, headers: OutgoingHttpHeaders = {}, status = 200): Handler {
    return reply.text(JSON.stringify(value), { 'content-type': 'application/json', ...headers }, status);
  },
  status(status: number, headers: OutgoingHttpHeaders = {}): Handler {
    return reply.text(`status ${status}`, headers, status);
  },
  /** Valid HTTP, broken JSON: the client must hand the body over untouched. */
  invalidJson(): Handler {
    return reply.text('{"name": "broken", ', { 'content-type': 'application/json' });
  },
  /** Waits `ms` before sending anything (no status line yet), then answers with `then`. */
  slowFirstByte(ms: number, then: Handler = reply.text('late')): Handler {
    return async (req, res, context) => {
      await delay(ms, res);
      if (!res.destroyed) await then(req, res, context);
    };
  },
  /** Sends the head at once, then the body only after `ms`. */
  slowBody(ms: number, body = 'slow body'): Handler {
    return async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.flushHeaders();
      await delay(ms, res);
      if (!res.destroyed) res.end(body);
    };
  },
  /** Never answers; the connection stays open until the client gives up. */
  hang(): Handler {
    return (_req, res) => new Promise<void>((resolve) => res.once('close', () => resolve()));
  },
  /** TCP RST instead of a response. */
  reset(): Handler {
    return (req) => { req.socket.resetAndDestroy(); };
  },
  tooManyRequests(retryAfter?: string): Handler {
    return reply.status(429, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
  },
  serviceUnavailable(retryAfter?: string): Handler {
    return reply.status(503, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
  },
  /** 401 with a Bearer challenge, whatever credentials come. */
  unauthorized(): Handler {
    return reply.status(401, { 'www-authenticate': 'Bearer realm="http://127.0.0.1/token",service="fixture"' });
  },
  /** `bytes` of body; with `declareLength: false` it is chunked, so only counting can catch it. */
  oversized(bytes: number, { declareLength = true } = {}): Handler {
    return async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', ...(declareLength ? { 'content-length': bytes } : {}) });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      for (let sent = 0; sent < bytes && !res.destroyed; sent += chunk.length) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        if (!res.write(part)) await writable(res);
      }
      if (!res.destroyed) res.end();
    };
  },
  redirect(location: string, status = 302): Handler {
    return (_req, res) => { res.writeHead(status, { location, 'content-length': 0 }).end(); };
  },
  /** 200 with `etag`/`last-modified`; 304 when the request's validators match (RFC 9110 §13.1). */
  revalidating(body: string, validators: { etag?: string; lastModified?: string }, headers: OutgoingHttpHeaders = {}): Handler {
    return (req, res) => {
      const fields: OutgoingHttpHeaders = { ...headers };
      if (validators.etag) fields['etag'] = validators.etag;
      if (validators.lastModified) fields['last-modified'] = validators.lastModified;
      const ifNoneMatch = req.headers['if-none-match'];
      const ifModifiedSince = req.headers['if-modified-since'];
      const notModified = ifNoneMatch !== undefined
        ? validators.etag !== undefined && ifNoneMatch.split(',').map((tag) => tag.trim()).includes(validators.etag)
        : ifModifiedSince !== undefined && validators.lastModified !== undefined
          && Date.parse(ifModifiedSince) >= Date.parse(validators.lastModified);
      if (notModified) {
        res.writeHead(304, fields).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...fields }).end(body);
    };
  },
};
