/**
 * LSP 3.17 pull diagnostics with result ids: the last full report sent for each document, so a
 * pull whose diagnostics did not change is answered "unchanged" instead of sending them again.
 * Most keystrokes (in a comment, a hash, a version that stays valid) change no finding; a
 * 2,000-line file's report is half a megabyte of JSON the editor would otherwise parse again.
 * https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#documentDiagnosticReport
 */
import {
  DocumentDiagnosticReportKind,
  type Diagnostic,
  type DocumentDiagnosticReport,
} from 'vscode-languageserver/node';

export class SentReports {
  private counter = 0;
  private readonly sent = new Map<string, { resultId: string; items: Diagnostic[] }>();

  /**
   * The report for `items`: "unchanged" when the client still shows the last one sent
   * (`previousResultId`) and they are the same; otherwise the full report under a new id.
   */
  report(uri: string, previousResultId: string | undefined, items: Diagnostic[]): DocumentDiagnosticReport {
    const last = this.sent.get(uri);
    if (last !== undefined && previousResultId === last.resultId && sameDiagnostics(last.items, items)) {
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: last.resultId };
    }
    this.counter += 1;
    const resultId = String(this.counter);
    this.sent.set(uri, { resultId, items });
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  }

  forget(uri: string): void {
    this.sent.delete(uri);
  }
}

/**
 * Same diagnostics in the same order, the document version in their data aside: fixes carried
 * for an earlier version with the same findings are the same fixes, and code actions check the
 * version before trusting them (code-actions.ts), analysing again when it is older. Runs on every
 * keystroke over every diagnostic: the fields every diagnostic has are compared directly.
 */
function sameDiagnostics(a: Diagnostic[], b: Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) {
    if (!sameDiagnostic(a[index] as Diagnostic, b[index] as Diagnostic)) return false;
  }
  return true;
}

function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  const { range: rangeA, message: messageA, data: dataA, ...restA } = a;
  const { range: rangeB, message: messageB, data: dataB, ...restB } = b;
  return rangeA.start.line === rangeB.start.line && rangeA.start.character === rangeB.start.character
    && rangeA.end.line === rangeB.end.line && rangeA.end.character === rangeB.end.character
    && messageA === messageB && sameData(dataA, dataB) && sameJson(restA, restB);
}

function sameData(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  const { version: _versionA, ...restA } = a as Record<string, unknown>;
  const { version: _versionB, ...restB } = b as Record<string, unknown>;
  return sameJson(restA, restB);
}

/** Equal as JSON: a property whose value is undefined counts as absent. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((value, index) => sameJson(value, other[index]));
  }
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  let keysA = 0;
  for (const key in recordA) {
    if (recordA[key] === undefined) continue;
    keysA += 1;
    if (!Object.hasOwn(recordB, key) || !sameJson(recordA[key], recordB[key])) return false;
  }
  let keysB = 0;
  for (const key in recordB) if (recordB[key] !== undefined) keysB += 1;
  return keysA === keysB;
}
