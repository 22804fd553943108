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
 *
 * The "ignore this" fix every finding has (SPEC §4) is not carried: it is the same comment for
 * every finding on a line and would be a third of each report, sent on every keystroke. `ignore`
 * is the finding's `ignoreLine`; code-actions.ts makes the fix from the document text.
 */
export interface DiagnosticData {
  rule: RuleId;
  dependency?: string;
  version?: number;
  fixes?: Fix[];
  /** The line the finding's "ignore this" comment goes above (the first of its logical line or instruction). */
  ignore?: number;
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
  if (finding.fixes !== undefined && finding.fixes.length > 0) data.fixes = finding.fixes;
  if (finding.ignoreLine !== undefined) data.ignore = finding.ignoreLine;
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
