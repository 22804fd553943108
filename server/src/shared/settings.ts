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
}

export const DEFAULT_SETTINGS: PinHygieneSettings = { enable: true, severity: {}, offline: false, pypiIndexUrl: '', insecureRegistries: [], registryMirrors: [] };

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
  const warnings = Object.keys(value).filter((key) => key !== 'severity').map((key) => `${name}: unknown setting "${key}" (ignored)`);
  const errors: string[] = [];
  const severity = (value as Record<string, unknown>).severity;
  if (severity !== undefined && (typeof severity !== 'object' || severity === null || Array.isArray(severity))) {
    return { severity: {}, errors: [`${name}: "severity" must be an object mapping rule ids to ${SEVERITY_VALUES.join('|')}`], warnings };
  }
  for (const [rule, level] of Object.entries((severity ?? {}) as Record<string, unknown>)) {
    if (!isRuleId(rule)) warnings.push(`${name}: unknown rule "${rule}" in "severity" (ignored)`);
    else if (typeof level !== 'string' || !SEVERITY_VALUES.includes(level)) {
      errors.push(`${name}: severity of "${rule}" must be one of ${SEVERITY_VALUES.join(', ')} (got ${JSON.stringify(level)})`);
    }
  }
  return { severity: sanitiseSeverityMap(severity), errors, warnings };
}

/** Turns any value (from settings.json or the wire) into complete settings. */
export function sanitiseSettings(value: unknown, problems: SanitiseProblem[] = []): PinHygieneSettings {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    enable: typeof raw.enable === 'boolean' ? raw.enable : DEFAULT_SETTINGS.enable,
    severity: sanitiseSeverityMap(raw.severity, problems),
    offline: sanitiseBoolean(raw.offline, 'offline', DEFAULT_SETTINGS.offline, problems),
    pypiIndexUrl: sanitiseIndexUrl((typeof raw.pypi === 'object' && raw.pypi !== null ? raw.pypi as Record<string, unknown> : {}).indexUrl, problems),
    insecureRegistries: sanitiseStringList(raw.insecureRegistries, 'insecureRegistries', 'a registry host or host:port', isRegistryHost, problems),
    registryMirrors: sanitiseStringList(raw.registryMirrors, 'registryMirrors', 'an http(s) URL without a path', isMirrorUrl, problems),
  };
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

export function toAnalysisSettings(settings: PinHygieneSettings): AnalysisSettings {
  return { severity: settings.severity };
}
