import { analyze } from '../../../server/src/core/analyze';
import type { AnalysisHost, IncludeResult } from '../../../server/src/core/host';
import type { Finding, Range, RuleId, SeverityOrOff } from '../../../server/src/core/types';

/** An in-memory file system for includes: paths are joined naively, which is all the tests need. */
export function memoryHost(files: Record<string, string>): AnalysisHost {
  return {
    async readInclude(fromPath: string, target: string): Promise<IncludeResult> {
      const folder = fromPath.slice(0, fromPath.lastIndexOf('/') + 1);
      const path = target.startsWith('/') ? target : normalise(folder + target);
      const text = files[path];
      return text === undefined ? { status: 'missing', path } : { status: 'ok', path, text };
    },
  };
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

export async function check(
  text: string,
  options: { path?: string; files?: Record<string, string>; severity?: Partial<Record<RuleId, SeverityOrOff>> } = {},
): Promise<Finding[]> {
  const result = await analyze({
    path: options.path ?? '/project/requirements.txt',
    text,
    kind: 'pip-requirements',
    settings: { severity: options.severity ?? {} },
    host: memoryHost(options.files ?? {}),
  });
  return result.findings;
}

/** `[rule, "line:col-line:col"]` pairs (0-based, like LSP) for compact assertions. */
export function summary(findings: Finding[]): [string, string][] {
  return findings.map((finding) => [finding.rule, rangeText(finding.range)]);
}

export function rangeText(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}
