/**
 * A package index on 127.0.0.1 that speaks the real wire formats (PROTOCOLS A1, A2, A5):
 * `/simple/<name>/` as PEP 691 JSON when the Accept header asks for it and PEP 503 HTML
 * otherwise, PEP 700 fields, PEP 592 yanking, 301 to the normalised name, ETag /
 * If-None-Match → 304, and Warehouse's JSON API (`/pypi/<name>/json`,
 * `/pypi/<name>/<version>/json`) with `vulnerabilities`. In `private` mode it serves only
 * PEP 503 HTML, like most private indexes, and 404 on `/pypi/…`.
 *
 * Data comes from test/fixtures/pypi/*.json; sha256 digests are computed from each file's
 * invented `content`, which `/packages/<filename>` serves.
 */
import { compare, explain, valid } from '@renovatebot/pep440';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { HttpError, type HttpClient, type HttpRequest, type HttpResponse } from '../../server/src/registry/http';

export const FIXTURE_DIR = resolve(__dirname, '../fixtures/pypi');

export interface FixtureFile {
  filename: string;
  content: string;
  uploadTime: string;
  /** Per-file yank (PEP 592 allows it; PyPI yanks whole releases). */
  yanked?: boolean | string;
}

export interface FixtureVulnerability {
  id: string;
  [key: string]: unknown;
}

export interface FixtureRelease {
  version: string;
  requiresPython?: string;
  yanked?: boolean | string;
  files: FixtureFile[];
  vulnerabilities?: FixtureVulnerability[];
}

export interface FixtureProject {
  /** Display name as registered. */
  name: string;
  summary?: string;
  projectUrls?: Record<string, string>;
  releases: FixtureRelease[];
}

export function loadFixtureProjects(dir = FIXTURE_DIR): FixtureProject[] {
  return readdirSync(dir).filter((file) => file.endsWith('.json')).sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as FixtureProject);
}

export const normalize = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');
export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export interface RecordedRequest {
  method: string;
  path: string;
  accept?: string;
  ifNoneMatch?: string;
  authorization?: string;
}

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface PypiFixtureOptions {
  /** `pypi` (default): JSON or HTML Simple API plus the JSON API. `private`: PEP 503 HTML only, no JSON API. */
  mode?: 'pypi' | 'private';
  /** Path of the Simple API root, default `/simple/` (devpi: `/root/dev/+simple/`). */
  simplePath?: string;
  /** Answer the Simple API in HTML even when JSON is asked for (keeps the JSON API). */
  forceHtml?: boolean;
  /** Require HTTP Basic credentials on every request. */
  basicAuth?: { username: string; password: string };
  projects?: FixtureProject[];
}

export interface PypiFixture {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The Simple API base URL, ending in `/`. */
  simpleUrl: string;
  requests: RecordedRequest[];
  /** Answer `path` (exact, query included) with `handler` instead of the normal routes. */
  route(path: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
const SIMPLE_HTML = 'application/vnd.pypi.simple.v1+html';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** PEP 691 negotiation: the best acceptable type among those this server offers; `text/html` if none. */
export function negotiate(accept: string | undefined, offered: string[]): string {
  if (!accept) return 'text/html';
  let best: { type: string; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [rawType, ...params] = part.trim().split(';');
    const type = (rawType ?? '').trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((piece) => piece.trim());
      if (key === 'q' && value !== undefined) q = Number(value);
    }
    const match = type === '*/*' ? offered[0] : offered.find((candidate) => candidate === type);
    if (match && q > 0 && (!best || q > best.q)) best = { type: match, q };
  }
  return best?.type ?? 'text/html';
}

function fileYank(release: FixtureRelease, file: FixtureFile): boolean | string {
  return file.yanked ?? release.yanked ?? false;
}

/** PyPI's "latest": non-yanked first, then final releases, then the highest version (A1.2). */
function latestRelease(project: FixtureProject): FixtureRelease | undefined {
  const rank = (release: FixtureRelease): number[] => [
    release.yanked ? 0 : 1,
    explain(release.version)?.is_prerelease ? 0 : 1,
  ];
  const candidates = project.releases.filter((release) => valid(release.version) !== null);
  return [...candidates].sort((a, b) => {
    const [ay, ap] = rank(a);
    const [by, bp] = rank(b);
    return (by as number) - (ay as number) || (bp as number) - (ap as number) || compare(b.version, a.version);
  })[0];
}

/** Canonical version match (`/pypi/x/2.1.0/json` finds `2.1`). */
function sameVersion(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return valid(a) !== null && valid(b) !== null && compare(a, b) === 0;
  } catch {
    return false;
  }
}

export async function startPypiFixture(options: PypiFixtureOptions = {}): Promise<PypiFixture> {
  const mode = options.mode ?? 'pypi';
  const simplePath = options.simplePath ?? '/simple/';
  const projects = new Map((options.projects ?? loadFixtureProjects()).map((project) => [normalize(project.name), project]));
  const routes = new Map<string, RouteHandler>();
  const requests: RecordedRequest[] = [];
  let origin = '';

  const send = (request: IncomingMessage, response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void => {
    const etag = `"${createHash('md5').update(body).digest('base64url')}"`;
    const common = { 'content-type': type, etag, ...headers };
    if (status === 200 && request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag, ...headers });
      response.end();
      return;
    }
    response.writeHead(status, { ...common, 'content-length': Buffer.byteLength(body) });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  const notFound = (request: IncomingMessage, response: ServerResponse): void =>
    send(request, response, 404, 'application/json', JSON.stringify({ message: 'Not Found' }));
  const redirect = (response: ServerResponse, location: string): void => {
    response.writeHead(301, { location, 'content-length': 0 });
    response.end();
  };

  const packagesHref = (pagePath: string, filename: string): string => {
    const depth = pagePath.split('/').filter((segment) => segment !== '').length;
    return `${'../'.repeat(depth)}packages/${encodeURIComponent(filename)}`;
  };

  const simpleJson = (project: FixtureProject, pagePath: string): string => JSON.stringify({
    meta: { 'api-version': '1.1', '_last-serial': 1000 },
    name: normalize(project.name),
    versions: project.releases.map((release) => release.version),
    files: project.releases.flatMap((release) => release.files.map((file) => ({
      filename: file.filename,
      url: packagesHref(pagePath, file.filename),
      hashes: { sha256: sha256(file.content) },
      'requires-python': release.requiresPython ?? null,
      size: Buffer.byteLength(file.content),
      'upload-time': file.uploadTime,
      yanked: fileYank(release, file),
      'core-metadata': false,
    }))),
  });

  const simpleHtml = (project: FixtureProject, pagePath: string): string => {
    const anchors = project.releases.flatMap((release) => release.files.map((file) => {
      const attributes = [`href="${escapeHtml(`${packagesHref(pagePath, file.filename)}#sha256=${sha256(file.content)}`)}"`];
      if (release.requiresPython) attributes.push(`data-requires-python="${escapeHtml(release.requiresPython)}"`);
      const yank = fileYank(release, file);
      if (yank !== false) attributes.push(typeof yank === 'string' ? `data-yanked="${escapeHtml(yank)}"` : 'data-yanked');
      return `    <a ${attributes.join(' ')}>${escapeHtml(file.filename)}</a><br />`;
    }));
    const version = mode === 'private' ? '1.0' : '1.1';
    return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="${version}">\n    <title>Links for ${escapeHtml(normalize(project.name))}</title>\n  </head>\n  <body>\n    <h1>Links for ${escapeHtml(normalize(project.name))}</h1>\n${anchors.join('\n')}\n  </body>\n</html>\n`;
  };

  const jsonFile = (release: FixtureRelease, file: FixtureFile) => {
    const yank = fileYank(release, file);
    const iso = file.uploadTime;
    return {
      filename: file.filename,
      url: `${origin}/packages/${encodeURIComponent(file.filename)}`,
      packagetype: file.filename.endsWith('.whl') ? 'bdist_wheel' : 'sdist',
      python_version: file.filename.endsWith('.whl') ? 'py3' : 'source',
      digests: { sha256: sha256(file.content), md5: createHash('md5').update(file.content).digest('hex') },
      size: Buffer.byteLength(file.content),
      upload_time: iso.replace(/(\.\d+)?Z$/, ''),
      upload_time_iso_8601: iso,
      requires_python: release.requiresPython ?? null,
      yanked: yank !== false,
      yanked_reason: typeof yank === 'string' ? yank : null,
    };
  };

  const jsonInfo = (project: FixtureProject, release: FixtureRelease | undefined) => ({
    name: project.name,
    version: release?.version ?? null,
    summary: project.summary ?? null,
    requires_python: release?.requiresPython ?? null,
    yanked: Boolean(release?.yanked),
    yanked_reason: typeof release?.yanked === 'string' ? release.yanked : null,
    project_urls: project.projectUrls ?? null,
    package_url: `${origin}/project/${normalize(project.name)}/`,
    project_url: `${origin}/project/${normalize(project.name)}/`,
    release_url: release ? `${origin}/project/${normalize(project.name)}/${release.version}/` : null,
  });

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const path = request.url ?? '/';
    const recorded: RecordedRequest = { method: request.method ?? 'GET', path };
    if (request.headers.accept !== undefined) recorded.accept = request.headers.accept;
    if (typeof request.headers['if-none-match'] === 'string') recorded.ifNoneMatch = request.headers['if-none-match'];
    if (request.headers.authorization !== undefined) recorded.authorization = request.headers.authorization;
    requests.push(recorded);

    const custom = routes.get(path);
    if (custom) return custom(request, response);

    if (options.basicAuth) {
      const expected = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
      if (request.headers.authorization !== expected) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="fixture"', 'content-type': 'text/plain' });
        response.end('Unauthorized');
        return;
      }
    }
    const pathname = path.split('?')[0] as string;

    if (pathname.startsWith('/packages/')) {
      const filename = decodeURIComponent(pathname.slice('/packages/'.length));
      for (const project of projects.values()) {
        for (const release of project.releases) {
          const file = release.files.find((candidate) => candidate.filename === filename);
          if (file) return send(request, response, 200, 'application/octet-stream', file.content);
        }
      }
      return notFound(request, response);
    }

    if (pathname === simplePath) {
      const type = negotiate(request.headers.accept, mode === 'pypi' && !options.forceHtml ? [SIMPLE_JSON, SIMPLE_HTML, 'text/html'] : [SIMPLE_HTML, 'text/html']);
      const names = [...projects.values()].map((project) => project.name);
      if (type === SIMPLE_JSON) return send(request, response, 200, type, JSON.stringify({ meta: { 'api-version': '1.1' }, projects: names.map((name) => ({ name })) }));
      const links = names.map((name) => `<a href="${escapeHtml(normalize(name))}/">${escapeHtml(name)}</a>`).join('\n');
      return send(request, response, 200, type === 'text/html' ? 'text/html; charset=utf-8' : type, `<!DOCTYPE html><html><body>\n${links}\n</body></html>\n`);
    }

    if (pathname.startsWith(simplePath)) {
      const rest = pathname.slice(simplePath.length);
      const segment = rest.replace(/\/$/, '');
      if (segment.includes('/') || segment === '') return notFound(request, response);
      const name = normalize(decodeURIComponent(segment));
      // Warehouse: non-normalised names and the slash-less form answer 301 to the canonical URL.
      if (segment !== name || !rest.endsWith('/')) return redirect(response, `${simplePath}${name}/`);
      const project = projects.get(name);
      if (!project) return notFound(request, response);
      const type = negotiate(request.headers.accept, mode === 'pypi' && !options.forceHtml ? [SIMPLE_JSON, SIMPLE_HTML, 'text/html'] : [SIMPLE_HTML, 'text/html']);
      const headers = { vary: 'Accept', 'cache-control': 'max-age=600, public' };
      if (type === SIMPLE_JSON) return send(request, response, 200, type, simpleJson(project, pathname), headers);
      return send(request, response, 200, type === 'text/html' ? 'text/html; charset=utf-8' : type, simpleHtml(project, pathname), headers);
    }

    const api = /^\/pypi\/([^/]+)\/(?:([^/]+)\/)?json\/?$/.exec(pathname);
    if (api && mode === 'pypi') {
      const segment = decodeURIComponent(api[1] as string);
      const name = normalize(segment);
      if (segment !== name) return redirect(response, pathname.replace(`/pypi/${api[1]}/`, `/pypi/${name}/`));
      const project = projects.get(name);
      if (!project) return notFound(request, response);
      const headers = { 'cache-control': 'max-age=900, public', 'x-pypi-last-serial': '1000', 'access-control-allow-origin': '*' };
      if (api[2] === undefined) {
        const latest = latestRelease(project);
        const body = {
          info: jsonInfo(project, latest),
          last_serial: 1000,
          releases: Object.fromEntries(project.releases.map((release) => [release.version, release.files.map((file) => jsonFile(release, file))])),
          urls: latest ? latest.files.map((file) => jsonFile(latest, file)) : [],
          vulnerabilities: latest?.vulnerabilities ?? [],
        };
        return send(request, response, 200, 'application/json', JSON.stringify(body), headers);
      }
      const version = decodeURIComponent(api[2]);
      const release = project.releases.find((candidate) => sameVersion(candidate.version, version));
      if (!release) return notFound(request, response);
      const body = {
        info: jsonInfo(project, release),
        last_serial: 1000,
        urls: release.files.map((file) => jsonFile(release, file)),
        vulnerabilities: release.vulnerabilities ?? [],
      };
      return send(request, response, 200, 'application/json', JSON.stringify(body), headers);
    }
    return notFound(request, response);
  };

  const server: Server = createServer((request, response) => {
    try {
      handle(request, response);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    simpleUrl: `${origin}${simplePath}`,
    requests,
    route: (path, handler) => routes.set(path, handler),
    close: () => new Promise<void>((resolveClose) => {
      server.closeAllConnections();
      server.close(() => resolveClose());
    }),
  };
}

/**
 * A minimal HttpClient on Node's fetch, for tests only: follows redirects, returns 2xx/404/410,
 * maps other statuses to HttpError, caps bodies, and revalidates with If-None-Match. It refuses
 * every host but 127.0.0.1 so a test can never reach the internet.
 */
export function createFetchHttpClient(): HttpClient & { requests: HttpRequest[] } {
  const cache = new Map<string, { etag: string; response: HttpResponse }>();
  const requests: HttpRequest[] = [];
  return {
    requests,
    async request(request: HttpRequest): Promise<HttpResponse> {
      requests.push(request);
      request.signal?.throwIfAborted();
      const url = new URL(request.url);
      if (url.hostname !== '127.0.0.1') throw new HttpError('offline', `test client: refusing ${url.host}`);
      const headers: Record<string, string> = { ...request.headers };
      const cached = request.cache ? cache.get(request.cache.key) : undefined;
      if (cached) headers['if-none-match'] = cached.etag;
      let response: Response;
      try {
        response = await fetch(url, { method: request.method ?? 'GET', headers, signal: request.signal ?? null, redirect: 'follow' });
      } catch (error) {
        request.signal?.throwIfAborted();
        throw new HttpError('transient', `test client: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (response.status === 304 && cached) return { ...cached.response, fromCache: false };
      const body = await response.text();
      if (body.length > (request.maxBytes ?? 20 * 1024 * 1024)) throw new HttpError('invalid-response', 'test client: body over the size cap');
      const status = response.status;
      if (status === 429 || status >= 500) throw new HttpError('transient', `HTTP ${status} from ${url.host}`, status);
      if (status === 401 || status === 403) throw new HttpError('auth', `HTTP ${status} from ${url.host}`, status);
      if (!(status >= 200 && status <= 299) && status !== 404 && status !== 410) throw new HttpError('invalid-response', `HTTP ${status} from ${url.host}`, status);
      const result: HttpResponse = { status, headers: Object.fromEntries(response.headers), body, url: response.url, fromCache: false };
      const etag = response.headers.get('etag');
      if (request.cache && etag && status === 200) cache.set(request.cache.key, { etag, response: result });
      return result;
    },
  };
}
