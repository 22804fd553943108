import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError, type HttpErrorKind, type HttpResponse } from '../../server/src/registry/http';
import { DiskCache } from '../../server/src/registry/http-cache';
import {
  createHttpClient,
  isLoopbackHost,
  isPlainHttpAllowed,
  parseRetryAfter,
  type ClosableHttpClient,
  type HttpClientOptions,
} from '../../server/src/registry/http-client';
import { delay, reply, selfSignedCertificate, startFixtureServer, type FixtureServer } from './fixture-server';
import { useLoopbackGuard } from './loopback-guard';

const USER_AGENT = 'pin-hygiene-test/0.0.0 (+https://github.com/pin-hygiene/pin-hygiene)';

async function expectHttpError(promise: Promise<unknown>, kind: HttpErrorKind, message?: RegExp): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected HttpError, got ${String(error)}`);
    assert.equal(error.kind, kind, `kind of "${error.message}"`);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected HttpError(${kind}), but the request succeeded`);
}

async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await delay(10);
  }
}

describe('HTTP client (undici)', function () {
  this.timeout(5000);
  const guard = useLoopbackGuard();
  let server: FixtureServer;
  let other: FixtureServer;
  let clients: ClosableHttpClient[] = [];
  const scratch: string[] = [];

  /** Fast settings: 200 ms timeouts and 10 ms backoff keep the fault tests quick. */
  function client(options: Partial<HttpClientOptions> = {}): ClosableHttpClient {
    const created = createHttpClient({
      userAgent: USER_AGENT,
      connectTimeoutMs: 1000,
      headersTimeoutMs: 200,
      bodyTimeoutMs: 200,
      retryBaseDelayMs: 10,
      retryMaxDelayMs: 2000,
      ...options,
    });
    clients.push(created);
    return created;
  }

  function cacheDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'ph-http-'));
    scratch.push(dir);
    return dir;
  }

  before(async () => {
    server = await startFixtureServer();
    other = await startFixtureServer();
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
    server.reset();
    other.reset();
  });
  after(async () => {
    await Promise.all([server?.close(), other?.close()]);
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  describe('requests and responses', () => {
    it('sends the User-Agent and returns lower-case headers, repeated headers joined, and the UTF-8 body', async () => {
      server.route('/hello', (_req, res) => {
        res.setHeader('X-Repeated', ['one', 'two']);
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('h\u00e9llo \u2713');
      });
      const response = await client().request({ url: server.url('/hello'), headers: { 'X-Custom': 'yes' } });
      assert.equal(response.status, 200);
      assert.equal(response.body, 'h\u00e9llo \u2713');
      assert.equal(response.headers['x-repeated'], 'one, two');
      assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(response.url, server.url('/hello'));
      assert.equal(response.fromCache, false);
      const sent = server.requests[0]?.headers;
      assert.equal(sent?.['user-agent'], USER_AGENT);
      assert.equal(sent?.['x-custom'], 'yes');
      assert.equal(sent?.['accept-encoding'], 'identity');
    });

    it('hands invalid JSON to the caller as text', async () => {
      server.route('/pypi/broken/json', reply.invalidJson());
      const response = await client().request({ url: server.url('/pypi/broken/json') });
      assert.equal(response.status, 200);
      assert.equal(response.body, '{"name": "broken", ');
    });

    it('returns 404 and 410 instead of throwing', async () => {
      server.route('/gone', reply.status(410));
      const http = client();
      assert.equal((await http.request({ url: server.url('/missing') })).status, 404);
      assert.equal((await http.request({ url: server.url('/gone') })).status, 410);
      assert.equal(server.count(), 2);
    });

    it('answers HEAD with status and headers, without a body', async () => {
      server.route('/v2/library/python/manifests/3.12', (req, res) => {
        res.writeHead(200, { 'docker-content-digest': 'sha256:abc', 'content-length': 10 });
        res.end(req.method === 'HEAD' ? undefined : '0123456789');
      });
      const response = await client().request({ url: server.url('/v2/library/python/manifests/3.12'), method: 'HEAD' });
      assert.equal(response.status, 200);
      assert.equal(response.body, '');
      assert.equal(response.headers['docker-content-digest'], 'sha256:abc');
      assert.equal(server.requests[0]?.method, 'HEAD');
    });

    it('401 forever is an auth error, not retried; 403 too', async () => {
      server.route('/v2/', reply.unauthorized());
      server.route('/private', reply.status(403));
      const http = client({ retries: 3 });
      const error = await expectHttpError(http.request({ url: server.url('/v2/') }), 'auth', /401/);
      assert.equal(error.status, 401);
      assert.equal(error.headers?.['www-authenticate'], 'Bearer realm="http://127.0.0.1/token",service="fixture"');
      assert.equal(server.count('/v2/'), 1);
      await expectHttpError(http.request({ url: server.url('/private') }), 'auth', /403/);
      assert.equal(server.count('/private'), 1);
    });

    it('a status in the request\'s noRetryStatuses fails transient at once, with its headers', async () => {
      server.route('/limited', reply.tooManyRequests('1'));
      const error = await expectHttpError(client({ retries: 3 }).request({ url: server.url('/limited'), noRetryStatuses: [429] }), 'transient', /429/);
      assert.equal(error.headers?.['retry-after'], '1');
      assert.equal(server.count('/limited'), 1);
    });

    it('other 4xx are invalid-response, not retried', async () => {
      server.route('/bad', reply.status(400));
      const error = await expectHttpError(client().request({ url: server.url('/bad') }), 'invalid-response', /400/);
      assert.equal(error.status, 400);
      assert.equal(server.count('/bad'), 1);
    });

    it('refuses a content coding it did not ask for', async () => {
      server.route('/gzip', reply.text('\u001f\u008b not really gzip', { 'content-encoding': 'gzip' }));
      await expectHttpError(client().request({ url: server.url('/gzip') }), 'invalid-response', /content-encoding gzip/);
    });

    it('offline mode rejects without a request, even with a warm cache', async () => {
      server.route('/warm', reply.text('warm'));
      const dir = cacheDir();
      await client({ cacheDir: dir }).request({ url: server.url('/warm'), cache: { key: 'warm', ttlSeconds: 600 } });
      const offline = client({ offline: true, cacheDir: dir });
      await expectHttpError(offline.request({ url: server.url('/warm'), cache: { key: 'warm', ttlSeconds: 600 } }), 'offline', /offline/);
      await expectHttpError(offline.request({ url: 'https://pypi.org/simple/requests/' }), 'offline');
      assert.equal(server.count('/warm'), 1);
    });
  });

  describe('timeouts and retries', () => {
    it('a slow first byte fails transient within the headers timeout, without retries', async () => {
      server.route('/slow', reply.slowFirstByte(3000));
      const started = Date.now();
      await expectHttpError(client({ headersTimeoutMs: 200, retries: 3 }).request({ url: server.url('/slow') }), 'transient', /no response .* within 200 ms/);
      const elapsed = Date.now() - started;
      // undici runs header and idle-body timeouts on its coarse timers (about 1 s resolution:
      // RESOLUTION_MS in undici lib/util/timers.js), so 200 ms fire within about a second.
      assert.ok(elapsed >= 150 && elapsed < 2000, `took ${elapsed} ms`);
      assert.equal(server.count('/slow'), 1);
    });

    it('a body that does not arrive within the body timeout fails transient', async () => {
      server.route('/trickle', reply.slowBody(3000));
      const started = Date.now();
      await expectHttpError(client({ bodyTimeoutMs: 200 }).request({ url: server.url('/trickle') }), 'transient', /body/);
      assert.ok(Date.now() - started < 1500);
    });

    it('a connection reset is retried, then fails transient', async () => {
      server.route('/reset', reply.reset());
      await expectHttpError(client({ retries: 2 }).request({ url: server.url('/reset') }), 'transient', /after 3 attempts/);
      assert.equal(server.count('/reset'), 3);
    });

    it('a reset followed by an answer succeeds', async () => {
      server.route('/flaky', [reply.reset(), reply.text('ok')]);
      const response = await client().request({ url: server.url('/flaky') });
      assert.equal(response.body, 'ok');
      assert.equal(server.count('/flaky'), 2);
    });

    it('429 with Retry-After: 1 waits at least a second, then succeeds', async () => {
      server.route('/limited', [reply.tooManyRequests('1'), reply.text('finally')]);
      const started = Date.now();
      const response = await client().request({ url: server.url('/limited') });
      const waited = Date.now() - started;
      assert.equal(response.body, 'finally');
      assert.equal(server.count('/limited'), 2);
      assert.ok(waited >= 1000, `retried after ${waited} ms`);
      assert.ok(waited < 3000, `retried after ${waited} ms`);
    });

    it('a Retry-After beyond the cap fails at once and says when to retry', async () => {
      server.route('/hours', reply.tooManyRequests('3600'));
      const later = new Date(Date.now() + 2 * 3600_000);
      server.route('/date', reply.serviceUnavailable(later.toUTCString()));
      const http = client({ retryMaxDelayMs: 30_000 });
      const started = Date.now();
      const error = await expectHttpError(http.request({ url: server.url('/hours') }), 'transient', /retry after \d{4}-\d\d-\d\dT.* \(in 3600 s\)/);
      assert.equal(error.status, 429);
      await expectHttpError(http.request({ url: server.url('/date') }), 'transient', new RegExp(`retry after ${later.toISOString().slice(0, 16)}`));
      assert.ok(Date.now() - started < 1000);
      assert.equal(server.count('/hours'), 1);
      assert.equal(server.count('/date'), 1);
    });

    it('503 twice then 200 succeeds with three requests', async () => {
      server.route('/busy', [reply.serviceUnavailable(), reply.serviceUnavailable(), reply.json({ ok: true })]);
      const response = await client().request({ url: server.url('/busy') });
      assert.deepEqual(JSON.parse(response.body), { ok: true });
      assert.equal(server.count('/busy'), 3);
    });

    it('5xx forever fails transient after the bounded retries, backing off between them', async () => {
      server.route('/down', reply.status(502));
      const started = Date.now();
      const error = await expectHttpError(client({ retries: 2, retryBaseDelayMs: 100 }).request({ url: server.url('/down') }), 'transient', /502 from .*after 3 attempts/);
      assert.equal(error.status, 502);
      assert.equal(server.count('/down'), 3);
      // Equal jitter: at least half of 100 ms, then half of 200 ms.
      assert.ok(Date.now() - started >= 150, `retried after ${Date.now() - started} ms`);
    });

    it('parses Retry-After as seconds or an HTTP date, and Docker Hub X-Retry-After as a Unix time', () => {
      const now = Date.parse('2026-01-01T00:00:00Z');
      assert.equal(parseRetryAfter({ 'retry-after': '120' }, now), 120_000);
      assert.equal(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now), 30_000);
      assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }, now), 0);
      assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined);
      assert.equal(parseRetryAfter({ 'x-retry-after': String(now / 1000 + 5) }, now), 5000);
      assert.equal(parseRetryAfter({}, now), undefined);
    });
  });

  describe('size cap and redirects', () => {
    it('a declared length over the cap fails invalid-response', async () => {
      server.route('/huge', reply.oversized(5 * 1024 * 1024));
      await expectHttpError(client({ maxBytes: 1024 * 1024 }).request({ url: server.url('/huge') }), 'invalid-response', /response larger than 1048576 bytes/);
    });

    it('an undeclared (chunked) body over the request cap is cut off', async () => {
      server.route('/stream', reply.oversized(300 * 1024, { declareLength: false }));
      await expectHttpError(client().request({ url: server.url('/stream'), maxBytes: 100 * 1024 }), 'invalid-response', /response larger than 102400 bytes/);
    });

    it('follows a relative redirect and reports the final URL', async () => {
      server.route('/simple/Django/', reply.redirect('/simple/django/', 301));
      server.route('/simple/django/', reply.text('<html>django</html>'));
      const response = await client().request({ url: server.url('/simple/Django/') });
      assert.equal(response.body, '<html>django</html>');
      assert.equal(response.url, server.url('/simple/django/'));
    });

    it('a redirect loop fails invalid-response', async () => {
      server.route('/a', reply.redirect('/b'));
      server.route('/b', reply.redirect('/a'));
      await expectHttpError(client().request({ url: server.url('/a') }), 'invalid-response', /redirect loop/);
      assert.ok(server.count() <= 3);
    });

    it('more than five redirects fail invalid-response', async () => {
      for (let i = 0; i < 7; i += 1) server.route(`/hop${i}`, reply.redirect(`/hop${i + 1}`));
      await expectHttpError(client().request({ url: server.url('/hop0') }), 'invalid-response', /too many redirects \(more than 5\)/);
      assert.equal(server.count(), 6);
    });

    it('drops authorization on a redirect to another origin, keeps it within the origin', async () => {
      server.route('/v2/blob', reply.redirect('/v2/blob-here'));
      server.route('/v2/blob-here', reply.redirect(other.url('/cdn/blob')));
      other.route('/cdn/blob', reply.text('blob'));
      const response = await client().request({
        url: server.url('/v2/blob'),
        headers: { Authorization: 'Bearer secret', Accept: 'application/octet-stream' },
      });
      assert.equal(response.body, 'blob');
      assert.equal(server.requests[1]?.headers['authorization'], 'Bearer secret');
      assert.equal(other.requests[0]?.headers['authorization'], undefined);
      assert.equal(other.requests[0]?.headers['accept'], 'application/octet-stream');
      assert.equal(other.requests[0]?.headers['user-agent'], USER_AGENT);
    });
  });

  describe('plain http and proxies', () => {
    it('refuses plain http to a non-loopback host without a lookup or a connection', async () => {
      await expectHttpError(client().request({ url: 'http://example.invalid/simple/' }), 'offline', /refusing plain http to example\.invalid/);
      assert.deepEqual(guard.violations, []);
    });

    it('refuses a redirect from loopback to plain http elsewhere', async () => {
      server.route('/away', reply.redirect('http://example.invalid/simple/'));
      await expectHttpError(client().request({ url: server.url('/away') }), 'offline', /refusing plain http to example\.invalid/);
      assert.deepEqual(guard.violations, []);
    });

    it('allows plain http only to loopback and listed hosts', () => {
      assert.ok(isPlainHttpAllowed(new URL('http://127.0.0.1:5000/')));
      assert.ok(isPlainHttpAllowed(new URL('http://[::1]:5000/')));
      assert.ok(isPlainHttpAllowed(new URL('http://localhost/')));
      assert.ok(isPlainHttpAllowed(new URL('https://pypi.org/')));
      assert.ok(!isPlainHttpAllowed(new URL('http://pypi.org/')));
      assert.ok(isPlainHttpAllowed(new URL('http://mirror.internal:5000/'), ['mirror.internal:5000']));
      assert.ok(isPlainHttpAllowed(new URL('http://Mirror.Internal:5000/'), ['mirror.internal']));
      assert.ok(!isPlainHttpAllowed(new URL('http://mirror.internal:5001/'), ['mirror.internal:5000']));
      assert.ok(!isPlainHttpAllowed(new URL('ftp://127.0.0.1/')));
      assert.ok(isLoopbackHost('127.10.0.1') && !isLoopbackHost('128.0.0.1') && !isLoopbackHost('localhost.example'));
    });

    it('sends requests for other hosts through the configured proxy', async () => {
      other.route('/simple/requests/', reply.text('via proxy'));
      const http = client({ proxy: other.origin, allowInsecureHosts: ['mirror.example.invalid'] });
      const response = await http.request({ url: 'http://mirror.example.invalid/simple/requests/' });
      assert.equal(response.body, 'via proxy');
      assert.deepEqual(other.proxied, ['CONNECT mirror.example.invalid:80']);
      assert.equal(other.requests[0]?.headers['host'], 'mirror.example.invalid');
      assert.equal(other.requests[0]?.headers['user-agent'], USER_AGENT);
      assert.deepEqual(guard.violations, []);
    });

    it('honours HTTP_PROXY and NO_PROXY from the environment', async () => {
      const names = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'] as const;
      const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
      try {
        for (const name of names) delete process.env[name];
        process.env['HTTP_PROXY'] = other.origin;
        process.env['NO_PROXY'] = 'direct.example.invalid';
        other.route('/x', reply.text('proxied'));
        const http = client({ allowInsecureHosts: ['mirror.example.invalid', 'direct.example.invalid'] });
        assert.equal((await http.request({ url: 'http://mirror.example.invalid/x' })).body, 'proxied');
        assert.deepEqual(other.proxied, ['CONNECT mirror.example.invalid:80']);
        // NO_PROXY: straight to the host, which here means a connection the guard refuses.
        await expectHttpError(http.request({ url: 'http://direct.example.invalid/x' }), 'transient', /cannot resolve direct\.example\.invalid/);
        assert.deepEqual(guard.take().map((v) => `${v.kind} ${v.target}`), ['connect direct.example.invalid:80']);
        assert.equal(other.proxied.length, 1);
      } finally {
        for (const name of names) {
          if (saved[name] === undefined) delete process.env[name];
          else process.env[name] = saved[name];
        }
      }
    });

    it('tunnels https through the proxy, verifying the certificate unless proxyStrictSSL is false', async function () {
      const certificate = selfSignedCertificate(cacheDir(), 'secure.example.invalid');
      if (!certificate) this.skip();
      const origin = await startFixtureServer({ tls: certificate });
      const proxy = await startFixtureServer({ tunnelTo: origin.port });
      try {
        origin.route('/simple/', reply.text('over tls'));
        const url = 'https://secure.example.invalid/simple/';
        await expectHttpError(client({ proxy: proxy.origin }).request({ url }), 'transient', /TLS certificate of secure\.example\.invalid not accepted/);
        const response = await client({ proxy: proxy.origin, proxyStrictSSL: false }).request({ url });
        assert.equal(response.body, 'over tls');
        assert.equal(origin.requests[0]?.headers['host'], 'secure.example.invalid');
        assert.deepEqual(proxy.proxied, ['CONNECT secure.example.invalid:443', 'CONNECT secure.example.invalid:443']);
        assert.deepEqual(guard.violations, []);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
        await Promise.all([origin.close(), proxy.close()]);
      }
    });

    it('never sends loopback requests through the proxy', async () => {
      server.route('/local', reply.text('direct'));
      const response = await client({ proxy: other.origin }).request({ url: server.url('/local') });
      assert.equal(response.body, 'direct');
      assert.deepEqual(other.proxied, []);
      assert.equal(other.count(), 0);
    });
  });

  describe('cancellation and sharing', () => {
    it('an abort rejects promptly with the signal reason and closes the connection', async () => {
      server.route('/hang', reply.hang());
      const controller = new AbortController();
      const reason = new Error('document closed');
      const pending = client({ headersTimeoutMs: 5000 }).request({ url: server.url('/hang'), signal: controller.signal });
      await waitFor(() => server.count('/hang') === 1, 1000, 'the request to arrive');
      const started = Date.now();
      controller.abort(reason);
      await assert.rejects(pending, (error) => error === reason);
      assert.ok(Date.now() - started < 500, `rejected after ${Date.now() - started} ms`);
      await waitFor(() => server.openConnections() === 0, 1000, 'the socket to close');
    });

    it('an already aborted signal rejects without a request', async () => {
      const reason = new Error('stale');
      await assert.rejects(client().request({ url: server.url('/any'), signal: AbortSignal.abort(reason) }), (error) => error === reason);
      assert.equal(server.count(), 0);
    });

    it('an abort during a retry backoff rejects promptly', async () => {
      server.route('/unavailable', reply.serviceUnavailable());
      const controller = new AbortController();
      // Backoff of 200-400 ms before the first retry.
      const pending = client({ retryBaseDelayMs: 400 }).request({ url: server.url('/unavailable'), signal: controller.signal });
      await waitFor(() => server.count('/unavailable') === 1, 1000, 'the first attempt');
      await delay(50);
      const started = Date.now();
      controller.abort(new Error('changed'));
      await assert.rejects(pending, /changed/);
      assert.ok(Date.now() - started < 500, `rejected after ${Date.now() - started} ms`);
      await delay(450);
      assert.equal(server.count('/unavailable'), 1);
    });

    it('concurrent identical requests share one fetch', async () => {
      server.route('/pypi/requests/json', reply.slowFirstByte(100, reply.json({ info: { version: '2.32.3' } })));
      const http = client();
      const request = { url: server.url('/pypi/requests/json'), cache: { key: 'pypi:requests', ttlSeconds: 600 } };
      const responses = await Promise.all([1, 2, 3, 4, 5].map(() => http.request(request)));
      assert.equal(server.count('/pypi/requests/json'), 1);
      for (const response of responses) assert.equal(JSON.parse(response.body).info.version, '2.32.3');
      // Each caller gets its own headers object.
      responses[0]!.headers['x-mutated'] = 'yes';
      assert.equal(responses[1]!.headers['x-mutated'], undefined);
    });

    it('a caller that aborts stops waiting; the shared fetch goes on for the others', async () => {
      server.route('/shared', reply.slowFirstByte(200, reply.text('shared body')));
      const http = client({ headersTimeoutMs: 2000 });
      const leaving = new AbortController();
      const request = { url: server.url('/shared'), cache: { key: 'shared', ttlSeconds: 600 } };
      const first = http.request({ ...request, signal: leaving.signal });
      const second = http.request(request);
      await delay(50);
      leaving.abort(new Error('left'));
      await assert.rejects(first, /left/);
      const response = await second;
      assert.equal(response.body, 'shared body');
      assert.equal(server.count('/shared'), 1);
    });

    it('keeps to the per-host connection limit', async () => {
      server.route('/limit', reply.slowFirstByte(100, reply.text('ok')));
      const http = client({ perHostConnections: 2, headersTimeoutMs: 2000 });
      const responses = await Promise.all(Array.from({ length: 6 }, () => http.request({ url: server.url('/limit') })));
      assert.equal(responses.length, 6);
      assert.equal(server.count('/limit'), 6);
      assert.ok(server.maxConcurrent <= 2, `${server.maxConcurrent} at once`);
    });
  });

  describe('caching', () => {
    const page = JSON.stringify({ name: 'requests', versions: ['2.32.3'] });

    it('a second request within the TTL is served from memory without a request', async () => {
      server.route('/simple/requests/', reply.revalidating(page, { etag: '"v1"' }));
      const http = client();
      const request = { url: server.url('/simple/requests/'), cache: { key: 'simple:requests', ttlSeconds: 600 } };
      const first = await http.request(request);
      const second = await http.request(request);
      assert.equal(first.fromCache, false);
      assert.equal(second.fromCache, true);
      assert.equal(second.body, page);
      assert.equal(second.headers['etag'], '"v1"');
      assert.equal(server.count('/simple/requests/'), 1);
    });

    it('a second client sharing the cache directory makes no request; files are written whole', async () => {
      server.route('/simple/requests/', reply.revalidating(page, { etag: '"v1"' }));
      const dir = cacheDir();
      const request = { url: server.url('/simple/requests/'), cache: { key: 'simple:requests', ttlSeconds: 600 } };
      await client({ cacheDir: dir }).request(request);
      const second = await client({ cacheDir: dir }).request(request);
      assert.equal(second.fromCache, true);
      assert.equal(second.body, page);
      assert.equal(second.url, server.url('/simple/requests/'));
      assert.equal(server.count('/simple/requests/'), 1);
      const files = readdirSync(dir);
      assert.equal(files.length, 1);
      assert.match(files[0]!, /^[0-9a-f]{64}\.json$/);
    });

    it('after the TTL it revalidates with If-None-Match and serves the cached body on 304', async () => {
      server.route('/simple/requests/', reply.revalidating(page, { etag: '"v1"' }, { 'x-pypi-last-serial': '42' }));
      let clock = Date.now();
      const dir = cacheDir();
      const request = { url: server.url('/simple/requests/'), cache: { key: 'simple:requests', ttlSeconds: 600 } };
      await client({ cacheDir: dir, now: () => clock }).request(request);
      clock += 601_000;
      const http = client({ cacheDir: dir, now: () => clock });
      const revalidated = await http.request(request);
      assert.equal(server.count('/simple/requests/'), 2);
      assert.equal(server.requests[1]?.headers['if-none-match'], '"v1"');
      assert.equal(revalidated.status, 200);
      assert.equal(revalidated.body, page);
      assert.equal(revalidated.fromCache, false);
      assert.equal(revalidated.headers['x-pypi-last-serial'], '42');
      // The 304 restarted the TTL, for this process and the next.
      assert.equal((await http.request(request)).fromCache, true);
      assert.equal((await client({ cacheDir: dir, now: () => clock }).request(request)).fromCache, true);
      assert.equal(server.count('/simple/requests/'), 2);
    });

    it('revalidates with If-Modified-Since when only Last-Modified is known', async () => {
      server.route('/pypi/flask/json', reply.revalidating(page, { lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' }));
      let clock = Date.now();
      const http = client({ now: () => clock });
      const request = { url: server.url('/pypi/flask/json'), cache: { key: 'json:flask', ttlSeconds: 60 } };
      await http.request(request);
      clock += 61_000;
      const response = await http.request(request);
      assert.equal(server.requests[1]?.headers['if-modified-since'], 'Wed, 01 Jan 2025 00:00:00 GMT');
      assert.equal(response.body, page);
    });

    it('a changed resource after the TTL replaces the cached one', async () => {
      server.route('/simple/pip/', [reply.revalidating('old', { etag: '"1"' }), reply.revalidating('new', { etag: '"2"' })]);
      let clock = Date.now();
      const http = client({ now: () => clock });
      const request = { url: server.url('/simple/pip/'), cache: { key: 'simple:pip', ttlSeconds: 60 } };
      assert.equal((await http.request(request)).body, 'old');
      clock += 61_000;
      assert.equal((await http.request(request)).body, 'new');
      assert.equal((await http.request(request)).fromCache, true);
    });

    it('404 is cached only for the negative TTL', async () => {
      let clock = Date.now();
      const http = client({ now: () => clock, negativeTtlSeconds: 60 });
      const request = { url: server.url('/simple/not-there/'), cache: { key: 'simple:not-there', ttlSeconds: 3600 } };
      assert.equal((await http.request(request)).status, 404);
      clock += 30_000;
      const cached: HttpResponse = await http.request(request);
      assert.equal(cached.status, 404);
      assert.equal(cached.fromCache, true);
      assert.equal(server.count(), 1);
      clock += 31_000;
      assert.equal((await http.request(request)).fromCache, false);
      assert.equal(server.count(), 2);
    });

    it('ignores a corrupt cache file', async () => {
      server.route('/simple/six/', reply.text('six'));
      const dir = cacheDir();
      writeFileSync(new DiskCache(dir, 1e6).fileFor('simple:six'), '{"format":1,"key":"simple:six","bo');
      const response = await client({ cacheDir: dir }).request({ url: server.url('/simple/six/'), cache: { key: 'simple:six', ttlSeconds: 600 } });
      assert.equal(response.body, 'six');
      assert.equal(server.count(), 1);
    });

    it('keeps the cache directory under its size budget', async () => {
      const dir = cacheDir();
      const http = client({ cacheDir: dir, diskCacheMaxBytes: 20_000 });
      for (let i = 0; i < 12; i += 1) {
        server.route(`/p${i}`, reply.text(String.fromCharCode(97 + i).repeat(3000)));
        await http.request({ url: server.url(`/p${i}`), cache: { key: `p${i}`, ttlSeconds: 600 } });
      }
      const files = readdirSync(dir);
      const total = files.reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
      assert.ok(total <= 20_000, `${total} bytes in ${files.length} files`);
      assert.ok(files.length >= 3);
      assert.ok(files.every((name) => name.endsWith('.json')));
      // The newest entry survived.
      assert.ok(await new DiskCache(dir, 20_000).read('p11'));
    });
  });

  describe('loopback guard', () => {
    it('refuses and records a connection to a non-loopback address', async () => {
      const socket = net.connect({ host: '192.0.2.1', port: 80 });
      const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
      assert.match(error.message, /loopback guard: refused connect to 192\.0\.2\.1:80/);
      assert.deepEqual(guard.take().map((v) => v.target), ['192.0.2.1:80']);
    });
  });
});
