import { ruleInfo } from './rule-catalog';
import type { AnalysisSettings } from './settings';
import type { Finding, Severity } from './types';

/** A finding before settings apply; `severity` replaces the rule's default (a note), the user's setting still wins. */
export type UnsettledFinding = Omit<Finding, 'severity'> & { severity?: Severity };

/**
 * Drops silenced findings, applies configured severities (`off` drops), and sorts by position.
 * Extra fields of the raw findings (their logical line, instruction…) are left behind.
 */
export function applySettings<T extends UnsettledFinding>(raw: T[], settings: AnalysisSettings, silenced: (finding: T) => boolean): Finding[] {
  const findings: Finding[] = [];
  for (const finding of raw) {
    if (silenced(finding)) continue;
    const severity = settings.severity[finding.rule] ?? finding.severity ?? ruleInfo(finding.rule).defaultSeverity;
    if (severity === 'off') continue;
    const result: Finding = { rule: finding.rule, severity, message: finding.message, range: finding.range };
    if (finding.dependency !== undefined) result.dependency = finding.dependency;
    if (finding.related && finding.related.length > 0) result.related = finding.related;
    findings.push(result);
  }
  return findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
}
