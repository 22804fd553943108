import { ruleInfo } from './rule-catalog';
import type { AnalysisSettings } from './settings';
import { lineContentEnd, lineEnding, lineStarts } from './text';
import type { Finding, Fix, RuleId, Severity } from './types';

/** A finding before settings apply; `severity` replaces the rule's default (a note), the user's setting still wins. */
export type UnsettledFinding = Omit<Finding, 'severity'> & { severity?: Severity };

/**
 * Drops silenced findings, applies configured severities (`off` drops), and sorts by position.
 * Extra fields of the raw findings (their logical line, instruction…) are left behind.
 * `ignoreLine` says, per finding, the line its "ignore this" comment goes above (SPEC §4): the
 * first line of its logical line (requirements) or instruction (Dockerfiles). The fix itself is
 * made only when asked for (`fixesWithIgnore`): every keystroke makes every finding, few fixes
 * are ever looked at.
 */
export function applySettings<T extends UnsettledFinding>(raw: T[], settings: AnalysisSettings, silenced: (finding: T) => boolean, ignoreLine?: (finding: T) => number): Finding[] {
  const findings: Finding[] = [];
  for (const finding of raw) {
    if (silenced(finding)) continue;
    const severity = settings.severity[finding.rule] ?? finding.severity ?? ruleInfo(finding.rule).defaultSeverity;
    if (severity === 'off') continue;
    const result: Finding = { rule: finding.rule, severity, message: finding.message, range: finding.range };
    if (finding.dependency !== undefined) result.dependency = finding.dependency;
    if (finding.related && finding.related.length > 0) result.related = finding.related;
    if (finding.fixes && finding.fixes.length > 0) result.fixes = finding.fixes;
    if (ignoreLine) result.ignoreLine = ignoreLine(finding);
    findings.push(result);
  }
  return findings.sort(byPosition);
}

/** Position, then rule id (code-unit order: the same in every locale). */
function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/** "Ignore this" fixes for findings in one file's `text`; its lines are indexed once, on first use. */
export type IgnoreFixes = (rule: RuleId, dependency: string | undefined, line: number) => Fix;

export function ignoreFixesFor(text: string): IgnoreFixes {
  let lines: IgnoreLines | undefined;
  return (rule, dependency, line) => (lines ??= new IgnoreLines(text)).ignoreFix(rule, dependency, line);
}

/** Complete fix lists for the findings of one file: a finding's fixes, then its "ignore this" fix when it has an `ignoreLine`. */
export function fixesWithIgnore(text: string): (finding: Finding) => Fix[] {
  const ignoreFix = ignoreFixesFor(text);
  return (finding) => {
    const fixes = finding.fixes ?? [];
    return finding.ignoreLine === undefined ? fixes : [...fixes, ignoreFix(finding.rule, finding.dependency, finding.ignoreLine)];
  };
}

/** The title of a finding's "ignore this" fix. */
export function ignoreTitle(rule: RuleId, dependency: string | undefined): string {
  return `Ignore ${rule} for ${dependency ?? 'this line'}`;
}

/** A comment line that holds only `# pin-hygiene: ignore=rules`: a new rule joins its list. */
const IGNORE_LINE_RE = /^[ \t]*#[ \t]*pin-hygiene:[ \t]*ignore[ \t]*=[ \t]*[a-z0-9-]+(?:[ \t]*,[ \t]*[a-z0-9-]+)*/i;

/** Builds "ignore this" fixes against one file's lines. */
class IgnoreLines {
  private readonly starts: number[];
  /** Per line: the fix's insertion, shared by every finding there (a 1 MB line may hold thousands). */
  private readonly insertions = new Map<number, { at: number; character: number; text: string }>();

  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
  }

  /**
   * Inserts `# pin-hygiene: ignore=<rule>` as a whole line above `line`, indented as that line and
   * ended as it is (CRLF stays CRLF). A comment-only line silences the line below it
   * (suppression.ts, dockerfile/suppression.ts); when the line above already is such a comment
   * (another rule ignored there), the rule joins its list, because a second comment line would
   * cover only the first one. Never safe: fix-all must not hide findings.
   */
  ignoreFix(rule: RuleId, dependency: string | undefined, line: number): Fix {
    const title = ignoreTitle(rule, dependency);
    const target = Math.max(0, Math.min(line, this.starts.length - 1));
    const insertion = this.insertionFor(target);
    const at = { line: insertion.at, character: insertion.character };
    const newText = insertion.character > 0 ? `,${rule}` : `${insertion.text}${rule}${this.ending(target)}`;
    return { title, edits: [{ range: { start: at, end: at }, newText }], safe: false };
  }

  /** Where the fix writes for `target`: after the rule list of a directive line above, or a new line's prefix. */
  private insertionFor(target: number): { at: number; character: number; text: string } {
    let found = this.insertions.get(target);
    if (found === undefined) {
      const above = target > 0 ? this.content(target - 1) : undefined;
      const existing = above === undefined ? undefined : IGNORE_LINE_RE.exec(above);
      if (existing) found = { at: target - 1, character: existing[0].length, text: '' };
      else found = { at: target, character: 0, text: `${/^[ \t]*/.exec(this.content(target).slice(0, 1000))?.[0] ?? ''}# pin-hygiene: ignore=` };
      this.insertions.set(target, found);
    }
    return found;
  }

  /** The text of a line without its line break. */
  private content(line: number): string {
    return this.text.slice(this.starts[line] as number, lineContentEnd(this.text, this.starts, line));
  }

  /** The line's own line break; the last line has none, so the file's first one (or `\n`). */
  private ending(line: number): string {
    return lineEnding(this.text, line, this.starts);
  }
}
