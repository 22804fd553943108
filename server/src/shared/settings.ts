/**
 * Settings shared by the client, the server and the CLI, with sanitisers: values come from
 * user JSON (settings.json, .pin-hygiene.json) and must never crash the server.
 */
import { isRuleId } from '../core/rule-catalog';
import type { AnalysisSettings } from '../core/settings';
import type { RuleId, SeverityOrOff } from '../core/types';

export const SETTINGS_SECTION = 'pinHygiene';

/** Name of the per-workspace config file read by the CLI and the server. */
export const CONFIG_FILE_NAME = '.pin-hygiene.json';

export interface PinHygieneSettings {
  enable: boolean;
  severity: Partial<Record<RuleId, SeverityOrOff>>;
  /** `pinHygiene.offline`: never contact package indexes. */
  offline: boolean;
  /** `pinHygiene.pypi.indexUrl`; empty: resolve the index as pip does. */
  pypiIndexUrl: string;
  /** `pinHygiene.insecureRegistries`: container registries (`host[:port]`) asked over plain http. */
  insecureRegistries: string[];
  /** `pinHygiene.registryMirrors`: Docker Hub mirrors (`https://host[:port]`), asked before Docker Hub. */
  registryMirrors: string[];
  /** `pinHygiene.python.version` (`3.12`, `3.11.4`); empty: unknown, `requires-python` is not honoured by fixes. */
  pythonVersion: string;
  /** `pinHygiene.prereleases`: fixes may pin pre-releases (pip's `--pre`). */
  prereleases: boolean;
  /**
   * `pinHygiene.cacheTtl`, in minutes: how long registry answers are reused before the registry is
   * asked again (a conditional request when the answer had validators). 0 revalidates every time.
   */
  cacheTtl: number;
  /**
   * `pinHygiene.python.interpreterPath`: the interpreter whose installed packages "pin to the
   * version you run" offers. Restricted: ignored in an untrusted workspace.
   */
  pythonInterpreterPath: string;
}

/** PyPI's own client TTL (`Cache-Control: max-age=900`). */
export const DEFAULT_CACHE_TTL_MINUTES = 15;
/** A week: longer would keep yanked or vulnerable releases unnoticed. */
export const MAX_CACHE_TTL_MINUTES = 7 * 24 * 60;

export const DEFAULT_SETTINGS: PinHygieneSettings = {
  enable: true, severity: {}, offline: false, pypiIndexUrl: '', insecureRegistries: [], registryMirrors: [],
  pythonVersion: '', prereleases: false, cacheTtl: DEFAULT_CACHE_TTL_MINUTES, pythonInterpreterPath: '',
};

const SEVERITY_VALUES: readonly string[] = ['error', 'warning', 'information', 'hint', 'off'];

export interface SanitiseProblem {
  /** Human-readable: what was ignored and why. */
  message: string;
}

/** `{ "rule-id": "error" | … | "off" }`; unknown rules and values are dropped and reported. */
export function sanitiseSeverityMap(value: unknown, problems: SanitiseProblem[] = []): Partial<Record<RuleId, SeverityOrOff>> {
  const result: Partial<Record<RuleId, SeverityOrOff>> = {};
  if (value === undefined || value === null) return result;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ message: 'severity must be an object mapping rule ids to error|warning|information|hint|off' });
    return result;
  }
  for (const [rule, severity] of Object.entries(value as Record<string, unknown>)) {
    if (!isRuleId(rule)) {
      problems.push({ message: `unknown rule "${rule}" in severity settings (ignored)` });
      continue;
    }
    if (typeof severity !== 'string' || !SEVERITY_VALUES.includes(severity)) {
      problems.push({ message: `severity for "${rule}" must be one of ${SEVERITY_VALUES.join(', ')} (ignored)` });
      continue;
    }
    result[rule] = severity as SeverityOrOff;
  }
  return result;
}

/** What a `.pin-hygiene.json` holds, checked: `errors` make the CLI stop; the editor logs them and keeps the valid entries. */
export interface ConfigFile {
  severity: Partial<Record<RuleId, SeverityOrOff>>;
  /** `"pythonVersion": "3.12"`, as `pinHygiene.python.version`. */
  pythonVersion?: string;
  /** `"prereleases": true`, as `pinHygiene.prereleases`. */
  prereleases?: boolean;
  /** Broken JSON, a wrong shape, or a bad severity value. */
  errors: string[];
  /** Unknown settings or rules (a newer config read by an older version): ignored. */
  warnings: string[];
}

/** Parses the text of a `.pin-hygiene.json`; `name` is how messages refer to the file. */
export function parseConfigFile(text: string, name: string): ConfigFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { severity: {}, errors: [`${name}: invalid JSON (${error instanceof Error ? error.message : String(error)})`], warnings: [] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { severity: {}, errors: [`${name}: expected an object like { "severity": { "loose-requirement": "error" } }`], warnings: [] };
  }
  const warnings = Object.keys(value).filter((key) => !CONFIG_FILE_KEYS.includes(key)).map((key) => `${name}: unknown setting "${key}" (ignored)`);
  const errors: string[] = [];
  const extra: Pick<ConfigFile, 'pythonVersion' | 'prereleases'> = {};
  const { pythonVersion, prereleases } = value as Record<string, unknown>;
  if (pythonVersion !== undefined) {
    if (typeof pythonVersion === 'string' && isPythonVersion(pythonVersion.trim())) extra.pythonVersion = pythonVersion.trim();
    else errors.push(`${name}: "pythonVersion" must be a Python version like "3.12" (got ${JSON.stringify(pythonVersion)})`);
  }
  if (prereleases !== undefined) {
    if (typeof prereleases === 'boolean') extra.prereleases = prereleases;
    else errors.push(`${name}: "prereleases" must be true or false (got ${JSON.stringify(prereleases)})`);
  }
  const severity = (value as Record<string, unknown>).severity;
  if (severity !== undefined && (typeof severity !== 'object' || severity === null || Array.isArray(severity))) {
    return { severity: {}, ...extra, errors: [`${name}: "severity" must be an object mapping rule ids to ${SEVERITY_VALUES.join('|')}`, ...errors], warnings };
  }
  for (const [rule, level] of Object.entries((severity ?? {}) as Record<string, unknown>)) {
    if (!isRuleId(rule)) warnings.push(`${name}: unknown rule "${rule}" in "severity" (ignored)`);
    else if (typeof level !== 'string' || !SEVERITY_VALUES.includes(level)) {
      errors.push(`${name}: severity of "${rule}" must be one of ${SEVERITY_VALUES.join(', ')} (got ${JSON.stringify(level)})`);
    }
  }
  return { severity: sanitiseSeverityMap(severity), ...extra, errors, warnings };
}

/** The keys a `.pin-hygiene.json` may hold. */
const CONFIG_FILE_KEYS: readonly string[] = ['severity', 'pythonVersion', 'prereleases'];

/** `3`, `3.12` or `3.12.4`: what `requires-python` is compared against. */
export function isPythonVersion(text: string): boolean {
  return /^\d{1,3}(?:\.\d{1,4}){0,2}$/.test(text);
}

/** Turns any value (from settings.json or the wire) into complete settings. */
export function sanitiseSettings(value: unknown, problems: SanitiseProblem[] = []): PinHygieneSettings {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const python = (typeof raw.python === 'object' && raw.python !== null ? raw.python : {}) as Record<string, unknown>;
  return {
    enable: typeof raw.enable === 'boolean' ? raw.enable : DEFAULT_SETTINGS.enable,
    severity: sanitiseSeverityMap(raw.severity, problems),
    offline: sanitiseBoolean(raw.offline, 'offline', DEFAULT_SETTINGS.offline, problems),
    pypiIndexUrl: sanitiseIndexUrl((typeof raw.pypi === 'object' && raw.pypi !== null ? raw.pypi as Record<string, unknown> : {}).indexUrl, problems),
    insecureRegistries: sanitiseStringList(raw.insecureRegistries, 'insecureRegistries', 'a registry host or host:port', isRegistryHost, problems),
    registryMirrors: sanitiseStringList(raw.registryMirrors, 'registryMirrors', 'an http(s) URL without a path', isMirrorUrl, problems),
    pythonVersion: sanitisePythonVersion(python.version, problems),
    prereleases: sanitiseBoolean(raw.prereleases, 'prereleases', DEFAULT_SETTINGS.prereleases, problems),
    cacheTtl: sanitiseCacheTtl(raw.cacheTtl, problems),
    pythonInterpreterPath: sanitiseText(python.interpreterPath, 'python.interpreterPath', problems),
  };
}

function sanitisePythonVersion(value: unknown, problems: SanitiseProblem[]): string {
  if (value === undefined || value === null || value === '') return '';
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text !== undefined && isPythonVersion(text)) return text;
  problems.push({ message: `python.version must be a Python version like "3.12" (got ${JSON.stringify(value)}; ignored)` });
  return '';
}

/** Minutes, 0 to a week; fractions are allowed (tests use seconds). */
export function sanitiseCacheTtl(value: unknown, problems: SanitiseProblem[] = []): number {
  if (value === undefined || value === null) return DEFAULT_CACHE_TTL_MINUTES;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.min(value, MAX_CACHE_TTL_MINUTES);
  problems.push({ message: `cacheTtl must be a number of minutes, 0 or more (got ${JSON.stringify(value)}; ignored)` });
  return DEFAULT_CACHE_TTL_MINUTES;
}

function sanitiseText(value: unknown, name: string, problems: SanitiseProblem[]): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  problems.push({ message: `${name} must be a string (ignored)` });
  return '';
}

/** A list of strings; entries that fail `valid` are dropped and reported one by one. */
function sanitiseStringList(value: unknown, name: string, wanted: string, valid: (text: string) => boolean, problems: SanitiseProblem[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ message: `${name} must be a list of strings (ignored)` });
    return [];
  }
  const result: string[] = [];
  for (const entry of value) {
    const text = typeof entry === 'string' ? entry.trim() : undefined;
    if (text !== undefined && valid(text)) result.push(text);
    else problems.push({ message: `${name}: ${JSON.stringify(entry)} is not ${wanted} (ignored)` });
  }
  return result;
}

/** `host`, `host:port` or `[v6]:port`, as `--insecure-registry` takes them. */
export function isRegistryHost(text: string): boolean {
  return /^[a-z0-9.-]+(:\d{1,5})?$/i.test(text) || /^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(text);
}

/** `https://host[:port]` (or `http://` for a plain-http mirror), no credentials, path or query. */
export function isMirrorUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !url.search && !url.hash && (url.pathname === '/' || url.pathname === '');
}

function sanitiseBoolean(value: unknown, name: string, fallback: boolean, problems: SanitiseProblem[]): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  problems.push({ message: `${name} must be true or false (ignored)` });
  return fallback;
}

/** An http(s) URL or empty; anything else is dropped, so a typo never sends requests somewhere odd. */
function sanitiseIndexUrl(value: unknown, problems: SanitiseProblem[]): string {
  if (value === undefined || value === null || value === '') return '';
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (text !== undefined && /^https?:\/\/[^\s]+$/i.test(text)) {
    try {
      new URL(text);
      return text;
    } catch {
      // Reported below.
    }
  }
  problems.push({ message: 'pypi.indexUrl must be an http(s) URL (ignored)' });
  return '';
}

/**
 * `.pin-hygiene.json` (`{ "severity": { … } }`) overlaid by editor settings: the file is the
 * project's shared baseline, the user's settings win per rule.
 */
export function mergeSeverity(...layers: Partial<Record<RuleId, SeverityOrOff>>[]): Partial<Record<RuleId, SeverityOrOff>> {
  return Object.assign({}, ...layers);
}

export function toAnalysisSettings(settings: Pick<PinHygieneSettings, 'severity' | 'pythonVersion' | 'prereleases'>): AnalysisSettings {
  const result: AnalysisSettings = { severity: settings.severity };
  if (settings.pythonVersion) result.pythonVersion = settings.pythonVersion;
  if (settings.prereleases) result.prereleases = true;
  return result;
}
