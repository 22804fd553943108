/**
 * Warehouse's JSON API (`/pypi/<name>/json`, `/pypi/<name>/<version>/json`), PyPI-specific:
 * summaries, project links, upload dates and OSV vulnerabilities. Every field is optional
 * here because private imitations of this API vary (PROTOCOLS A1).
 * https://docs.pypi.org/api/json/
 */
import type { Vulnerability } from '../core/facts';
import { cleanText, httpUrl, isoTime, optionalText } from './pypi-text';

export type JsonParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** What the project endpoint adds to the Simple API's answer. */
export interface JsonProject {
  summary?: string;
  /** `info.project_url` (the project page on the index). */
  projectUrl?: string;
  /** `info.project_urls` and `info.home_page`: label → http(s) URL. */
  projectUrls?: Record<string, string>;
  /** `info.version`: the release PyPI calls latest; its `vulnerabilities` are the top-level ones. */
  version?: string;
  /** Of `version` only (A1.3: the project endpoint describes its selected release). */
  vulnerabilities: Vulnerability[];
  /** Filename → upload time, from `releases` and `urls` (the HTML Simple API has no dates). */
  uploadTimes: Map<string, string>;
}

/** One version's view. */
export interface JsonVersion {
  version?: string;
  summary?: string;
  projectUrl?: string;
  requiresPython?: string;
  yanked?: boolean;
  yankedReason?: string;
  vulnerabilities: Vulnerability[];
  uploadTimes: Map<string, string>;
}

const MAX_VULNERABILITIES = 200;
const MAX_FILES = 200_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(body: string, what: string): JsonParseResult<Record<string, unknown>> {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { ok: false, message: `the JSON API answered with invalid JSON for ${what}` };
  }
  if (!isRecord(data)) return { ok: false, message: `the JSON API answer for ${what} is not a JSON object` };
  if (!isRecord(data.info)) return { ok: false, message: `the JSON API answer for ${what} has no "info" object` };
  return { ok: true, value: data };
}

/**
 * `/pypi/<name>/json`. `uploadTimes: false` leaves `uploadTimes` empty, for a caller whose files
 * all have dates already (PEP 700 JSON Simple pages): a large project lists thousands of files.
 */
export function parseJsonProject(body: string, options: { uploadTimes?: boolean } = {}): JsonParseResult<JsonProject> {
  const parsed = parseObject(body, 'the project');
  if (!parsed.ok) return parsed;
  const data = parsed.value;
  const info = data.info as Record<string, unknown>;
  const uploadTimes = new Map<string, string>();
  const wantTimes = options.uploadTimes !== false;
  if (wantTimes && isRecord(data.releases)) {
    let count = 0;
    for (const files of Object.values(data.releases)) {
      if (!Array.isArray(files)) continue;
      count += files.length;
      if (count > MAX_FILES) break;
      collectUploadTimes(files, uploadTimes);
    }
  }
  if (wantTimes && Array.isArray(data.urls)) collectUploadTimes(data.urls, uploadTimes);
  const project: JsonProject = { vulnerabilities: parseVulnerabilities(data.vulnerabilities), uploadTimes };
  const summary = optionalText(info.summary);
  if (summary !== undefined) project.summary = summary;
  const projectUrl = httpUrl(info.project_url) ?? httpUrl(info.package_url);
  if (projectUrl !== undefined) project.projectUrl = projectUrl;
  const projectUrls = parseProjectUrls(info);
  if (projectUrls !== undefined) project.projectUrls = projectUrls;
  const version = optionalText(info.version, 128);
  if (version !== undefined) project.version = version;
  return { ok: true, value: project };
}

const MAX_PROJECT_URLS = 30;

/** `info.project_urls` (label → URL) and the legacy `info.home_page`; only http(s) URLs are kept. */
function parseProjectUrls(info: Record<string, unknown>): Record<string, string> | undefined {
  // Entries, then `Object.fromEntries`: a label such as `__proto__` stays a plain key.
  const entries: [string, string][] = [];
  if (isRecord(info.project_urls)) {
    for (const [label, value] of Object.entries(info.project_urls)) {
      if (entries.length >= MAX_PROJECT_URLS) break;
      const name = cleanText(label, 60);
      const url = httpUrl(value);
      if (name !== '' && url !== undefined && !entries.some(([known]) => known === name)) entries.push([name, url]);
    }
  }
  const homePage = httpUrl(info.home_page);
  if (homePage !== undefined && !entries.some(([name, url]) => url === homePage || name === 'Homepage')) entries.push(['Homepage', homePage]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** `/pypi/<name>/<version>/json`. */
export function parseJsonVersion(body: string): JsonParseResult<JsonVersion> {
  const parsed = parseObject(body, 'the version');
  if (!parsed.ok) return parsed;
  const data = parsed.value;
  const info = data.info as Record<string, unknown>;
  const uploadTimes = new Map<string, string>();
  if (Array.isArray(data.urls)) collectUploadTimes(data.urls, uploadTimes);
  const result: JsonVersion = { vulnerabilities: parseVulnerabilities(data.vulnerabilities), uploadTimes };
  const version = optionalText(info.version, 128);
  if (version !== undefined) result.version = version;
  const summary = optionalText(info.summary);
  if (summary !== undefined) result.summary = summary;
  const projectUrl = httpUrl(info.project_url) ?? httpUrl(info.package_url);
  if (projectUrl !== undefined) result.projectUrl = projectUrl;
  const requiresPython = optionalText(info.requires_python);
  if (requiresPython !== undefined) result.requiresPython = requiresPython;
  if (typeof info.yanked === 'boolean') result.yanked = info.yanked;
  const reason = info.yanked === true ? optionalText(info.yanked_reason) : undefined;
  if (reason !== undefined) result.yankedReason = reason;
  return { ok: true, value: result };
}

function collectUploadTimes(files: unknown[], into: Map<string, string>): void {
  for (const file of files) {
    if (!isRecord(file) || typeof file.filename !== 'string' || file.filename.length > 300) continue;
    const time = isoTime(file.upload_time_iso_8601) ?? isoTime(file.upload_time, true);
    if (time !== undefined) into.set(file.filename, time);
  }
}

/**
 * `vulnerabilities` entries (OSV data): withdrawn advisories are dropped, entries without an
 * id are skipped, text is cleaned and clipped.
 */
export function parseVulnerabilities(value: unknown): Vulnerability[] {
  if (!Array.isArray(value)) return [];
  const result: Vulnerability[] = [];
  for (const entry of value) {
    if (result.length >= MAX_VULNERABILITIES) break;
    if (!isRecord(entry)) continue;
    const id = optionalText(entry.id, 100);
    if (id === undefined) continue;
    // A withdrawn advisory no longer applies (OSV `withdrawn` timestamp).
    if (entry.withdrawn !== undefined && entry.withdrawn !== null && entry.withdrawn !== '' && entry.withdrawn !== false) continue;
    const vulnerability: Vulnerability = {
      id,
      aliases: stringList(entry.aliases, 100),
      fixedIn: stringList(entry.fixed_in, 128),
    };
    const summary = optionalText(entry.summary) ?? (typeof entry.details === 'string' ? optionalText(firstLine(entry.details)) : undefined);
    if (summary !== undefined) vulnerability.summary = summary;
    const link = httpUrl(entry.link);
    if (link !== undefined) vulnerability.link = link;
    result.push(vulnerability);
  }
  return result;
}

function firstLine(text: string): string {
  const bounded = text.slice(0, 2000).trim();
  const newline = bounded.search(/\r?\n\s*\r?\n/);
  return newline === -1 ? bounded : bounded.slice(0, newline);
}

function stringList(value: unknown, max: number): string[] {
  if (!Array.isArray(value)) return [];
  const result: string[] = [];
  for (const item of value.slice(0, 50)) {
    if (typeof item !== 'string') continue;
    const text = cleanText(item, max);
    if (text !== '' && !result.includes(text)) result.push(text);
  }
  return result;
}
