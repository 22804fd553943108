/**
 * `.pin-hygiene.json` for the CLI: `{ "severity": { "rule-id": "error|warning|information|hint|off" } }`.
 * A broken file is a configuration error (exit 2) rather than a silently different check;
 * rules this version does not know only warn, so a newer config still works with an older CLI.
 */
import { resolve } from 'node:path';
import { isRuleId } from '../core/rule-catalog';
import type { RuleId, SeverityOrOff } from '../core/types';
import { readTextFile } from '../node/files';
import { CONFIG_FILE_NAME, sanitiseSeverityMap } from '../shared/settings';

const SEVERITY_VALUES: readonly string[] = ['error', 'warning', 'information', 'hint', 'off'];

export type ConfigResult =
  | { ok: true; severity: Partial<Record<RuleId, SeverityOrOff>>; warnings: string[] }
  | { ok: false; error: string };

/** Validates the text of a config file; `name` is how messages refer to it. */
export function parseConfig(text: string, name: string): ConfigResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `${name}: invalid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `${name}: expected an object like { "severity": { "loose-requirement": "error" } }` };
  }
  const warnings: string[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'severity') warnings.push(`${name}: unknown setting "${key}" (ignored)`);
  }
  const severity = (value as Record<string, unknown>).severity;
  if (severity === undefined) return { ok: true, severity: {}, warnings };
  if (typeof severity !== 'object' || severity === null || Array.isArray(severity)) {
    return { ok: false, error: `${name}: "severity" must be an object mapping rule ids to ${SEVERITY_VALUES.join('|')}` };
  }
  for (const [rule, level] of Object.entries(severity)) {
    if (!isRuleId(rule)) {
      warnings.push(`${name}: unknown rule "${rule}" in "severity" (ignored)`);
    } else if (typeof level !== 'string' || !SEVERITY_VALUES.includes(level)) {
      return { ok: false, error: `${name}: severity of "${rule}" must be one of ${SEVERITY_VALUES.join(', ')} (got ${JSON.stringify(level)})` };
    }
  }
  // Everything left is valid; the shared sanitiser gives the same map the language server uses.
  return { ok: true, severity: sanitiseSeverityMap(severity), warnings };
}

/**
 * Reads `--config FILE` (which must exist) or, without it, `.pin-hygiene.json` in `cwd` when present.
 * `name` in messages is the path as the user wrote it.
 */
export async function loadConfig(cwd: string, explicit: string | undefined): Promise<ConfigResult> {
  const name = explicit ?? CONFIG_FILE_NAME;
  const result = await readTextFile(resolve(cwd, name));
  if (result.status === 'missing') {
    return explicit === undefined ? { ok: true, severity: {}, warnings: [] } : { ok: false, error: `${name}: no such file` };
  }
  if (result.status === 'unreadable') return { ok: false, error: `${name}: ${result.reason}` };
  return parseConfig(result.text, name);
}
