import type { RuleId, Severity } from './types';

/** Every rule's id, default severity and one-line summary (SPEC §3). docs/rules.md has a section per id. */
export interface RuleInfo {
  id: RuleId;
  /** The kind of file the rule checks. */
  fileKind: 'pip-requirements' | 'dockerfile';
  /** hadolint rule ids whose `# hadolint ignore=` comments silence this rule (SPEC §3). */
  hadolint?: string[];
  defaultSeverity: Severity;
  summary: string;
  /** True when the rule needs a registry answer (silent offline). */
  needsNetwork: boolean;
}

/** Keyed by id, so the compiler checks that every RuleId has an entry. */
const RULES: Record<RuleId, Omit<RuleInfo, 'id'>> = {
  'invalid-requirement': { fileKind: 'pip-requirements', defaultSeverity: 'error', needsNetwork: false, summary: 'pip would reject this line.' },
  'missing-include': { fileKind: 'pip-requirements', defaultSeverity: 'error', needsNetwork: false, summary: 'A -r/-c file that does not exist.' },
  'unpinned-requirement': { fileKind: 'pip-requirements', defaultSeverity: 'warning', needsNetwork: false, summary: 'A named requirement with no version specifier.' },
  'loose-requirement': { fileKind: 'pip-requirements', defaultSeverity: 'warning', needsNetwork: false, summary: 'A version specifier that is not a single exact ==V / ===V.' },
  'unpinned-url': { fileKind: 'pip-requirements', defaultSeverity: 'warning', needsNetwork: false, summary: 'A VCS ref that is not a full commit hash, or an archive URL without #sha256=.' },
  'missing-hash': { fileKind: 'pip-requirements', defaultSeverity: 'error', needsNetwork: false, summary: 'The file is in hash-checking mode and this requirement has no --hash.' },
  'duplicate-requirement': { fileKind: 'pip-requirements', defaultSeverity: 'warning', needsNetwork: false, summary: 'The same package (after PEP 503 normalisation) twice in one file.' },
  'unknown-package': { fileKind: 'pip-requirements', defaultSeverity: 'error', needsNetwork: true, summary: 'The index has no such project (a typo? dependency confusion?).' },
  'unknown-version': { fileKind: 'pip-requirements', defaultSeverity: 'error', needsNetwork: true, summary: 'The pinned version does not exist on the index.' },
  'yanked-version': { fileKind: 'pip-requirements', defaultSeverity: 'warning', needsNetwork: true, summary: 'The pinned version is yanked (PEP 592).' },
  'vulnerable-version': { fileKind: 'pip-requirements', defaultSeverity: 'warning', needsNetwork: true, summary: 'The index reports known vulnerabilities for the pinned version.' },
  'outdated-pin': { fileKind: 'pip-requirements', defaultSeverity: 'hint', needsNetwork: true, summary: 'A newer final release exists.' },
  'untagged-image': { fileKind: 'dockerfile', defaultSeverity: 'warning', needsNetwork: false, hadolint: ['DL3006'], summary: 'FROM an image with neither tag nor digest (it means :latest).' },
  'latest-tag': { fileKind: 'dockerfile', defaultSeverity: 'warning', needsNetwork: false, hadolint: ['DL3007'], summary: 'FROM an image tagged latest.' },
  'missing-digest': { fileKind: 'dockerfile', defaultSeverity: 'information', needsNetwork: false, summary: 'A tag without an @sha256: digest; tags move.' },
  'unresolved-image': { fileKind: 'dockerfile', defaultSeverity: 'information', needsNetwork: false, summary: 'The image reference still holds a variable with no value.' },
  'invalid-image': { fileKind: 'dockerfile', defaultSeverity: 'error', needsNetwork: false, summary: 'FROM a reference Docker would refuse (invalid reference format).' },
  'unpinned-pip-install': { fileKind: 'dockerfile', defaultSeverity: 'warning', needsNetwork: false, hadolint: ['DL3013'], summary: 'pip install of a named package without an exact == version.' },
  'unpinned-apt-install': { fileKind: 'dockerfile', defaultSeverity: 'warning', needsNetwork: false, hadolint: ['DL3008'], summary: 'apt-get/apt install of a package without =version.' },
  'unpinned-apk-add': { fileKind: 'dockerfile', defaultSeverity: 'warning', needsNetwork: false, hadolint: ['DL3018'], summary: 'apk add of a package without =version.' },
  'unpinned-npm-install': { fileKind: 'dockerfile', defaultSeverity: 'warning', needsNetwork: false, hadolint: ['DL3016'], summary: 'A global npm/yarn/pnpm install without an exact @version.' },
  'unpinned-gem-install': { fileKind: 'dockerfile', defaultSeverity: 'warning', needsNetwork: false, hadolint: ['DL3028'], summary: 'gem install without an exact -v/--version or name:version.' },
  'unpinned-requirements-file': { fileKind: 'dockerfile', defaultSeverity: 'warning', needsNetwork: false, summary: 'RUN pip install -r FILE where FILE holds unpinned or loose requirements.' },
  'unknown-image': { fileKind: 'dockerfile', defaultSeverity: 'error', needsNetwork: true, summary: 'The registry has no such repository or tag.' },
  'digest-drift': { fileKind: 'dockerfile', defaultSeverity: 'information', needsNetwork: true, summary: 'tag@digest where the tag now points elsewhere.' },
  'outdated-image': { fileKind: 'dockerfile', defaultSeverity: 'hint', needsNetwork: true, summary: 'A newer tag of the same variant and precision exists.' },
  'single-platform-digest': { fileKind: 'dockerfile', defaultSeverity: 'warning', needsNetwork: true, summary: "The pinned digest is one platform's manifest of a multi-platform tag." },
};

/** Every rule, in documentation order. */
export const RULE_CATALOG: readonly RuleInfo[] = Object.entries(RULES).map(([id, info]) => ({ id: id as RuleId, ...info }));

export const RULE_IDS: readonly RuleId[] = RULE_CATALOG.map((rule) => rule.id);

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

export function ruleInfo(id: RuleId): RuleInfo {
  return { id, ...RULES[id] };
}

/** What makes a requirement "not pinned" for an image build: no version, a range, a movable URL. */
export const NOT_PINNED_RULES: ReadonlySet<RuleId> = new Set<RuleId>(['unpinned-requirement', 'loose-requirement', 'unpinned-url']);
