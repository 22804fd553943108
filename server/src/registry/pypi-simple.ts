/**
 * The Simple Repository API, both serialisations, parsed defensively into the same shape:
 * PEP 691 JSON (with PEP 700 `versions`/`upload-time`) and PEP 503 HTML (anchors with
 * `#sha256=` fragments, `data-requires-python`, PEP 592 `data-yanked`).
 * https://packaging.python.org/en/latest/specifications/simple-repository-api/
 */
import { clean, compare } from '@renovatebot/pep440';
import type { PackageRelease, ReleaseFile } from '../core/facts';
import { normalizeName } from '../core/requirements/pep508';
import { isValidVersion } from '../core/versions/pep440';
import { cleanText, httpUrl, isoTime, optionalText, unescapeHtml } from './pypi-text';

/** PEP 691: the Accept header that asks for JSON and still takes HTML from older servers. */
export const SIMPLE_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

/** One file listed on a project page, with the version its filename carries. */
export interface SimpleFile {
  filename: string;
  version: string;
  url?: string;
  hashes: Record<string, string>;
  requiresPython?: string;
  uploadTime?: string;
  yanked: boolean;
  yankedReason?: string;
}

export interface SimplePage {
  files: SimpleFile[];
  /** PEP 700 `versions` (JSON only): may include versions without files. */
  versions: string[];
  /** `meta.api-version` / `pypi:repository-version`, when given. */
  apiVersion?: string;
  /** Entries dropped: not objects, no filename, a filename that is not a distribution of this project. */
  skipped: number;
}

export type SimpleParseResult = { ok: true; page: SimplePage } | { ok: false; message: string };

/** More entries than this on one page are ignored (the largest PyPI projects have a few tens of thousands of files). */
const MAX_FILES = 200_000;
const MAX_VERSION_LENGTH = 128;
const MAX_FILENAME_LENGTH = 300;

/** Archive suffixes pip accepts for source distributions (`pip._internal.utils.filetypes`). */
const SDIST_SUFFIXES = ['.tar.gz', '.tgz', '.zip', '.tar.bz2', '.tbz', '.tar.xz', '.txz', '.tlz', '.tar.lz', '.tar.lzma', '.tar'];

const VERSION_SHAPE = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;

/**
 * The version in a distribution filename, if the file belongs to `normalizedName`:
 * wheels `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl` (binary distribution format),
 * eggs `{name}-{version}(-pyX.Y(-{platform})?)?.egg`, sdists `{name}-{version}.tar.gz|.zip|…`,
 * where the name part may be written with any of `-`, `_`, `.` and any case (PEP 503 / pip's
 * `_find_name_version_sep`).
 */
export function versionFromFilename(filename: string, normalizedName: string): string | undefined {
  if (filename.length > MAX_FILENAME_LENGTH) return undefined;
  const lower = filename.toLowerCase();
  let version: string | undefined;
  if (lower.endsWith('.whl')) {
    const parts = filename.slice(0, -4).split('-');
    if (parts.length !== 5 && parts.length !== 6) return undefined;
    if (parts.length === 6 && !/^\d/.test(parts[2] as string)) return undefined; // build tag starts with a digit
    if (normalizeName(parts[0] as string) !== normalizedName) return undefined;
    version = parts[1];
  } else if (lower.endsWith('.egg')) {
    const parts = filename.slice(0, -4).split('-');
    if (parts.length < 2 || normalizeName(parts[0] as string) !== normalizedName) return undefined;
    version = parts[1];
  } else {
    const suffix = SDIST_SUFFIXES.find((candidate) => lower.endsWith(candidate));
    if (!suffix) return undefined;
    const stem = filename.slice(0, -suffix.length);
    for (let dash = stem.indexOf('-'); dash !== -1; dash = stem.indexOf('-', dash + 1)) {
      if (normalizeName(stem.slice(0, dash)) === normalizedName) {
        version = stem.slice(dash + 1);
        break;
      }
    }
  }
  if (version === undefined || version.length === 0 || version.length > MAX_VERSION_LENGTH || !VERSION_SHAPE.test(version)) return undefined;
  return version;
}

/** A filename from a registry: a single path segment without control characters. */
function safeFilename(value: string): string | undefined {
  const name = value.trim();
  // eslint-disable-next-line no-control-regex
  if (name === '' || name.length > MAX_FILENAME_LENGTH || /[/\\\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..') return undefined;
  return name;
}

/** Hash names and hex digests only; anything else is dropped. */
function cleanHashes(value: unknown): Record<string, string> {
  const hashes: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return hashes;
  let seen = 0;
  // The first 16 own enumerable keys, in `Object.entries` order, without copying the rest.
  for (const name in value) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) continue;
    if (seen++ >= 16) break;
    const digest = (value as Record<string, unknown>)[name];
    if (!/^[a-z0-9_]{1,20}$/i.test(name) || typeof digest !== 'string' || !/^[0-9a-f]{8,256}$/i.test(digest)) continue;
    hashes[name.toLowerCase()] = digest.toLowerCase();
  }
  return hashes;
}

/** PEP 629: a major version above 1 must not be read as v1. */
function unsupportedApiVersion(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined) return undefined;
  const major = Number.parseInt(apiVersion, 10);
  return Number.isFinite(major) && major > 1 ? `the index speaks Simple API version ${cleanText(apiVersion, 20)}, newer than 1.x` : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** PEP 691 JSON project page. `pageUrl` is the URL that answered (relative file URLs resolve against it). */
export function parseSimpleJson(body: string, pageUrl: string, normalizedName: string): SimpleParseResult {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { ok: false, message: 'the Simple API answered with invalid JSON' };
  }
  if (!isRecord(data)) return { ok: false, message: 'the Simple API answer is not a JSON object' };
  const meta = data.meta;
  const apiVersion = isRecord(meta) && typeof meta['api-version'] === 'string' ? meta['api-version'] : undefined;
  const unsupported = unsupportedApiVersion(apiVersion);
  if (unsupported) return { ok: false, message: unsupported };
  if (!Array.isArray(data.files)) return { ok: false, message: 'the Simple API answer has no "files" list' };

  const files: SimpleFile[] = [];
  let skipped = 0;
  const entries = data.files as unknown[];
  const count = Math.min(entries.length, MAX_FILES);
  for (let index = 0; index < count; index++) {
    const entry = entries[index];
    if (!isRecord(entry) || typeof entry.filename !== 'string') {
      skipped += 1;
      continue;
    }
    const filename = safeFilename(entry.filename);
    const version = filename === undefined ? undefined : versionFromFilename(filename, normalizedName);
    if (filename === undefined || version === undefined) {
      skipped += 1;
      continue;
    }
    // PEP 592 / PEP 691: `true` or a non-empty reason means yanked; pip treats any other truthy value as yanked without reason.
    const yankedValue = entry.yanked;
    const yanked = typeof yankedValue === 'string' ? yankedValue !== '' : Boolean(yankedValue);
    const file: SimpleFile = { filename, version, hashes: cleanHashes(entry.hashes), yanked };
    const url = httpUrl(entry.url, pageUrl);
    if (url !== undefined) file.url = stripFragment(url);
    const requiresPython = optionalText(entry['requires-python']);
    if (requiresPython !== undefined) file.requiresPython = requiresPython;
    const uploadTime = isoTime(entry['upload-time']);
    if (uploadTime !== undefined) file.uploadTime = uploadTime;
    if (yanked && typeof yankedValue === 'string') {
      const reason = optionalText(yankedValue);
      if (reason !== undefined) file.yankedReason = reason;
    }
    files.push(file);
  }
  const versions = Array.isArray(data.versions)
    ? (data.versions as unknown[]).slice(0, MAX_FILES).filter((version): version is string =>
      typeof version === 'string' && version.length <= MAX_VERSION_LENGTH && VERSION_SHAPE.test(version))
    : [];
  const page: SimplePage = { files, versions, skipped };
  if (apiVersion !== undefined) page.apiVersion = cleanText(apiVersion, 20);
  return { ok: true, page };
}

function stripFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

interface Tag {
  name: string;
  closing: boolean;
  attributes: Map<string, string>;
  /** Index just after the tag's `>`. */
  end: number;
}

/** Elements whose content is not markup: skipped whole so an `<a>` inside a script never counts. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'template', 'noscript', 'xmp', 'iframe', 'noembed', 'noframes']);

/**
 * Reads one tag starting at `start` (which holds `<`). Attribute values may contain raw
 * `<` and `>` inside quotes (Artifactory writes `data-requires-python=">=3.8"` unescaped).
 */
function readTag(html: string, start: number): Tag | undefined {
  const head = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/y;
  head.lastIndex = start;
  const match = head.exec(html);
  if (!match) return undefined;
  const tag: Tag = { name: (match[2] as string).toLowerCase(), closing: match[1] === '/', attributes: new Map(), end: html.length };
  let i = head.lastIndex;
  const length = html.length;
  while (i < length) {
    const char = html[i] as string;
    if (char === '>') {
      tag.end = i + 1;
      return tag;
    }
    if (/\s|\//.test(char)) {
      i += 1;
      continue;
    }
    let nameEnd = i;
    while (nameEnd < length && !/[\s/>=]/.test(html[nameEnd] as string)) nameEnd += 1;
    if (nameEnd === i) nameEnd += 1; // a stray `=`
    const name = html.slice(i, nameEnd).toLowerCase();
    i = nameEnd;
    while (i < length && /\s/.test(html[i] as string)) i += 1;
    let value = '';
    if (html[i] === '=') {
      i += 1;
      while (i < length && /\s/.test(html[i] as string)) i += 1;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        const valueEnd = close === -1 ? length : close;
        value = html.slice(i + 1, valueEnd);
        i = valueEnd + 1;
      } else {
        let valueEnd = i;
        while (valueEnd < length && !/[\s>]/.test(html[valueEnd] as string)) valueEnd += 1;
        value = html.slice(i, valueEnd);
        i = valueEnd;
      }
    }
    // HTML: the first of duplicate attributes wins.
    if (!tag.attributes.has(name)) tag.attributes.set(name, unescapeHtml(value));
  }
  return tag;
}

/**
 * Finds `</name` (any case) at or after `from`, or -1. Remembers the last answer per name so a
 * page of unclosed anchors is not searched to its end once per anchor.
 */
function closingFinder(html: string): (name: string, from: number) => number {
  const last = new Map<string, number>();
  return (name, from) => {
    const previous = last.get(name);
    // Starts only move forward, so an earlier answer at or after `from` is still the first one.
    if (previous !== undefined && (previous === -1 || previous >= from)) return previous;
    const pattern = new RegExp(`</${name}`, 'gi');
    pattern.lastIndex = from;
    const found = pattern.exec(html)?.index ?? -1;
    last.set(name, found);
    return found;
  };
}

/** PEP 503 HTML project page (with PEP 592 and PEP 629 attributes; PEP 658/714 metadata attributes are ignored). */
export function parseSimpleHtml(body: string, pageUrl: string, normalizedName: string): SimpleParseResult {
  const findClosing = closingFinder(body);
  const files: SimpleFile[] = [];
  let skipped = 0;
  let apiVersion: string | undefined;
  let base = pageUrl;
  let baseSeen = false;
  let anchors = 0;
  let i = 0;
  while (i < body.length && anchors < MAX_FILES) {
    const lt = body.indexOf('<', i);
    if (lt === -1) break;
    if (body.startsWith('<!--', lt)) {
      const end = body.indexOf('-->', lt + 4);
      i = end === -1 ? body.length : end + 3;
      continue;
    }
    const tag = readTag(body, lt);
    if (!tag) {
      i = lt + 1;
      continue;
    }
    i = tag.end;
    if (tag.closing) continue;
    if (RAW_TEXT.has(tag.name)) {
      const close = findClosing(tag.name, i);
      i = close === -1 ? body.length : close;
      continue;
    }
    if (tag.name === 'base' && !baseSeen) {
      // pip resolves links against `<base href>` when the page has one.
      const href = httpUrl(tag.attributes.get('href'), pageUrl);
      if (href !== undefined) {
        base = href;
        baseSeen = true;
      }
      continue;
    }
    if (tag.name === 'meta') {
      if (tag.attributes.get('name') === 'pypi:repository-version') apiVersion = tag.attributes.get('content');
      continue;
    }
    if (tag.name !== 'a') continue;
    anchors += 1;
    // The anchor's text up to the next tag: PEP 503 says it is the filename, so it is short and plain.
    const nextTag = body.indexOf('<', i);
    const text = unescapeHtml(body.slice(i, Math.min(nextTag === -1 ? body.length : nextTag, i + MAX_FILENAME_LENGTH + 1)));
    const file = fileFromAnchor(tag.attributes, text, base, normalizedName);
    if (file) files.push(file);
    else skipped += 1;
  }
  const unsupported = unsupportedApiVersion(apiVersion);
  if (unsupported) return { ok: false, message: unsupported };
  const page: SimplePage = { files, versions: [], skipped };
  if (apiVersion !== undefined) page.apiVersion = cleanText(apiVersion, 20);
  return { ok: true, page };
}

function fileFromAnchor(attributes: Map<string, string>, text: string, base: string, normalizedName: string): SimpleFile | undefined {
  const href = attributes.get('href');
  if (href === undefined) return undefined;
  const absolute = httpUrl(href, base);
  let fromUrl: string | undefined;
  const hashes: Record<string, string> = {};
  if (absolute !== undefined) {
    const url = new URL(absolute);
    // PEP 503: `#<hashname>=<hexdigest>`.
    const fragment = /^#([a-z0-9_]{1,20})=([0-9a-f]{8,256})$/i.exec(url.hash);
    if (fragment) hashes[(fragment[1] as string).toLowerCase()] = (fragment[2] as string).toLowerCase();
    const segment = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    try {
      fromUrl = safeFilename(decodeURIComponent(segment));
    } catch {
      fromUrl = undefined;
    }
  }
  // The file pip downloads is named by the URL; the anchor text (which PEP 503 says must equal it) is the fallback.
  let filename = fromUrl;
  let version = filename === undefined ? undefined : versionFromFilename(filename, normalizedName);
  if (version === undefined) {
    filename = safeFilename(text);
    version = filename === undefined ? undefined : versionFromFilename(filename, normalizedName);
  }
  if (filename === undefined || version === undefined) return undefined;
  const yanked = attributes.has('data-yanked');
  const file: SimpleFile = { filename, version, hashes, yanked };
  if (absolute !== undefined) file.url = stripFragment(absolute);
  const requiresPython = optionalText(attributes.get('data-requires-python'));
  if (requiresPython !== undefined) file.requiresPython = requiresPython;
  if (yanked) {
    const reason = optionalText(attributes.get('data-yanked'));
    if (reason !== undefined) file.yankedReason = reason;
  }
  return file;
}

/**
 * Two spellings of one version (`1.0` and `1.0.0`, `2.0RC1` and `2.0rc1`) are one release,
 * as PyPI's canonical versions are; strings that are not PEP 440 only match themselves.
 */
export function versionKey(version: string): string {
  // The same few version strings recur on every page (every file of a release, `1.0.0` in many
  // projects), and each computation runs the PEP 440 pattern twice: answers are remembered.
  const known = versionKeys.get(version);
  if (known !== undefined) return known;
  const key = computeVersionKey(version);
  if (version.length <= MAX_VERSION_LENGTH) {
    if (versionKeys.size >= MAX_VERSION_KEYS) versionKeys.clear();
    versionKeys.set(version, key);
  }
  return key;
}

const MAX_VERSION_KEYS = 4096;
const versionKeys = new Map<string, string>();

function computeVersionKey(version: string): string {
  if (!isValidVersion(version)) return `legacy:${version.toLowerCase()}`;
  const normalized = clean(version) ?? version.toLowerCase();
  const match = /^(\d+!)?(\d+(?:\.\d+)*)(.*)$/.exec(normalized);
  if (!match) return normalized;
  const release = (match[2] as string).replace(/(?:\.0+)+$/, '').replace(/(^|\.)0+(?=\d)/g, '$1');
  return `${match[1] ?? ''}${release}${match[3] ?? ''}`;
}

/**
 * Files grouped into releases, ascending by PEP 440 (strings that are not PEP 440 first, in
 * page order). PEP 592: a release is yanked only when every one of its files is.
 */
export function groupReleases(page: SimplePage): PackageRelease[] {
  const byKey = new Map<string, { version: string; files: SimpleFile[] }>();
  for (const version of page.versions) {
    const key = versionKey(version);
    if (!byKey.has(key)) byKey.set(key, { version, files: [] });
  }
  for (const file of page.files) {
    const key = versionKey(file.version);
    const group = byKey.get(key);
    if (group) group.files.push(file);
    else byKey.set(key, { version: file.version, files: [file] });
  }
  const releases: PackageRelease[] = [];
  for (const { version, files } of byKey.values()) {
    const releaseFiles: ReleaseFile[] = files.map((file) => {
      const entry: ReleaseFile = { filename: file.filename, hashes: file.hashes, yanked: file.yanked };
      if (file.url !== undefined) entry.url = file.url;
      if (file.requiresPython !== undefined) entry.requiresPython = file.requiresPython;
      if (file.uploadTime !== undefined) entry.uploadTime = file.uploadTime;
      return entry;
    });
    const yanked = files.length > 0 && files.every((file) => file.yanked);
    const release: PackageRelease = { version, yanked, files: releaseFiles };
    if (yanked) {
      const reason = files.find((file) => file.yankedReason !== undefined)?.yankedReason;
      if (reason !== undefined) release.yankedReason = reason;
    }
    const uploadTime = earliest(files.map((file) => file.uploadTime));
    if (uploadTime !== undefined) release.uploadTime = uploadTime;
    const requiresPython = (files.find((file) => !file.yanked && file.requiresPython !== undefined) ?? files.find((file) => file.requiresPython !== undefined))?.requiresPython;
    if (requiresPython !== undefined) release.requiresPython = requiresPython;
    releases.push(release);
  }
  return sortReleases(releases);
}

export function earliest(times: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  let bestTime = Number.NaN;
  for (const time of times) {
    if (time === undefined) continue;
    if (best === undefined) {
      best = time;
      bestTime = Date.parse(time);
      continue;
    }
    const parsed = Date.parse(time);
    if (parsed < bestTime) {
      best = time;
      bestTime = parsed;
    }
  }
  return best;
}

function sortReleases(releases: PackageRelease[]): PackageRelease[] {
  const legacy: PackageRelease[] = [];
  const valid: PackageRelease[] = [];
  for (const release of releases) (isValidVersion(release.version) ? valid : legacy).push(release);
  valid.sort((a, b) => compare(a.version, b.version));
  return [...legacy, ...valid];
}
