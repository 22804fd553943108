import { dockerfileFindings } from './analyze-dockerfile';
import { requirementsFindings } from './analyze-requirements';
import type { AnalysisHost } from './host';
import type { AnalysisSettings } from './settings';
import type { FileKind, Finding } from './types';

/** One file to check. */
export interface AnalyzeRequest {
  /** The file's absolute path (used to resolve `-r`/`-c` includes and the build context, and to recognise `*.in` files). */
  path: string;
  text: string;
  kind: FileKind;
  settings: AnalysisSettings;
  host: AnalysisHost;
}

export interface AnalysisResult {
  findings: Finding[];
}

/**
 * The single entry point shared by the language server and the CLI: offline
 * findings for one file, sorted by position. Never throws on any text.
 */
export async function analyze(request: AnalyzeRequest): Promise<AnalysisResult> {
  const findings = request.kind === 'dockerfile' ? await dockerfileFindings(request) : await requirementsFindings(request);
  return { findings };
}
