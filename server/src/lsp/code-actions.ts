/**
 * LSP layer: code actions and commands for fixes (SPEC §4, §6). Quick fixes come from the
 * fixes a diagnostic carries in its `data` (convert.ts), "fix all in file" from a fresh analysis
 * of the document (`source.fixAll.pinHygiene`, which `editor.codeActionsOnSave` can run, and the
 * "Pin all in file" command). The fixes themselves are made by the core.
 */
import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type TextDocuments,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fixesWithIgnore, ignoreFixesFor, type IgnoreFixes } from '../core/findings';
import { fixAllEdits } from '../core/fixes/apply';
import { hashModeFix } from '../core/fixes/hash-mode';
import { isRuleId } from '../core/rule-catalog';
import type { Finding, Fix, Position, Range, TextEdit } from '../core/types';
import { DIAGNOSTIC_SOURCE, type DiagnosticData } from './convert';
import type { AnalyzedDocument, DiagnosticsProvider } from './diagnostics';
import { formatError, type Logger } from './log';

/** "Fix all in file" as a code action kind, under `source.fixAll` as VS Code expects. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.pinHygiene`;

/** Commands the server runs (`workspace/executeCommand`); the client adds them to the palette. */
export const COMMANDS = {
  pinAllInFile: 'pinHygiene.pinAllInFile',
  refresh: 'pinHygiene.refresh',
  clearCache: 'pinHygiene.clearCache',
} as const;

export const PIN_ALL_TITLE = 'Pin all in file';

/** A diagnostic's data is sent back by the client: at most this many fixes of it are read. */
const MAX_FIXES_PER_DIAGNOSTIC = 20;

export class CodeActionProvider {
  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly diagnostics: DiagnosticsProvider,
    private readonly logger: Logger,
  ) {}

  async codeActions(params: CodeActionParams, token: CancellationToken): Promise<CodeAction[]> {
    try {
      return await this.find(params, token);
    } catch (error) {
      // SPEC §8: never an error in the editor; the log says what broke.
      this.logger.error(`Code actions for ${params.textDocument.uri} failed`, error);
      return [];
    }
  }

  /** The edit "fix all in file" makes now; undefined when the document is not checked or nothing is safe to fix. */
  async fixAll(uri: string, token?: CancellationToken): Promise<{ edit: WorkspaceEdit; count: number } | undefined> {
    const analyzed = await this.diagnostics.analyzeDocument(uri, token);
    if (analyzed === undefined) return undefined;
    const edits = fixAllEdits(analyzed.findings);
    if (edits.length === 0) return undefined;
    return { edit: versionedEdit(uri, analyzed.version, edits), count: edits.length };
  }

  private async find(params: CodeActionParams, token: CancellationToken): Promise<CodeAction[]> {
    const uri = params.textDocument.uri;
    const document = this.documents.get(uri);
    if (document === undefined) return [];
    const only = params.context.only;
    const actions: CodeAction[] = [];

    if (wants(only, CodeActionKind.QuickFix)) {
      // Analysed at most once, and only when some diagnostic's data is stale or missing.
      let fresh: Promise<AnalyzedDocument | undefined> | undefined;
      const analysis = () => (fresh ??= this.diagnostics.analyzeDocument(uri, token));
      // One index of the document's lines per request, however many diagnostics it carries.
      const text = document.getText();
      const ignoreFix = ignoreFixesFor(text);
      const withIgnore = fixesWithIgnore(text);
      for (const diagnostic of params.context.diagnostics) {
        if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
        const data = diagnostic.data as Partial<DiagnosticData> | undefined;
        let fixes = data?.version === document.version ? carriedFixes(data, diagnostic, document.lineCount, ignoreFix) : undefined;
        if (fixes === undefined) {
          const analyzed = await analysis();
          if (analyzed === undefined || analyzed.version !== document.version) continue;
          const finding = findingFor(analyzed.findings, diagnostic);
          fixes = finding === undefined ? [] : withIgnore(finding);
        }
        for (const fix of fixes) actions.push(quickFix(uri, document.version, fix, diagnostic));
      }
      if (token.isCancellationRequested) return [];
      const hashes = await this.hashModeAction(uri, document, params.range.start.line);
      if (hashes) actions.push(hashes);
    }

    if (wants(only, FIX_ALL_KIND) && only !== undefined) {
      // Only when asked for source actions (the Source Action menu, codeActionsOnSave): the
      // light bulb asks with no `only` and must stay cheap.
      const all = await this.fixAll(uri, token);
      if (all) actions.push({ title: PIN_ALL_TITLE, kind: FIX_ALL_KIND, edit: all.edit });
    }
    return actions;
  }

  /** "Add hashes to every pinned requirement", offered on the lines of a requirement. */
  private async hashModeAction(uri: string, document: TextDocument, line: number): Promise<CodeAction | undefined> {
    if (document.languageId !== 'pip-requirements' && !/\.(txt|in|pip)$/i.test(uri)) return undefined;
    const onRequirement = this.diagnostics.requirementsOf(uri, document.getText()).entries
      .some((entry) => entry.kind === 'requirement' && entry.logical.firstLine <= line && line <= entry.logical.lastLine);
    if (!onRequirement) return undefined;
    // The fix needs the text and the registry answers, not an analysis: cheap enough for every light bulb.
    const analyzed = await this.diagnostics.requestFor(uri);
    if (analyzed === undefined || analyzed.request.kind !== 'pip-requirements' || analyzed.version !== document.version) return undefined;
    try {
      const fix = await hashModeFix(analyzed.request);
      return fix ? { title: fix.title, kind: CodeActionKind.QuickFix, edit: versionedEdit(uri, analyzed.version, fix.edits) } : undefined;
    } catch (error) {
      this.logger.debug(`No hash-mode action for ${uri}: ${formatError(error)}`);
      return undefined;
    }
  }
}

/** Registers `textDocument/codeAction` and the fix commands on the connection. */
export function registerCodeActions(
  connection: Connection,
  provider: () => CodeActionProvider | undefined,
  handlers: { refresh(): Promise<void>; clearCache(): Promise<number>; logger: Logger },
): void {
  connection.onCodeAction((params, token) => provider()?.codeActions(params, token) ?? []);
  connection.onExecuteCommand(async (params) => {
    try {
      switch (params.command) {
        case COMMANDS.pinAllInFile:
          return await pinAllInFile(connection, provider(), params.arguments?.[0], handlers.logger);
        case COMMANDS.refresh:
          await handlers.refresh();
          return null;
        case COMMANDS.clearCache: {
          const deleted = await handlers.clearCache();
          handlers.logger.info(`Cleared the registry cache (${deleted} cached answer${deleted === 1 ? '' : 's'} deleted from disk).`);
          return null;
        }
        default:
          return null;
      }
    } catch (error) {
      handlers.logger.error(`Command ${params.command} failed`, error);
      return null;
    }
  });
}

/** "Pin all in file": the server asks the client to apply the fix-all edit (`workspace/applyEdit`). */
async function pinAllInFile(connection: Connection, provider: CodeActionProvider | undefined, argument: unknown, logger: Logger): Promise<{ applied: number }> {
  const uri = typeof argument === 'string' ? argument : typeof argument === 'object' && argument !== null && typeof (argument as { uri?: unknown }).uri === 'string' ? (argument as { uri: string }).uri : undefined;
  if (uri === undefined || provider === undefined) {
    void connection.window.showInformationMessage('Pin Hygiene: open a requirements file or Dockerfile to pin.');
    return { applied: 0 };
  }
  const all = await provider.fixAll(uri);
  if (all === undefined) {
    void connection.window.showInformationMessage('Pin Hygiene: nothing in this file can be pinned safely.');
    return { applied: 0 };
  }
  const result = await connection.workspace.applyEdit({ label: PIN_ALL_TITLE, edit: all.edit });
  if (!result.applied) {
    logger.info(`Pin all in file: the editor did not apply the edit${result.failureReason ? ` (${result.failureReason})` : ''}.`);
    return { applied: 0 };
  }
  return { applied: all.count };
}

/** True when a request for `only` kinds wants actions of `kind` (kinds are dot-separated hierarchies). */
function wants(only: readonly string[] | undefined, kind: string): boolean {
  if (only === undefined || only.length === 0) return true;
  return only.some((wanted) => wanted === '' || kind === wanted || kind.startsWith(`${wanted}.`));
}

function quickFix(uri: string, version: number, fix: Fix, diagnostic: Diagnostic): CodeAction {
  const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: versionedEdit(uri, version, fix.edits) };
  if (fix.preferred) action.isPreferred = true;
  return action;
}

/** Edits for one version of the document: a client rejects them if the text has moved on. */
function versionedEdit(uri: string, version: number, edits: readonly TextEdit[]): WorkspaceEdit {
  return { documentChanges: [TextDocumentEdit.create({ uri, version }, edits.map((edit) => ({ range: copyRange(edit.range), newText: edit.newText })))] };
}

/** The finding a diagnostic was made from: same rule and range. */
function findingFor(findings: readonly Finding[], diagnostic: Diagnostic): Finding | undefined {
  return findings.find((finding) => finding.rule === diagnostic.code && sameRange(finding.range, diagnostic.range));
}

/**
 * The fixes of a diagnostic whose data is for the current text: those it carries, then its
 * "ignore this" fix made again from the text (convert.ts leaves it out of the data). Undefined
 * when the data is malformed or carries none, so the document is analysed again.
 */
function carriedFixes(data: Partial<DiagnosticData>, diagnostic: Diagnostic, lineCount: number, ignoreFix: IgnoreFixes): Fix[] | undefined {
  if (data.fixes === undefined && data.ignore === undefined) return undefined;
  const fixes = data.fixes === undefined ? [] : validFixes(data.fixes);
  if (fixes === undefined || data.ignore === undefined) return fixes;
  const { rule, dependency, ignore } = data;
  // The rule is written into the comment: only the diagnostic's own code, and a rule id we know.
  if (typeof rule !== 'string' || rule !== diagnostic.code || !isRuleId(rule)) return undefined;
  if (dependency !== undefined && typeof dependency !== 'string') return undefined;
  if (!Number.isInteger(ignore) || ignore < 0 || ignore >= lineCount) return undefined;
  return [...fixes, ignoreFix(rule, dependency, ignore)];
}

/** Fixes from a diagnostic's data as the client sent it back: anything malformed is dropped. */
function validFixes(value: unknown): Fix[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const fixes: Fix[] = [];
  for (const fix of value.slice(0, MAX_FIXES_PER_DIAGNOSTIC) as unknown[]) {
    if (typeof fix !== 'object' || fix === null) return undefined;
    const { title, edits, safe, preferred } = fix as Record<string, unknown>;
    if (typeof title !== 'string' || !Array.isArray(edits) || !edits.every(isTextEdit)) return undefined;
    fixes.push({ title, edits: edits as TextEdit[], safe: safe === true, ...(preferred === true ? { preferred: true } : {}) });
  }
  return fixes;
}

function isTextEdit(value: unknown): value is TextEdit {
  if (typeof value !== 'object' || value === null) return false;
  const { range, newText } = value as Record<string, unknown>;
  if (typeof newText !== 'string' || typeof range !== 'object' || range === null) return false;
  const { start, end } = range as Record<string, unknown>;
  return isPosition(start) && isPosition(end);
}

function isPosition(value: unknown): value is Position {
  if (typeof value !== 'object' || value === null) return false;
  const { line, character } = value as Record<string, unknown>;
  return Number.isInteger(line) && Number.isInteger(character) && (line as number) >= 0 && (character as number) >= 0;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function copyRange(range: Range): Range {
  return { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } };
}
