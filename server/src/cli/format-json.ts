/**
 * `--format json`: exactly the schema of SPEC §7, for scripts. Pure.
 */
import type { RuleId, Severity } from '../core/types';
import { toOneBased, type CheckedFile } from './report';

export interface JsonFinding {
  rule: RuleId;
  severity: Severity;
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based: the core's 0-based UTF-16 `character` + 1. */
  column: number;
  endLine: number;
  /** 1-based and exclusive: `end.character` + 1, so `requests` at column 1 has endColumn 9. */
  endColumn: number;
  /** Omitted when the finding is not about one dependency. */
  dependency?: string;
}

export interface JsonReport {
  version: 1;
  /** Every checked file, including those without findings, in the order checked. */
  files: { path: string; findings: JsonFinding[] }[];
}

/** Builds the report object (kept separate from serialisation for tests). */
export function buildJsonReport(files: readonly CheckedFile[]): JsonReport {
  return {
    version: 1,
    files: files.map((file) => ({
      path: file.path,
      findings: file.findings.map((finding) => {
        const json: JsonFinding = {
          rule: finding.rule,
          severity: finding.severity,
          message: finding.message,
          ...toOneBased(finding.range),
        };
        if (finding.dependency !== undefined) json.dependency = finding.dependency;
        return json;
      }),
    })),
  };
}

/** One compact line of JSON and a newline: the whole of stdout. */
export function formatJson(files: readonly CheckedFile[]): string {
  return `${JSON.stringify(buildJsonReport(files))}\n`;
}
