/**
 * LSP layer: core shapes → LSP shapes. The core already speaks 0-based UTF-16 positions,
 * so ranges are copied, never recomputed.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { ruleDocUrl, type Finding, type Fix, type RuleId, type Severity } from '../core/types';
import { relatedUri, type DocumentLocation } from './paths';

/** Shown by the editor next to each diagnostic. */
export const DIAGNOSTIC_SOURCE = 'pin-hygiene';

/**
 * What code actions need (ARCHITECTURE pattern 4): the finding's fixes, and the document version
 * they were made for. The client sends `data` back untouched with the diagnostics of a
 * `textDocument/codeAction` request; edits made for another version are not trusted.
 */
export interface DiagnosticData {
  rule: RuleId;
  dependency?: string;
  version?: number;
  fixes?: Fix[];
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding, document: { uri: string; location: DocumentLocation; version?: number }): Diagnostic {
  const data: DiagnosticData = { rule: finding.rule };
  if (finding.dependency !== undefined) data.dependency = finding.dependency;
  if (document.version !== undefined) data.version = document.version;
  if (finding.fixes && finding.fixes.length > 0) data.fixes = finding.fixes;
  const diagnostic: Diagnostic = {
    range: copyRange(finding.range),
    severity: SEVERITY[finding.severity],
    code: finding.rule,
    codeDescription: { href: ruleDocUrl(finding.rule) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data,
  };
  if (finding.related && finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map((related) => ({
      location: {
        uri: related.path === undefined ? document.uri : relatedUri(related.path, document),
        range: copyRange(related.range),
      },
      message: related.message,
    }));
  }
  return diagnostic;
}

// A fresh object per diagnostic: the core may share range objects between findings.
function copyRange(range: Finding['range']): Diagnostic['range'] {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}
