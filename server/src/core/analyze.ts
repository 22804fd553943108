import type { AnalysisHost } from './host';
import type { AnalysisSettings } from './settings';
import type { FileKind, Finding } from './types';

/** One file to check. */
export interface AnalyzeRequest {
  /** The file's path (used to resolve `-r`/`-c` includes and to recognise `*.in` files). */
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
  void request;
  return { findings: [] };
}
