/**
 * `.pin-hygiene.json` for the CLI: `{ "severity": { "rule-id": "error|warning|information|hint|off" } }`.
 * A broken file is a configuration error (exit 2) rather than a silently different check;
 * rules this version does not know only warn, so a newer config still works with an older CLI.
 */
import { resolve } from 'node:path';
import type { RuleId, SeverityOrOff } from '../core/types';
import { readTextFile } from '../node/files';
import { CONFIG_FILE_NAME, parseConfigFile } from '../shared/settings';

export type ConfigResult =
  | { ok: true; severity: Partial<Record<RuleId, SeverityOrOff>>; pythonVersion?: string; prereleases?: boolean; warnings: string[] }
  | { ok: false; error: string };

/** Validates the text of a config file; `name` is how messages refer to it. A broken entry stops the run. */
export function parseConfig(text: string, name: string): ConfigResult {
  const config = parseConfigFile(text, name);
  if (config.errors.length > 0) return { ok: false, error: config.errors.join('\n') };
  return {
    ok: true,
    severity: config.severity,
    ...(config.pythonVersion !== undefined ? { pythonVersion: config.pythonVersion } : {}),
    ...(config.prereleases !== undefined ? { prereleases: config.prereleases } : {}),
    warnings: config.warnings,
  };
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
