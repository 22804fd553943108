/**
 * What a document over the size limit gets instead of analysis: one diagnostic on its first
 * character that says so and names the limit, so a pasted lock file or an opened blob is not
 * silently "clean" (docs/hardening.md, size limit).
 */
import { DiagnosticSeverity, DocumentDiagnosticReportKind, type FullDocumentDiagnosticReport } from 'vscode-languageserver/node';
import { MAX_FILE_BYTES } from '../node/files';
import { DIAGNOSTIC_SOURCE } from './convert';

export function tooLargeMessage(bytes: number): string {
  const mib = (count: number) => `${(count / (1024 * 1024)).toFixed(1)} MiB`;
  return `Not checked: this file is ${mib(bytes)} (${bytes} bytes), over Pin Hygiene's limit of ${mib(MAX_FILE_BYTES)} (${MAX_FILE_BYTES} bytes). Requirements files and Dockerfiles are kilobytes; split the file if it really is one.`;
}

export function tooLargeReport(bytes: number): FullDocumentDiagnosticReport {
  return {
    kind: DocumentDiagnosticReportKind.Full,
    items: [{
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: DIAGNOSTIC_SOURCE,
      message: tooLargeMessage(bytes),
    }],
  };
}
