/**
 * LSP layer: core shapes → LSP shapes. The core already speaks 0-based UTF-16 positions,
 * so ranges are copied, never recomputed.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { ignoreTitle } from '../core/findings';
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
 * names the line it writes above; code-actions.ts makes the fix again from the document text.
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
  const fixes = finding.fixes ?? [];
  const ignore = ignoreLineOf(finding);
  const carried = ignore === undefined ? fixes : fixes.slice(0, -1);
  if (carried.length > 0) data.fixes = carried;
  if (ignore !== undefined) data.ignore = ignore;
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

/**
 * The line an "ignore this" fix (the finding's last fix, core/findings.ts) writes its comment
 * above: the inserted line's own, or the one below a directive line it extends (`,rule`).
 * Undefined when the last fix is not one, so whatever it is stays in the data.
 */
function ignoreLineOf(finding: Finding): number | undefined {
  const last = finding.fixes?.[finding.fixes.length - 1];
  if (last === undefined || last.safe || last.preferred || last.title !== ignoreTitle(finding.rule, finding.dependency) || last.edits.length !== 1) return undefined;
  const edit = last.edits[0] as Fix['edits'][number];
  const { start, end } = edit.range;
  if (start.line !== end.line || start.character !== end.character) return undefined;
  return edit.newText.startsWith(',') ? start.line + 1 : start.line;
}

// A fresh object per diagnostic: the core may share range objects between findings.
function copyRange(range: Finding['range']): Diagnostic['range'] {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}
