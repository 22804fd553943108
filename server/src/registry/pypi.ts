/**
 * Python package index client (SPEC §5, PROTOCOLS A1–A6): the Simple API for versions, yanked
 * state and hashes (PEP 691 JSON, PEP 503 HTML for private indexes), then, where the index is
 * PyPI-like, Warehouse's JSON API for the summary, the project page, upload dates of HTML-only
 * answers and per-version vulnerabilities.
 *
 * A 404 from the Simple API is the only "no such project"; every other failure is `failed`.
 */
import type { Lookup, LookupFailureKind, PackageFacts, PackageRelease, Vulnerability } from '../core/facts';
import { normalizeName } from '../core/requirements/pep508';
import { HttpError, type HttpClient, type HttpResponse } from './http';
import { maskCredentials, normalizeIndexUrl, PYPI_SIMPLE_URL } from './pypi-index-config';
import { parseJsonProject, parseJsonVersion, type JsonProject } from './pypi-json';
import { earliest, groupReleases, parseSimpleHtml, parseSimpleJson, SIMPLE_ACCEPT, versionKey, type SimpleParseResult } from './pypi-simple';
import { cleanText } from './pypi-text';

export { PYPI_SIMPLE_URL } from './pypi-index-config';

/** PyPI's own client TTL for the JSON API is 15 minutes (`Cache-Control: max-age=900`, PROTOCOLS A5). */
export const PYPI_CACHE_TTL_SECONDS = 15 * 60;

export interface PypiClientOptions {
  http: HttpClient;
  /** Sent as `User-Agent` (PyPI asks for one naming the tool). */
  userAgent?: string;
  /** Cache lifetime of every answer (default 15 minutes). */
  ttlSeconds?: number;
  /** Body caps: Simple pages and project JSON (default 32 MiB), version JSON (default 4 MiB). */
  maxPageBytes?: number;
  maxVersionBytes?: number;
  /** At most this many versions' vulnerabilities per lookup (default 20). */
  maxVulnerabilityVersions?: number;
}

export interface PypiLookupOptions {
  /** Simple API base URL (default https://pypi.org/simple/). May carry `user:password@`. */
  index?: string;
  signal?: AbortSignal;
  /** Versions whose vulnerabilities to fetch into `PackageFacts.vulnerabilities` (PyPI-like indexes only). */
  vulnerabilitiesFor?: readonly string[];
}

/** What the JSON API says about one version. */
export interface PypiVersionFacts {
  /** PEP 503-normalised name. */
  name: string;
  /** The Simple API base URL, without credentials. */
  index: string;
  /** As asked. */
  version: string;
  /**
   * Known vulnerabilities (withdrawn ones dropped). Undefined when the index has no JSON API
   * (private indexes): unknown, which is not the same as none.
   */
  vulnerabilities?: Vulnerability[];
  summary?: string;
  requiresPython?: string;
  yanked?: boolean;
  yankedReason?: string;
  /** Earliest upload of the version's files. */
  uploadTime?: string;
}

export interface PypiClient {
  /** Releases, files, hashes and yanked state of a project; summary and vulnerabilities where the index offers them. */
  lookup(name: string, options?: PypiLookupOptions): Promise<Lookup<PackageFacts>>;
  /**
   * `/pypi/<name>/<version>/json`. `not-found` means the JSON API does not know that version;
   * whether the project exists is `lookup`'s question.
   */
  lookupVersion(name: string, version: string, options?: Omit<PypiLookupOptions, 'vulnerabilitiesFor'>): Promise<Lookup<PypiVersionFacts>>;
}

/** PEP 503 normalised form, after `normalizeName`. */
const NORMALIZED_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const VERSION_SHAPE = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;

interface IndexTarget {
  /** Base URL without credentials, ending in `/`: what facts, messages and cache keys name. */
  url: string;
  headers: Record<string, string>;
  /** `jsonApiBase(url)`: the JSON API root of a PyPI-like index, undefined for others. */
  apiBase: string | undefined;
}

type Failed = Extract<Lookup<never>, { status: 'failed' }>;

function failed(kind: LookupFailureKind, message: string): Failed {
  return { status: 'failed', kind, message };
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** Splits `user:password@` off the index URL into a Basic header (pip accepts credentials in index URLs, A6). */
function prepareIndex(index: string): IndexTarget | Failed {
  const normalized = normalizeIndexUrl(index);
  if (normalized === undefined) return failed('invalid-response', `${JSON.stringify(maskCredentials(index).slice(0, 200))} is not an http(s) index URL`);
  const url = new URL(normalized);
  const headers: Record<string, string> = {};
  if (url.username !== '' || url.password !== '') {
    let user: string;
    let password: string;
    try {
      user = decodeURIComponent(url.username);
      password = decodeURIComponent(url.password);
    } catch {
      return failed('auth', `the credentials in the index URL ${maskCredentials(normalized)} are not valid percent-encoding`);
    }
    url.username = '';
    url.password = '';
    // SPEC §5: credentials only over https (or to this machine).
    if (url.protocol !== 'https:' && !isLoopback(url.hostname)) {
      return failed('auth', `not sending the credentials for ${url.href} over plain http`);
    }
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  }
  return { url: url.href, headers, apiBase: jsonApiBase(url.href) };
}

/**
 * The JSON API root of a PyPI-like index: `https://host/…/simple/` → `https://host/…/pypi/`.
 * Only for Simple URLs ending in `/simple/` (PyPI, TestPyPI, Warehouse mirrors); devpi's
 * `/+simple/`, Artifactory or GitLab paths get undefined (A6).
 */
export function jsonApiBase(index: string): string | undefined {
  const normalized = normalizeIndexUrl(index);
  if (normalized === undefined) return undefined;
  const url = new URL(normalized);
  if (!/(?:^|\/)simple\/$/.test(url.pathname) || url.pathname.endsWith('+simple/')) return undefined;
  url.pathname = `${url.pathname.slice(0, -'simple/'.length)}pypi/`;
  url.username = '';
  url.password = '';
  url.search = '';
  return url.href;
}

/** Content negotiation result, dispatched on what the server sent, not on what was asked (PEP 691). */
function parseSimpleResponse(response: HttpResponse, normalizedName: string): SimpleParseResult {
  const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const body = response.body;
  const looksJson = /^\s*\{/.test(body);
  if (type.includes('json')) return parseSimpleJson(body, response.url, normalizedName);
  if (type === '' || type.includes('html')) {
    const html = parseSimpleHtml(body, response.url, normalizedName);
    // Some proxies label JSON as HTML: a page without anchors that parses as JSON is read as JSON.
    if (html.ok && html.page.files.length === 0 && html.page.skipped === 0 && looksJson) {
      const json = parseSimpleJson(body, response.url, normalizedName);
      if (json.ok) return json;
    }
    if (html.ok && html.page.files.length === 0 && html.page.skipped > 0) {
      // A login page or portal answering 200 links elsewhere; a project page links only to its files.
      return { ok: false, message: `the page links to ${html.page.skipped} files, none of them a distribution of ${normalizedName}` };
    }
    return html;
  }
  if (looksJson) return parseSimpleJson(body, response.url, normalizedName);
  return { ok: false, message: `unexpected content type ${JSON.stringify(cleanText(type, 100))} from the Simple API` };
}

export function createPypiClient(options: PypiClientOptions): PypiClient {
  const http = options.http;
  const ttlSeconds = options.ttlSeconds ?? PYPI_CACHE_TTL_SECONDS;
  const maxPageBytes = options.maxPageBytes ?? 32 * 1024 * 1024;
  const maxVersionBytes = options.maxVersionBytes ?? 4 * 1024 * 1024;
  const maxVulnerabilityVersions = options.maxVulnerabilityVersions ?? 20;
  const baseHeaders: Record<string, string> = options.userAgent ? { 'user-agent': options.userAgent } : {};
  // A file's lookups all name the same few indexes: each one is read once, not once per project.
  const targets = new Map<string, IndexTarget>();
  const targetFor = (index: string): IndexTarget | Failed => {
    const known = targets.get(index);
    if (known !== undefined) return known;
    const target = prepareIndex(index);
    if ('status' in target) return target;
    if (targets.size >= 64) targets.clear();
    targets.set(index, target);
    return target;
  };

  /** Throws the abort reason when the caller cancelled; everything else becomes `failed`. */
  function failure(error: unknown, signal: AbortSignal | undefined, what: string): Failed {
    if (signal?.aborted) throw signal.reason ?? error;
    const detail = cleanText(error instanceof Error ? error.message : String(error), 300);
    if (error instanceof HttpError) return failed(error.kind, `${what}: ${detail}`);
    return failed('transient', `${what}: ${detail}`);
  }

  async function fetchVersion(target: IndexTarget, apiBase: string, name: string, version: string, signal: AbortSignal | undefined): Promise<Lookup<PypiVersionFacts>> {
    const what = `${target.url} (JSON API) for ${name} ${cleanText(version, 60)}`;
    let response: HttpResponse;
    try {
      response = await http.request({
        url: `${apiBase}${name}/${encodeURIComponent(version)}/json`,
        headers: { ...baseHeaders, ...target.headers, accept: 'application/json' },
        signal,
        maxBytes: maxVersionBytes,
        cache: { key: `pypi:${target.url}:${name}:${version}:json`, ttlSeconds },
      });
    } catch (error) {
      return failure(error, signal, `Could not ask ${what}`);
    }
    if (response.status === 404 || response.status === 410) return { status: 'not-found', index: target.url };
    if (response.status < 200 || response.status > 299) return failed('invalid-response', `${what}: unexpected HTTP status ${response.status}`);
    const parsed = parseJsonVersion(response.body);
    if (!parsed.ok) return failed('invalid-response', `${what}: ${parsed.message}`);
    const value = parsed.value;
    const facts: PypiVersionFacts = { name, index: target.url, version, vulnerabilities: value.vulnerabilities };
    if (value.summary !== undefined) facts.summary = value.summary;
    if (value.requiresPython !== undefined) facts.requiresPython = value.requiresPython;
    if (value.yanked !== undefined) facts.yanked = value.yanked;
    if (value.yankedReason !== undefined) facts.yankedReason = value.yankedReason;
    const uploadTime = earliest([...value.uploadTimes.values()]);
    if (uploadTime !== undefined) facts.uploadTime = uploadTime;
    return { status: 'found', facts };
  }

  async function lookupVersion(name: string, version: string, lookupOptions: Omit<PypiLookupOptions, 'vulnerabilitiesFor'> = {}): Promise<Lookup<PypiVersionFacts>> {
    const normalized = normalizeName(name.trim());
    if (!NORMALIZED_NAME.test(normalized) || normalized.length > 200) return failed('invalid-response', `${JSON.stringify(cleanText(name, 100))} is not a valid project name`);
    const trimmedVersion = version.trim();
    if (!VERSION_SHAPE.test(trimmedVersion) || trimmedVersion.length > 128) return failed('invalid-response', `${JSON.stringify(cleanText(version, 100))} is not a version`);
    const target = targetFor(lookupOptions.index ?? PYPI_SIMPLE_URL);
    if ('status' in target) return target;
    const apiBase = target.apiBase;
    if (apiBase === undefined) return { status: 'found', facts: { name: normalized, index: target.url, version: trimmedVersion } };
    return fetchVersion(target, apiBase, normalized, trimmedVersion, lookupOptions.signal);
  }

  async function lookup(name: string, lookupOptions: PypiLookupOptions = {}): Promise<Lookup<PackageFacts>> {
    const normalized = normalizeName(name.trim());
    if (!NORMALIZED_NAME.test(normalized) || normalized.length > 200) return failed('invalid-response', `${JSON.stringify(cleanText(name, 100))} is not a valid project name`);
    const target = targetFor(lookupOptions.index ?? PYPI_SIMPLE_URL);
    if ('status' in target) return target;
    const signal = lookupOptions.signal;

    // PEP 503: clients request the normalised name with a trailing slash and must not rely on redirects.
    let response: HttpResponse;
    try {
      response = await http.request({
        url: `${target.url}${normalized}/`,
        headers: { ...baseHeaders, ...target.headers, accept: SIMPLE_ACCEPT },
        signal,
        maxBytes: maxPageBytes,
        cache: { key: `pypi:${target.url}:${normalized}`, ttlSeconds },
      });
    } catch (error) {
      return failure(error, signal, `Could not ask ${target.url} about ${normalized}`);
    }
    if (response.status === 404 || response.status === 410) return { status: 'not-found', index: target.url };
    if (response.status < 200 || response.status > 299) {
      return failed('invalid-response', `${target.url} answered HTTP ${response.status} for ${normalized}`);
    }
    const parsed = parseSimpleResponse(response, normalized);
    if (!parsed.ok) return failed('invalid-response', `${target.url} for ${normalized}: ${parsed.message}`);
    const facts: PackageFacts = { name: normalized, index: target.url, releases: groupReleases(parsed.page) };

    if (target.apiBase !== undefined) await addJsonApiFacts(facts, target, target.apiBase, lookupOptions);
    return { status: 'found', facts };
  }

  /** `/pypi/<name>/json`, parsed; undefined when the index could not answer it (only the extras are lost). */
  async function fetchProject(target: IndexTarget, apiBase: string, name: string, uploadTimes: boolean, signal: AbortSignal | undefined): Promise<JsonProject | undefined> {
    let response: HttpResponse;
    try {
      response = await http.request({
        url: `${apiBase}${name}/json`,
        headers: { ...baseHeaders, ...target.headers, accept: 'application/json' },
        signal,
        maxBytes: maxPageBytes,
        cache: { key: `pypi:${target.url}:${name}:json`, ttlSeconds },
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      return undefined;
    }
    if (response.status < 200 || response.status > 299) return undefined;
    const project = parseJsonProject(response.body, { uploadTimes });
    return project.ok ? project.value : undefined;
  }

  /** Summary, project page, dates and vulnerabilities from the JSON API; its absence or failure costs only these extras. */
  async function addJsonApiFacts(facts: PackageFacts, target: IndexTarget, apiBase: string, lookupOptions: PypiLookupOptions): Promise<void> {
    const signal = lookupOptions.signal;
    const vulnerabilities: Record<string, Vulnerability[]> = {};
    // The release a version string names (`1.0` is the release `1.0.0`); made on first use.
    let releaseByKey: Map<string, string> | undefined;
    const releaseVersion = (version: string): string => {
      if (releaseByKey === undefined) {
        releaseByKey = new Map();
        for (const release of facts.releases) {
          const key = versionKey(release.version);
          if (!releaseByKey.has(key)) releaseByKey.set(key, release.version);
        }
      }
      return releaseByKey.get(versionKey(version)) ?? version;
    };

    const wanted = new Map<string, string>();
    for (const version of lookupOptions.vulnerabilitiesFor ?? []) {
      const trimmed = version.trim();
      if (!VERSION_SHAPE.test(trimmed) || trimmed.length > 128) continue;
      const key = versionKey(trimmed);
      if (!wanted.has(key) && wanted.size < maxVulnerabilityVersions) wanted.set(key, trimmed);
    }
    // The project's JSON and the pinned versions' JSON do not depend on each other: asked at once
    // (still queued behind the HTTP client's per-host connection limit), a lookup waits for two
    // answers in a row instead of three. Applied in a fixed order: the project's first, then each
    // version's (a version's own vulnerability list wins; its summary only fills a missing one).
    const [project, answers] = await Promise.all([
      // Upload dates are read only when a file has none (HTML Simple pages); fillUploadTimes fills just those.
      fetchProject(target, apiBase, facts.name, facts.releases.some((release) => release.files.some((file) => file.uploadTime === undefined)), signal),
      Promise.all([...wanted.values()].map(async (version) => ({ version, answer: await fetchVersion(target, apiBase, facts.name, version, signal) }))),
    ]);
    if (project !== undefined) {
      if (project.summary !== undefined) facts.summary = project.summary;
      if (project.projectUrl !== undefined) facts.projectUrl = project.projectUrl;
      if (project.projectUrls !== undefined) facts.projectUrls = project.projectUrls;
      if (project.version !== undefined && VERSION_SHAPE.test(project.version)) vulnerabilities[releaseVersion(project.version)] = project.vulnerabilities;
      fillUploadTimes(facts.releases, project.uploadTimes);
    }
    for (const { version, answer } of answers) {
      if (answer.status !== 'found' || answer.facts.vulnerabilities === undefined) continue;
      vulnerabilities[releaseVersion(version)] = answer.facts.vulnerabilities;
      if (facts.summary === undefined && answer.facts.summary !== undefined) facts.summary = answer.facts.summary;
    }
    if (Object.keys(vulnerabilities).length > 0) facts.vulnerabilities = vulnerabilities;
  }

  return { lookup, lookupVersion };
}

/** Upload dates from the JSON API for files the Simple API gave none (PEP 503 HTML has no dates). */
function fillUploadTimes(releases: PackageRelease[], uploadTimes: ReadonlyMap<string, string>): void {
  if (uploadTimes.size === 0) return;
  for (const release of releases) {
    let changed = false;
    for (const file of release.files) {
      if (file.uploadTime !== undefined) continue;
      const time = uploadTimes.get(file.filename);
      if (time !== undefined) {
        file.uploadTime = time;
        changed = true;
      }
    }
    if (changed) {
      const time = earliest(release.files.map((file) => file.uploadTime));
      if (time !== undefined) release.uploadTime = time;
    }
  }
}
