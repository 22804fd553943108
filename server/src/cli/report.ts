/**
 * The CLI's report model and the arithmetic every output format shares. Pure.
 */
import { severityRank, type Finding, type Range, type Severity } from '../core/types';

/** One file that was read and analysed. */
export interface CheckedFile {
  /** As shown to the user: relative to the working directory with `/` separators, or absolute when outside it. */
  path: string;
  /** True when `path` is relative to the working directory (SARIF then uses `%SRCROOT%`). */
  relative: boolean;
  /** Absolute file-system path. */
  absolutePath: string;
  /** The file's text (SARIF fingerprints hash the finding's source line). */
  text: string;
  findings: readonly Finding[];
}

/** 1-based coordinates as editors, `grep -n` and SARIF count them. */
export interface OneBasedRange {
  line: number;
  column: number;
  endLine: number;
  /** Exclusive: the column just after the last character, so a 8-character token at column 1 ends at 9. */
  endColumn: number;
}

/**
 * Converts the core's 0-based, half-open UTF-16 range: column = character + 1 and
 * endColumn = end.character + 1 (still exclusive). Out-of-order or non-finite input is
 * clamped so every output has line, column ≥ 1 and an end that does not precede the start.
 */
export function toOneBased(range: Range): OneBasedRange {
  const line = clampIndex(range.start.line) + 1;
  const column = clampIndex(range.start.character) + 1;
  let endLine = clampIndex(range.end.line) + 1;
  let endColumn = clampIndex(range.end.character) + 1;
  if (endLine < line || (endLine === line && endColumn < column)) {
    endLine = line;
    endColumn = column;
  }
  return { line, column, endLine, endColumn };
}

function clampIndex(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

export type SeverityCounts = Record<Severity, number>;

/** How many findings of each severity the report holds. */
export function countBySeverity(files: readonly CheckedFile[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const file of files) {
    for (const finding of file.findings) counts[finding.severity] += 1;
  }
  return counts;
}

/** True when some finding is at or above `failOn` (error > warning > information > hint). */
export function hasFindingAtOrAbove(files: readonly CheckedFile[], failOn: Severity): boolean {
  const threshold = severityRank(failOn);
  return files.some((file) => file.findings.some((finding) => severityRank(finding.severity) >= threshold));
}

/** `3 files checked, 1 error, 2 warnings, 0 information, 0 hints` (stderr, every format), `, 4 fixes applied` with `--fix`. */
export function formatSummary(fileCount: number, counts: SeverityCounts, fixesApplied?: number): string {
  const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return [
    plural(fileCount, 'file checked', 'files checked'),
    plural(counts.error, 'error', 'errors'),
    plural(counts.warning, 'warning', 'warnings'),
    `${counts.information} information`,
    plural(counts.hint, 'hint', 'hints'),
    ...(fixesApplied === undefined ? [] : [plural(fixesApplied, 'fix applied', 'fixes applied')]),
  ].join(', ');
}
