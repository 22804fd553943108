import type { RuleId, Severity } from './types';

/** Every rule's id, default severity and one-line summary (SPEC §3). docs/rules.md has a section per id. */
export interface RuleInfo {
  id: RuleId;
  defaultSeverity: Severity;
  summary: string;
  /** True when the rule needs a registry answer (silent offline). */
  needsNetwork: boolean;
}

export const RULE_CATALOG: readonly RuleInfo[] = [
  { id: 'invalid-requirement', defaultSeverity: 'error', needsNetwork: false, summary: 'pip would reject this line.' },
  { id: 'missing-include', defaultSeverity: 'error', needsNetwork: false, summary: 'A -r/-c file that does not exist.' },
  { id: 'unpinned-requirement', defaultSeverity: 'warning', needsNetwork: false, summary: 'A named requirement with no version specifier.' },
  { id: 'loose-requirement', defaultSeverity: 'warning', needsNetwork: false, summary: 'A version specifier that is not a single exact ==V / ===V.' },
  { id: 'unpinned-url', defaultSeverity: 'warning', needsNetwork: false, summary: 'A VCS ref that is not a full commit hash, or an archive URL without #sha256=.' },
  { id: 'missing-hash', defaultSeverity: 'error', needsNetwork: false, summary: 'The file is in hash-checking mode and this requirement has no --hash.' },
  { id: 'duplicate-requirement', defaultSeverity: 'warning', needsNetwork: false, summary: 'The same package (after PEP 503 normalisation) twice in one file.' },
];

export const RULE_IDS: readonly RuleId[] = RULE_CATALOG.map((rule) => rule.id);

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

export function ruleInfo(id: RuleId): RuleInfo {
  const info = RULE_CATALOG.find((rule) => rule.id === id);
  if (!info) throw new Error(`unknown rule ${id}`);
  return info;
}
