/**
 * Shapes shared by every layer. The core is pure (ES2022 only, see ./tsconfig.json):
 * it never imports vscode, LSP libraries, undici or Node.js. Positions are LSP-shaped
 * (0-based line, UTF-16 code units) so the server converts them without arithmetic.
 */

/** A 0-based position; `character` counts UTF-16 code units, as LSP does. */
export interface Position {
  line: number;
  character: number;
}

/** A half-open range `[start, end)`. */
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A configured severity: `off` silences the rule. */
export type SeverityOrOff = Severity | 'off';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** Higher is more severe: error 3 … hint 0. */
export function severityRank(severity: Severity): number {
  return 3 - SEVERITIES.indexOf(severity);
}

/** Rule ids are stable, kebab-case strings (SPEC §3). */
export type RuleId =
  | 'invalid-requirement'
  | 'missing-include'
  | 'unpinned-requirement'
  | 'loose-requirement'
  | 'unpinned-url'
  | 'missing-hash'
  | 'duplicate-requirement'
  | 'unknown-package'
  | 'unknown-version'
  | 'yanked-version'
  | 'vulnerable-version'
  | 'outdated-pin'
  | 'untagged-image'
  | 'latest-tag'
  | 'missing-digest'
  | 'unresolved-image'
  | 'invalid-image'
  | 'unpinned-pip-install'
  | 'unpinned-apt-install'
  | 'unpinned-apk-add'
  | 'unpinned-npm-install'
  | 'unpinned-gem-install'
  | 'unpinned-requirements-file'
  | 'unknown-image'
  | 'digest-drift'
  | 'outdated-image'
  | 'single-platform-digest';

export type FileKind = 'pip-requirements' | 'dockerfile';

/** One problem the user should see. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** Says what is wrong and what to do. */
  message: string;
  /** The dependency token, not the whole line. */
  range: Range;
  /** Normalised package name (PEP 503) or image reference as written. */
  dependency?: string;
  /** Other places involved, e.g. the first occurrence of a duplicate. */
  related?: { message: string; range: Range; path?: string }[];
  /** Ways to fix it (SPEC §4), best first; the server carries them in the diagnostic's data. */
  fixes?: Fix[];
  /**
   * The line whose "ignore this" comment silences the finding (SPEC §4): the comment goes above
   * it. `fixesWithIgnore` (core/findings.ts) makes that fix; it is not in `fixes`.
   */
  ignoreLine?: number;
}

/** Replace `range` of the document the finding is in with `newText` (an insertion when the range is empty). */
export interface TextEdit {
  range: Range;
  newText: string;
}

/**
 * One fix of SPEC §4. Its edits touch only its own token (or insert whole lines, for hashes and
 * "ignore" comments): everything else in the file survives byte for byte. Edits never overlap.
 */
export interface Fix {
  /** What the editor's light bulb shows: "Pin django to 4.2.16". */
  title: string;
  edits: TextEdit[];
  /**
   * Applied by fix-all (`source.fixAll.pinHygiene`, "Pin all in file", `check --fix`): writes a pin
   * that keeps the author's intent (the highest version the current specifier allows, the tag's
   * current digest). Never true for a fix that changes the version of an existing exact pin, that
   * moves to a different tag, or that adds an ignore comment.
   */
  safe: boolean;
  /** The one fix to offer first (`isPreferred`). */
  preferred?: boolean;
}

/** Where each rule is documented; the server and the CLI link findings here. */
export const RULES_DOC_URL = 'https://github.com/pin-hygiene/pin-hygiene/blob/main/docs/rules.md';

export function ruleDocUrl(rule: RuleId): string {
  return `${RULES_DOC_URL}#${rule}`;
}
